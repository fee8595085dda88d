// The board's functional CPU: register accesses cost their latency, RAM accesses are free, advance() lets time pass
// even with an interrupt pending, waiting for an interrupt moves the clock to its arrival or by the time-out.
#include "board_fixture.h"
#include "vsim/abi/mmio.h"

namespace vsim::model::test {
namespace {

TEST_F(BoardFixture, RegisterAccessesCostTheirLatencyRamIsFree) {
  build(1);
  FunctionalCpu& cpu = board->functionalCpu();
  const uint64_t mmio = board->map().mmio.at(0).base;
  const uint64_t t0 = cpu.nowPs();
  EXPECT_EQ(cpu.read(Space::Memory, mmio + mmio::kMagicValue, 4), 0x74726976u);  // "virt"
  EXPECT_EQ(cpu.nowPs() - t0, board->timing().accessPs(AccessKind::MmioRead));
  const uint64_t t1 = cpu.nowPs();
  cpu.write(Space::Memory, board->ram().base() + 0x100, 7, 4);
  EXPECT_EQ(cpu.read(Space::Memory, board->ram().base() + 0x100, 4), 7u);
  EXPECT_EQ(cpu.nowPs(), t1);
  EXPECT_EQ(board->clock().nowPs, t0 + board->timing().accessPs(AccessKind::MmioRead));
}

TEST_F(BoardFixture, AdvanceLetsTimePassWithAnInterruptPending) {
  build(1);
  FunctionalCpu& cpu = board->functionalCpu();
  request(0);  // completes and raises the queue interrupt
  ASSERT_TRUE(board->irqPending());
  const uint64_t t0 = cpu.nowPs();
  cpu.advance(5'000'000);
  EXPECT_EQ(cpu.nowPs(), t0 + 5'000'000);
  EXPECT_EQ(board->clock().nowPs, cpu.nowPs());
  EXPECT_TRUE(board->irqPending());  // advance() does not take interrupts
}

TEST_F(BoardFixture, WaitForInterruptTimesOutOrReturnsAtTheArrival) {
  build(1);
  FunctionalCpu& cpu = board->functionalCpu();
  const uint64_t t0 = cpu.nowPs();
  EXPECT_FALSE(cpu.waitForInterrupt(1000));
  EXPECT_EQ(cpu.nowPs(), t0 + 1'000'000);
  request(0);
  EXPECT_TRUE(cpu.waitForInterrupt(1000));
  EXPECT_GE(cpu.nowPs(), board->timer(0).lastIrqAtPs());
}

}  // namespace
}  // namespace vsim::model::test
