// FileBackend: O_APPEND output, non-blocking input that follows the file as it grows.
#include "vsim/model/console_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vsim::model {

FileBackend::FileBackend(const std::string& outputPath, const std::string& inputPath, size_t bufferLimit)
    : limit_(bufferLimit) {
  out_ = ::open(outputPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_ < 0) throw std::invalid_argument("cannot open '" + outputPath + "' for output: " + std::strerror(errno));
  if (!inputPath.empty()) {
    in_ = ::open(inputPath.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (in_ < 0) {
      const int e = errno;
      ::close(out_);
      throw std::invalid_argument("cannot open '" + inputPath + "' for input: " + std::strerror(e));
    }
  }
}

FileBackend::~FileBackend() {
  if (out_ >= 0) ::close(out_);
  if (in_ >= 0) ::close(in_);
}

void FileBackend::write(const uint8_t* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = ::write(out_, data + done, len - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // disk full or the like: the rest is counted as dropped
  }
  dropped_ += len - done;
}

void FileBackend::poll() {
  if (in_ < 0) return;
  uint8_t buf[4096];
  while (input_.size() < limit_) {
    const size_t want = std::min(sizeof buf, limit_ - input_.size());
    const ssize_t n = ::read(in_, buf, want);
    if (n > 0) {
      input_.insert(input_.end(), buf, buf + n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // end of file for now (read again at the next poll), or nothing ready
  }
}

size_t FileBackend::read(uint8_t* dst, size_t max) {
  const size_t n = std::min(max, input_.size());
  std::copy_n(input_.begin(), n, dst);
  input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

}  // namespace vsim::model
