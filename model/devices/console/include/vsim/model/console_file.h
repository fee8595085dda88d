// FileBackend: a console port on files: output is appended to one file, input is read from another, from its
// start, and followed as it grows (like `tail -f`), without ever blocking.
#pragma once
#include <deque>
#include <string>

#include "vsim/model/console_backend.h"

namespace vsim::model {

class FileBackend final : public ConsoleBackend {
 public:
  /// Throws std::invalid_argument when a file cannot be opened. inputPath "" = no input.
  FileBackend(const std::string& outputPath, const std::string& inputPath, size_t bufferLimit);
  ~FileBackend() override;
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;
  ConsoleBackendKind kind() const override { return ConsoleBackendKind::File; }
  void write(const uint8_t* data, size_t len) override;
  size_t available() const override { return input_.size(); }
  size_t read(uint8_t* dst, size_t max) override;
  void poll() override;

 private:
  int out_ = -1, in_ = -1;
  size_t limit_;
  std::deque<uint8_t> input_;
};

}  // namespace vsim::model
