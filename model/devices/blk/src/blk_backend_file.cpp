// Raw image file backing for the block device: pread/pwrite at byte offsets, never past the size it had when it
// was opened (or last resized), hole punching for deallocation where the file system supports it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "vsim/model/blk_backend.h"

namespace vsim::model {
namespace {

class FileBackend final : public BlkBackend {
 public:
  FileBackend(int fd, uint64_t size, bool ro, std::string path) : fd_(fd), size_(size), ro_(ro), path_(std::move(path)) {}
  ~FileBackend() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  bool readOnly() const override { return ro_; }

  bool read(uint64_t off, void* dst, uint64_t len) override {
    if (!fits(off, len)) return false;
    auto* p = static_cast<uint8_t*>(dst);
    while (len) {
      const ssize_t n = ::pread(fd_, p, len, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) {  // the file shrank behind our back: what is missing reads as zeroes
        std::memset(p, 0, len);
        return true;
      }
      p += n, off += static_cast<uint64_t>(n), len -= static_cast<uint64_t>(n);
    }
    return true;
  }

  bool write(uint64_t off, const void* src, uint64_t len) override {
    if (ro_ || !fits(off, len)) return false;
    const auto* p = static_cast<const uint8_t*>(src);
    while (len) {
      const ssize_t n = ::pwrite(fd_, p, len, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n, off += static_cast<uint64_t>(n), len -= static_cast<uint64_t>(n);
    }
    return true;
  }

  bool deallocate(uint64_t off, uint64_t len) override {
    if (ro_ || !fits(off, len)) return false;
    if (len == 0) return true;
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
    if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(off), static_cast<off_t>(len)) == 0)
      return true;
#endif
    static const std::vector<uint8_t> zeros(64 * 1024, 0);
    while (len) {
      const uint64_t n = len < zeros.size() ? len : zeros.size();
      if (!write(off, zeros.data(), n)) return false;
      off += n, len -= n;
    }
    return true;
  }

  bool sync() override { return ro_ || ::fdatasync(fd_) == 0; }

  bool resize(uint64_t bytes) override {
    if (ro_ || ::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) return false;
    size_ = bytes;
    return true;
  }

  std::string describe() const override { return "image '" + path_ + "'" + (ro_ ? " (read-only)" : ""); }

 private:
  int fd_;
  uint64_t size_;
  bool ro_;
  std::string path_;
};

}  // namespace

std::unique_ptr<BlkBackend> openFileBackend(const std::string& path, bool readOnly, std::string* error) {
  const int fd = ::open(path.c_str(), (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) {
    if (error) *error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (error) *error = "'" + path + "' is not a regular file";
    ::close(fd);
    return nullptr;
  }
  return std::make_unique<FileBackend>(fd, static_cast<uint64_t>(st.st_size), readOnly, path);
}

}  // namespace vsim::model
