// CaptureBackend: bounded in-memory buffers in both directions.
#include "vsim/model/console_capture.h"

#include <algorithm>

namespace vsim::model {

void CaptureBackend::write(const uint8_t* data, size_t len) {
  const size_t room = limit_ > output_.size() ? limit_ - output_.size() : 0;
  const size_t n = std::min(room, len);
  output_.append(reinterpret_cast<const char*>(data), n);
  dropped_ += len - n;
}

size_t CaptureBackend::read(uint8_t* dst, size_t max) {
  const size_t n = std::min(max, input_.size());
  std::copy_n(input_.begin(), n, dst);
  input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

std::string CaptureBackend::takeOutput() {
  std::string out;
  out.swap(output_);
  return out;
}

size_t CaptureBackend::pushInput(std::string_view bytes) {
  const size_t room = limit_ > input_.size() ? limit_ - input_.size() : 0;
  const size_t n = std::min(room, bytes.size());
  input_.insert(input_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

}  // namespace vsim::model
