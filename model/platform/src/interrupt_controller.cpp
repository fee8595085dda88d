#include "vsim/model/interrupt_controller.h"

#include "vsim/model/bus.h"

namespace vsim::model {

InterruptController::InterruptController(uint64_t msiAddress) : msiAddress_(msiAddress) {}

void InterruptController::setLine(unsigned line, bool level) {
  if (line >= kLines) {
    ++stats_.badLines;
    return;
  }
  const uint64_t bit = uint64_t{1} << line;
  const bool was = (levels_ & bit) != 0;
  if (was == level) return;
  if (level) {
    levels_ |= bit;
    ++stats_.lineRises;
    if (cb_) cb_();
  } else {
    levels_ &= ~bit;
    ++stats_.lineFalls;
  }
}

void InterruptController::msi(uint64_t address, uint32_t data) {
  if (address != msiAddress_) {
    ++stats_.msisRejected;
    if (rejected_.size() < 1024) rejected_.push_back(RejectedMsi{address, data});
    if (errBus_) {
      DecodeError e;
      e.space = Space::Memory;
      e.addr = address;
      e.len = 4;
      e.write = true;
      e.value = data;
      e.reason = DecodeError::Reason::MsiAddress;
      e.target = "msi";
      errBus_->recordDecodeError(std::move(e));
    }
    return;
  }
  if (msis_.size() >= msiLimit_) {
    ++stats_.msisDropped;
    return;
  }
  msis_.push_back(data);
  ++stats_.msisAccepted;
  if (cb_) cb_();
}

bool InterruptController::popMsi(uint32_t* data) {
  if (msis_.empty()) return false;
  *data = msis_.front();
  msis_.pop_front();
  return true;
}

}  // namespace vsim::model
