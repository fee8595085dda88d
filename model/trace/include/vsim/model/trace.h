// Transaction trace (JSON lines) and waveform (VCD) writers. Both are deterministic: events carry simulated time
// in picoseconds and are written in the order they are recorded (VCD changes are stably sorted by time on close).
#pragma once
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "vsim/guest_memory.h"
#include "vsim/violation.h"

namespace vsim::model {

/// One JSON object per line:
///   {"t":<ps>,"ev":"reg","dev":"rng0","space":"mem","addr":"0x...","len":4,"rw":"w","val":"0x...","reg":"common.queue_select"}
///   {"t":<ps>,"ev":"dma","dev":"rng0","q":0,"kind":"desc_read","gpa":"0x...","len":16,"rw":"r"}
///   {"t":<ps>,"ev":"driver_notify"|"used_irq"|"config_irq"|"status"|..., "dev":..., "q":..., "val":...}
///   {"t":<ps>,"ev":"violation","dev":...,"clause":"...","kind":"...","msg":"...","evidence":{"name":value,...}}
class TraceWriter {
 public:
  TraceWriter() = default;
  ~TraceWriter();
  /// Open path for writing ("-" = stdout). False with a message in error() if it cannot be opened.
  bool open(const std::string& path);
  bool isOpen() const { return f_ != nullptr; }
  void close();
  const std::string& error() const { return error_; }

  void reg(uint64_t ps, const std::string& dev, const char* space, uint64_t addr, unsigned len, bool write,
           uint64_t value, const std::string& regName);
  void dma(uint64_t ps, const std::string& dev, int queue, DmaKind kind, uint64_t gpa, uint64_t len, bool write);
  void event(uint64_t ps, const std::string& dev, const char* what, int queue, uint64_t value);
  void violation(uint64_t ps, const std::string& dev, const Violation& v);
  uint64_t lines() const { return lines_; }

 private:
  void line(const std::string& s);
  std::FILE* f_ = nullptr;
  bool ownsFile_ = false;
  uint64_t lines_ = 0;
  std::string error_;
};

/// Value change dump of 1-bit wires (interrupt lines) and small integers (queue occupancy), for GTKWave.
class VcdWriter {
 public:
  /// Declare a signal before the first change; returns its handle.
  int addWire(const std::string& scope, const std::string& name);
  int addInteger(const std::string& scope, const std::string& name, unsigned bits);
  void change(uint64_t ps, int signal, uint64_t value);
  /// Write the file (header, initial values, changes sorted by time). False with error() on I/O failure.
  bool write(const std::string& path);
  const std::string& error() const { return error_; }
  size_t changes() const { return changes_.size(); }

 private:
  struct Signal {
    std::string scope, name, id;
    unsigned bits;
  };
  struct Change {
    uint64_t ps;
    size_t order;
    int signal;
    uint64_t value;
  };
  std::vector<Signal> signals_;
  std::vector<Change> changes_;
  std::string error_;
};

/// JSON string escaping (quotes included).
std::string jsonString(const std::string& s);

}  // namespace vsim::model
