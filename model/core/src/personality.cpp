#include "vsim/model/personality.h"

#include <sstream>
#include <stdexcept>

#include "vsim/abi/features.h"

namespace vsim::model {

bool Personality::isDefault() const { return name() == "default"; }

Personality Personality::parse(const std::string& spec) {
  Personality p;
  if (spec.empty() || spec == "default") return p;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    uint32_t n = 0;
    if (eq != std::string::npos) {
      try {
        size_t used = 0;
        const unsigned long v = std::stoul(item.substr(eq + 1), &used, 0);
        if (used != item.size() - eq - 1 || v == 0 || v > 65536) throw std::out_of_range("");
        n = static_cast<uint32_t>(v);
      } catch (...) {
        throw std::invalid_argument("personality '" + item + "': expected a number from 1 to 65536 after '='");
      }
    }
    auto needN = [&] {
      if (!n) throw std::invalid_argument("personality '" + key + "' needs '=N'");
      return n;
    };
    if (key == "out_of_order") p.outOfOrder = true;
    else if (key == "batch_used") p.batchUsed = needN();
    else if (key == "config_gen_churn") p.configGenChurn = needN();
    else if (key == "config_change_every") p.configChangeEvery = needN();
    else if (key == "spurious_irq") p.spuriousIrq = true;
    else if (key == "needs_reset_after") p.needsResetAfter = needN();
    else if (key == "queue_max") {
      p.queueMax = needN();
      if (p.queueMax > 32768) throw std::invalid_argument("personality 'queue_max': at most 32768");
    } else if (key == "no_event_idx") p.featuresRemoved |= feat::bit(feat::kEventIdx);
    else if (key == "no_indirect") p.featuresRemoved |= feat::bit(feat::kIndirectDesc);
    else if (key == "no_packed") p.featuresRemoved |= feat::bit(feat::kRingPacked);
    else if (key == "suspend_fails") p.suspendFails = true;
    else if (key == "resume_fails") p.resumeFails = true;
    else {
      std::string all;
      for (const auto& c : catalogue()) all += (all.empty() ? "" : ", ") + c;
      throw std::invalid_argument("unknown personality '" + key + "' (known: " + all + ")");
    }
  }
  return p;
}

std::string Personality::name() const {
  std::string s;
  auto add = [&](const std::string& x) { s += (s.empty() ? "" : ",") + x; };
  if (outOfOrder) add("out_of_order");
  if (batchUsed) add("batch_used=" + std::to_string(batchUsed));
  if (configGenChurn) add("config_gen_churn=" + std::to_string(configGenChurn));
  if (configChangeEvery) add("config_change_every=" + std::to_string(configChangeEvery));
  if (spuriousIrq) add("spurious_irq");
  if (needsResetAfter) add("needs_reset_after=" + std::to_string(needsResetAfter));
  if (queueMax) add("queue_max=" + std::to_string(queueMax));
  if (featuresRemoved & feat::bit(feat::kEventIdx)) add("no_event_idx");
  if (featuresRemoved & feat::bit(feat::kIndirectDesc)) add("no_indirect");
  if (featuresRemoved & feat::bit(feat::kRingPacked)) add("no_packed");
  if (suspendFails) add("suspend_fails");
  if (resumeFails) add("resume_fails");
  return s.empty() ? "default" : s;
}

std::vector<std::string> Personality::catalogue() {
  return {"out_of_order",   "batch_used=4",  "config_gen_churn=3", "config_change_every=7", "spurious_irq",
          "needs_reset_after=5", "queue_max=2", "queue_max=32768", "no_event_idx", "no_indirect",
          "no_packed"};
}

}  // namespace vsim::model
