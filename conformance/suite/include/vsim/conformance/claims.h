// Claims: the normative statements our code enforces ("check") or honours ("duty"), scanned from the sources at
// build time (scripts/gen_claims.py).
#pragma once
#include <span>
#include <string_view>

namespace vsim::conformance {

struct Claim {
  std::string_view clause;  ///< catalogue ID
  std::string_view side;    ///< "device" (model/) or "driver" (driver/)
  std::string_view kind;    ///< "check": we detect the other side breaking it; "duty": we obey it
  std::string_view where;   ///< first citation, file:line
};

std::span<const Claim> claims();

}  // namespace vsim::conformance
