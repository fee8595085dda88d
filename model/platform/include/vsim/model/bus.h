// AddressMap and Bus: the functional platform's interconnect. Ranges of the Memory, Io and Config spaces map to
// BusTargets; the bus routes each CPU access to the target holding it (with the offset inside the range), answers
// accesses nobody decodes with all-ones, records them as decode errors, and shows every access to an observer
// (the transaction trace).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vsim/model/bus_target.h"

namespace vsim::model {

/// An access the bus could not complete normally.
struct DecodeError {
  enum class Reason : uint8_t {
    Unmapped,        ///< no range holds the address
    Straddle,        ///< the access starts inside a range and runs past its end
    BadWidth,        ///< width other than 1, 2, 4 or 8 bytes
    TargetRejected,  ///< the target answered false (no register there, width it does not take, unclaimed window)
    MsiAddress,      ///< an MSI write to an address other than the MSI address (InterruptController)
  };
  Space space = Space::Memory;
  uint64_t addr = 0;
  unsigned len = 0;
  bool write = false;
  uint64_t value = 0;  ///< value written (writes only)
  Reason reason = Reason::Unmapped;
  std::string target;  ///< name of the range hit, empty when unmapped
};
const char* decodeReasonName(DecodeError::Reason r);

/// Sees every access that goes through the Bus (the transaction trace hooks in here).
class BusObserver {
 public:
  virtual ~BusObserver() = default;
  /// value: what was read (all-ones on a decode error) or written. targetName: the mapped range's name (empty if
  /// unmapped); regName: the target's name for the register at that offset (may be empty).
  virtual void onAccess(Space space, uint64_t addr, unsigned len, uint64_t value, bool write,
                        const std::string& targetName, const std::string& regName) = 0;
  /// Called after onAccess for accesses that ended in a decode error.
  virtual void onDecodeError(const DecodeError& e) { (void)e; }
};

/// Non-overlapping [base, base+size) ranges per address space, each naming a BusTarget.
class AddressMap {
 public:
  struct Range {
    Space space = Space::Memory;
    uint64_t base = 0;
    uint64_t size = 0;
    BusTarget* target = nullptr;
    std::string name;
    uint64_t last() const { return base + (size - 1); }
  };

  /// Map [base, base+size) of space to target. False (and nothing mapped) if size is 0, the range wraps past
  /// 2^64, or it overlaps an existing range of the same space.
  bool map(Space space, uint64_t base, uint64_t size, BusTarget& target, std::string name);
  /// Remove the range starting exactly at base. False if there is none.
  bool unmap(Space space, uint64_t base);
  /// The range holding addr, or nullptr.
  const Range* find(Space space, uint64_t addr) const;
  /// Ranges of one space, sorted by base.
  const std::vector<Range>& ranges(Space space) const { return ranges_[static_cast<unsigned>(space)]; }

 private:
  std::array<std::vector<Range>, 3> ranges_;
};

class Bus {
 public:
  struct Stats {
    uint64_t reads = 0;
    uint64_t writes = 0;
    uint64_t decodeErrors = 0;  ///< all of them, also those beyond the kept list
  };

  AddressMap& map() { return map_; }
  const AddressMap& map() const { return map_; }

  /// Read len (1, 2, 4 or 8) bytes at addr, little-endian, zero-extended. A decode error reads all-ones (of len
  /// bytes) and is recorded.
  uint64_t read(Space space, uint64_t addr, unsigned len);
  /// Write the low len bytes of value at addr. Returns false on a decode error (recorded; nothing written).
  bool write(Space space, uint64_t addr, uint64_t value, unsigned len);
  /// Read with the outcome: false on a decode error (*value is then all-ones of len bytes).
  bool tryRead(Space space, uint64_t addr, unsigned len, uint64_t* value);

  void setObserver(BusObserver* o) { obs_ = o; }
  BusObserver* observer() const { return obs_; }

  /// Decode errors in order (at most decodeErrorLimit() are kept; stats().decodeErrors counts all).
  const std::vector<DecodeError>& decodeErrors() const { return errors_; }
  void clearDecodeErrors() { errors_.clear(); }
  /// How many decode errors are kept for inspection. Unit: entries. Default: 1024.
  void setDecodeErrorLimit(size_t n) { errorLimit_ = n; }
  size_t decodeErrorLimit() const { return errorLimit_; }
  /// Record a decode error found elsewhere on the platform (MSI writes to the wrong address).
  void recordDecodeError(DecodeError e);

  const Stats& stats() const { return stats_; }

 private:
  bool access(Space space, uint64_t addr, unsigned len, uint64_t* value, bool write);

  AddressMap map_;
  BusObserver* obs_ = nullptr;
  std::vector<DecodeError> errors_;
  size_t errorLimit_ = 1024;
  Stats stats_;
};

}  // namespace vsim::model
