// Device personalities: legal-but-unusual device behaviour that shakes out driver bugs. Each is allowed by the spec;
// a correct driver works under every one of them. Selectable per run and combinable:
//   "out_of_order"        return each batch of requests in reverse order (only when IN_ORDER is not negotiated)
//   "batch_used=N"        hold completions and publish them N at a time (or when the queue runs dry)
//   "config_gen_churn=N"  the configuration generation changes during the first N device-config reads after each
//                         reset (a driver must retry until two generation reads agree)
//   "config_change_every=N" a configuration change notification after every N completed requests
//   "spurious_irq"        an extra used-buffer interrupt with nothing new after every completion batch
//   "needs_reset_after=N" enter DEVICE_NEEDS_RESET after N completed requests (once per reset)
//   "queue_max=N"         offer N as every queue's maximum size (1..32768; split rounds down to a power of 2)
//   "no_event_idx", "no_indirect", "no_packed"  do not offer that feature
//   "suspend_fails"       a SUSPEND request is answered with DEVICE_NEEDS_RESET instead of suspending
//   "resume_fails"        a resume (DRIVER_OK set while suspended) is answered with DEVICE_NEEDS_RESET
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vsim::model {

struct Personality {
  bool outOfOrder = false;
  uint32_t batchUsed = 0;
  uint32_t configGenChurn = 0;
  uint32_t configChangeEvery = 0;
  bool spuriousIrq = false;
  uint32_t needsResetAfter = 0;
  uint32_t queueMax = 0;
  uint64_t featuresRemoved = 0;
  bool suspendFails = false;
  bool resumeFails = false;

  bool isDefault() const;
  /// Parse "a,b=N,..." ("" or "default" = none). Throws std::invalid_argument naming the bad item.
  static Personality parse(const std::string& spec);
  /// The canonical name ("default" when none).
  std::string name() const;
  /// Every single personality, for "run under all personalities" (suspend_fails / resume_fails are left out: only
  /// a driver that suspends the device can tell them from the default, and the suite's suspend tests set them).
  static std::vector<std::string> catalogue();
};

}  // namespace vsim::model
