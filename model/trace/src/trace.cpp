#include "vsim/model/trace.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>

namespace vsim::model {

namespace {
std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "\"0x%" PRIx64 "\"", v);
  return b;
}
}  // namespace

std::string jsonString(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o + "\"";
}

TraceWriter::~TraceWriter() { close(); }

bool TraceWriter::open(const std::string& path) {
  close();
  if (path == "-") {
    f_ = stdout;
    ownsFile_ = false;
    return true;
  }
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) {
    error_ = "cannot open trace file '" + path + "': " + std::strerror(errno);
    return false;
  }
  ownsFile_ = true;
  return true;
}

void TraceWriter::close() {
  if (f_ && ownsFile_) std::fclose(f_);
  else if (f_) std::fflush(f_);
  f_ = nullptr;
}

void TraceWriter::line(const std::string& s) {
  if (!f_) return;
  std::fputs(s.c_str(), f_);
  std::fputc('\n', f_);
  ++lines_;
}

void TraceWriter::reg(uint64_t ps, const std::string& dev, const char* space, uint64_t addr, unsigned len, bool write,
                      uint64_t value, const std::string& regName) {
  if (!f_) return;
  line("{\"t\":" + std::to_string(ps) + ",\"ev\":\"reg\",\"dev\":" + jsonString(dev) + ",\"space\":\"" + space +
       "\",\"addr\":" + hex(addr) + ",\"len\":" + std::to_string(len) + ",\"rw\":\"" + (write ? "w" : "r") +
       "\",\"val\":" + hex(value) + ",\"reg\":" + jsonString(regName) + "}");
}

void TraceWriter::dma(uint64_t ps, const std::string& dev, int queue, DmaKind kind, uint64_t gpa, uint64_t len,
                      bool write) {
  if (!f_) return;
  line("{\"t\":" + std::to_string(ps) + ",\"ev\":\"dma\",\"dev\":" + jsonString(dev) + ",\"q\":" +
       std::to_string(queue) + ",\"kind\":\"" + dmaKindName(kind) + "\",\"gpa\":" + hex(gpa) + ",\"len\":" +
       std::to_string(len) + ",\"rw\":\"" + (write ? "w" : "r") + "\"}");
}

void TraceWriter::event(uint64_t ps, const std::string& dev, const char* what, int queue, uint64_t value) {
  if (!f_) return;
  line("{\"t\":" + std::to_string(ps) + ",\"ev\":" + jsonString(what) + ",\"dev\":" + jsonString(dev) + ",\"q\":" +
       std::to_string(queue) + ",\"val\":" + hex(value) + "}");
}

void TraceWriter::violation(uint64_t ps, const std::string& dev, const Violation& v) {
  if (!f_) return;
  std::string ev = "{";
  for (size_t i = 0; i < v.evidence.size(); ++i)
    ev += (i ? "," : "") + jsonString(v.evidence[i].name) + ":" + std::to_string(v.evidence[i].value);
  ev += "}";
  line("{\"t\":" + std::to_string(ps) + ",\"ev\":\"violation\",\"dev\":" + jsonString(dev) + ",\"clause\":" +
       jsonString(v.clause) + ",\"kind\":" + jsonString(v.kind) + ",\"culprit\":\"" +
       (v.culprit == Culprit::Driver ? "driver" : "device") + "\",\"q\":" + std::to_string(v.queue) + ",\"msg\":" +
       jsonString(v.message) + ",\"evidence\":" + ev + "}");
}

int VcdWriter::addWire(const std::string& scope, const std::string& name) { return addInteger(scope, name, 1); }

int VcdWriter::addInteger(const std::string& scope, const std::string& name, unsigned bits) {
  // VCD identifiers: printable characters '!'..'~', base-94 by index.
  std::string id;
  size_t n = signals_.size();
  do {
    id += static_cast<char>('!' + n % 94);
    n /= 94;
  } while (n);
  signals_.push_back(Signal{scope, name, id, bits});
  return static_cast<int>(signals_.size() - 1);
}

void VcdWriter::change(uint64_t ps, int signal, uint64_t value) {
  if (signal < 0 || static_cast<size_t>(signal) >= signals_.size()) return;
  changes_.push_back(Change{ps, changes_.size(), signal, value});
}

bool VcdWriter::write(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    error_ = "cannot open VCD file '" + path + "': " + std::strerror(errno);
    return false;
  }
  auto val = [&](const Signal& s, uint64_t v) {
    if (s.bits == 1) return std::string(1, v ? '1' : '0') + s.id;
    std::string b = "b";
    for (int i = static_cast<int>(s.bits) - 1; i >= 0; --i) b += ((v >> i) & 1) ? '1' : '0';
    return b + " " + s.id;
  };
  std::fprintf(f, "$comment virtio-sim waveform $end\n$timescale 1 ps $end\n");
  std::map<std::string, std::vector<size_t>> scopes;
  for (size_t i = 0; i < signals_.size(); ++i) scopes[signals_[i].scope].push_back(i);
  std::fprintf(f, "$scope module virtio_sim $end\n");
  for (const auto& [scope, idx] : scopes) {
    std::fprintf(f, "$scope module %s $end\n", scope.c_str());
    for (size_t i : idx)
      std::fprintf(f, "$var %s %u %s %s $end\n", signals_[i].bits == 1 ? "wire" : "integer", signals_[i].bits,
                   signals_[i].id.c_str(), signals_[i].name.c_str());
    std::fprintf(f, "$upscope $end\n");
  }
  std::fprintf(f, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
  for (const auto& s : signals_) std::fprintf(f, "%s\n", val(s, 0).c_str());
  std::fprintf(f, "$end\n");
  std::vector<Change> sorted = changes_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Change& a, const Change& b) { return a.ps < b.ps; });
  uint64_t last = 0;
  for (const auto& c : sorted) {
    if (c.ps != last) {
      std::fprintf(f, "#%" PRIu64 "\n", c.ps);
      last = c.ps;
    }
    std::fprintf(f, "%s\n", val(signals_[c.signal], c.value).c_str());
  }
  const bool ok = std::fclose(f) == 0;
  if (!ok) error_ = "error writing VCD file '" + path + "'";
  return ok;
}

}  // namespace vsim::model
