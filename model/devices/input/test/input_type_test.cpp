// The "input" registry entry: option table and parsing (errors name the key), factory.
#include <gtest/gtest.h>

#include <stdexcept>

#include "vsim/model/input_device.h"
#include "vsim/model/input_type.h"

namespace vsim::model {
namespace {

struct NoBoard final : BoardContext {
  std::shared_ptr<void> shared(const std::string&, const std::function<std::shared_ptr<void>()>& make) override {
    return make();
  }
  uint64_t nowPs() const override { return 1234; }
};

void expectBadOption(const DeviceOptions& o, const std::string& key) {
  try {
    inputParamsFrom(o, "in0");
    ADD_FAILURE() << "accepted option " << key;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("option '" + key + "'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("in0"), std::string::npos) << e.what();
  }
}

TEST(InputType, OptionTableIsComplete) {
  const DeviceTypeInfo i = inputDeviceType();
  EXPECT_EQ(i.type, "input");
  EXPECT_FALSE(i.description.empty());
  DeviceOptions all;
  for (const auto& o : i.options) {
    EXPECT_FALSE(o.name.empty());
    EXPECT_FALSE(o.description.empty()) << o.name;
    all[o.name] = "";
  }
  // every option in the table is accepted by the parser (values checked elsewhere)
  for (const char* k : {"kind", "name", "serial", "bustype", "vendor", "product", "version", "abs_max_x", "abs_max_y",
                        "abs_res", "queue_size", "event_buffer", "script", "script_file"})
    EXPECT_TRUE(all.count(k)) << k;
  EXPECT_EQ(all.size(), 14u);
}

TEST(InputType, DefaultsAndValues) {
  InputParams p = inputParamsFrom({}, "in0");
  EXPECT_EQ(p.kind, InputKind::Keyboard);
  EXPECT_EQ(p.serial, "in0");
  EXPECT_EQ(p.queueSize, 64);
  p = inputParamsFrom({{"kind", "tablet"}, {"name", "Pen"}, {"serial", ""}, {"vendor", "0x10"}, {"abs_max_x", "800"},
                       {"abs_max_y", "600"}, {"queue_size", "8"}, {"event_buffer", "0"}, {"script", "1ms syn"}},
                      "in0");
  EXPECT_EQ(p.kind, InputKind::Tablet);
  EXPECT_EQ(p.name, "Pen");
  EXPECT_EQ(p.serial, "");
  EXPECT_EQ(p.vendor, 0x10);
  EXPECT_EQ(p.absMaxX, 800u);
  EXPECT_EQ(p.absMaxY, 600u);
  EXPECT_EQ(p.queueSize, 8);
  EXPECT_EQ(p.eventBuffer, 0u);
  EXPECT_EQ(p.script, "1ms syn");
}

TEST(InputType, BadOptionsNameTheKey) {
  expectBadOption({{"colour", "red"}}, "colour");
  expectBadOption({{"kind", "joystick"}}, "kind");
  expectBadOption({{"name", std::string(129, 'x')}}, "name");
  expectBadOption({{"serial", std::string(200, 'x')}}, "serial");
  expectBadOption({{"vendor", "0x10000"}}, "vendor");
  expectBadOption({{"abs_max_x", "0"}}, "abs_max_x");
  expectBadOption({{"queue_size", "0"}}, "queue_size");
  expectBadOption({{"queue_size", "40000"}}, "queue_size");
  expectBadOption({{"event_buffer", "-1"}}, "event_buffer");
  expectBadOption({{"script", "5 key"}}, "script");
  expectBadOption({{"script_file", "/nonexistent/input.script"}}, "script_file");
}

TEST(InputType, FactoryBuildsTheDeviceWithTheBoardClock) {
  NoBoard ctx;
  auto logic = inputDeviceType().make({{"kind", "mouse"}, {"script", "1ns key 0x110 1; 1ns syn"}}, "in0", ctx);
  ASSERT_TRUE(logic);
  EXPECT_EQ(logic->deviceId(), 18);
  auto* dev = dynamic_cast<InputDevice*>(logic.get());
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->identity().name, "virtio-sim mouse");
  EXPECT_EQ(dev->nextScriptedAtPs(), 1000u);
  dev->pump();  // the board says 1234 ps: both events are due (no driver: they wait)
  EXPECT_EQ(dev->eventsWaiting(), 2u);
}

}  // namespace
}  // namespace vsim::model
