// BlkBackend: the persistent store behind a block device — a raw image file or a memory buffer. Byte addressed;
// every access is bounds-checked against size() and fails (touching nothing) when it does not fit.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vsim::model {

class BlkBackend {
 public:
  virtual ~BlkBackend() = default;
  virtual uint64_t size() const = 0;
  virtual bool readOnly() const = 0;
  virtual bool read(uint64_t off, void* dst, uint64_t len) = 0;
  virtual bool write(uint64_t off, const void* src, uint64_t len) = 0;
  /// Give [off, off+len) back: reads return zeroes afterwards (file: punch a hole, else write zeroes).
  virtual bool deallocate(uint64_t off, uint64_t len) = 0;
  /// Make everything written so far durable (file: fdatasync; memory: nothing to do).
  virtual bool sync() = 0;
  /// Change the size (growing reads as zeroes). False for read-only stores.
  virtual bool resize(uint64_t bytes) = 0;
  virtual std::string describe() const = 0;

 protected:
  bool fits(uint64_t off, uint64_t len) const { return off <= size() && len <= size() - off; }
};

/// A zero-filled memory store of `bytes`.
std::unique_ptr<BlkBackend> makeMemoryBackend(uint64_t bytes, bool readOnly);
/// Open an existing raw image (read-write, or read-only). nullptr with *error set when it cannot be opened.
std::unique_ptr<BlkBackend> openFileBackend(const std::string& path, bool readOnly, std::string* error);

}  // namespace vsim::model
