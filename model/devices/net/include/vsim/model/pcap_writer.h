// PcapWriter: records Ethernet frames into a pcap file through libpcap's dump API (nanosecond time stamps, link
// type Ethernet), stamped with the simulated time. Several net devices may share one writer (BoardContext key
// "net.pcap:<path>"). Each frame is flushed, so the file is complete whenever it is read.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vsim::model {

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  /// Create (truncate) the file. False with error() set when it cannot be written.
  bool open(const std::string& path);
  bool isOpen() const { return dumper_ != nullptr; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  /// Append one frame seen at simulated time `ps` (picoseconds).
  void write(uint64_t ps, const std::vector<uint8_t>& frame);
  void close();
  uint64_t frames() const { return frames_; }

  /// Largest frame recorded whole (longer ones are cut, with their real length kept in the record).
  static constexpr uint32_t kSnapLen = 262144;

 private:
  void* pcap_ = nullptr;    // pcap_t*
  void* dumper_ = nullptr;  // pcap_dumper_t*
  std::string path_, error_;
  uint64_t frames_ = 0;
};

}  // namespace vsim::model
