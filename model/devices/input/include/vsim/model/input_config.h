// InputConfig: the input device's configuration structure: the select/subsel registers the driver writes, the
// answer (size + union) computed from the identity, and the checks on how the driver queries it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vsim/model/input_identity.h"
#include "vsim/violation.h"

namespace vsim::model {

class InputConfig {
 public:
  /// How a driver violation is reported (clause ID, kind, message, evidence).
  using Report = std::function<void(const char* clause, const char* kind, std::string message, std::vector<Evidence>)>;

  explicit InputConfig(InputIdentity id) : id_(std::move(id)) {}

  /// The answer to (select, subsel): bytes written to u (128 bytes, zero beyond the size), size returned.
  uint8_t answer(uint8_t select, uint8_t subsel, uint8_t u[input::cfg::kUnionBytes]) const;

  /// Driver read of [off, off+len) (inside the structure: the core checked it).
  void read(uint32_t off, void* dst, uint32_t len, const Report& report);
  /// Driver write of [off, off+len): only select and subsel take it; other bytes are reported and ignored.
  void write(uint32_t off, const void* src, uint32_t len, const Report& report);
  /// Device reset: select and subsel back to 0, query tracking forgotten.
  void reset();

  uint8_t select() const { return select_; }
  uint8_t subsel() const { return subsel_; }
  const InputIdentity& identity() const { return id_; }

 private:
  void startQueryIfDone();
  void refresh();

  InputIdentity id_;
  uint8_t select_ = 0, subsel_ = 0;
  uint8_t size_ = 0;
  uint8_t u_[input::cfg::kUnionBytes] = {};
  // Query tracking: a query is "set select and subsel, then read size and the union".
  bool selWritten_ = false, subWritten_ = false;  ///< written since the current query started
  bool resultRead_ = false;  ///< size or union read since the last select/subsel write
  bool sizeRead_ = false;    ///< size read in the current query
  bool reportedIncomplete_ = false, reportedNoSize_ = false;
};

}  // namespace vsim::model
