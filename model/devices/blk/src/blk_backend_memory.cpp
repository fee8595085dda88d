// Memory backing for the block device (tests, scratch disks).
#include <cstring>

#include "vsim/model/blk_backend.h"

namespace vsim::model {
namespace {

class MemoryBackend final : public BlkBackend {
 public:
  MemoryBackend(uint64_t bytes, bool ro) : data_(bytes, 0), ro_(ro) {}
  uint64_t size() const override { return data_.size(); }
  bool readOnly() const override { return ro_; }
  bool read(uint64_t off, void* dst, uint64_t len) override {
    if (!fits(off, len)) return false;
    if (len) std::memcpy(dst, data_.data() + off, len);
    return true;
  }
  bool write(uint64_t off, const void* src, uint64_t len) override {
    if (ro_ || !fits(off, len)) return false;
    if (len) std::memcpy(data_.data() + off, src, len);
    return true;
  }
  bool deallocate(uint64_t off, uint64_t len) override {
    if (ro_ || !fits(off, len)) return false;
    if (len) std::memset(data_.data() + off, 0, len);
    return true;
  }
  bool sync() override { return true; }
  bool resize(uint64_t bytes) override {
    if (ro_) return false;
    data_.resize(bytes, 0);
    return true;
  }
  std::string describe() const override { return "memory (" + std::to_string(data_.size()) + " bytes)"; }

 private:
  std::vector<uint8_t> data_;
  bool ro_;
};

}  // namespace

std::unique_ptr<BlkBackend> makeMemoryBackend(uint64_t bytes, bool readOnly) {
  return std::make_unique<MemoryBackend>(bytes, readOnly);
}

}  // namespace vsim::model
