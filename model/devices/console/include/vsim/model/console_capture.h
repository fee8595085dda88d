// CaptureBackend: an in-memory console port for tests and scripts: the host takes the guest's output and pushes
// input for it.
#pragma once
#include <deque>
#include <string>
#include <string_view>

#include "vsim/model/console_backend.h"

namespace vsim::model {

class CaptureBackend final : public ConsoleBackend {
 public:
  explicit CaptureBackend(size_t bufferLimit = 1u << 20) : limit_(bufferLimit) {}
  ConsoleBackendKind kind() const override { return ConsoleBackendKind::Capture; }
  void write(const uint8_t* data, size_t len) override;
  size_t available() const override { return input_.size(); }
  size_t read(uint8_t* dst, size_t max) override;
  bool hostConnected() const override { return connected_; }

  /// Host side: everything the guest wrote since the last take (the buffer is emptied).
  std::string takeOutput();
  /// Host side: the guest's output so far, without taking it.
  const std::string& output() const { return output_; }
  /// Host side: bytes for the guest; returns how many were accepted (the rest exceeded the buffer limit).
  size_t pushInput(std::string_view bytes);
  /// Host side: attach or detach the host peer (a multiport device tells the driver with PORT_OPEN).
  void setHostConnected(bool c) { connected_ = c; }

 private:
  size_t limit_;
  std::string output_;
  std::deque<uint8_t> input_;
  bool connected_ = true;
};

}  // namespace vsim::model
