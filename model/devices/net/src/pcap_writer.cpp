// PcapWriter over libpcap: pcap_open_dead (Ethernet, nanosecond precision) + pcap_dump.
#include "vsim/model/pcap_writer.h"

#include <pcap/pcap.h>

#include <algorithm>

namespace vsim::model {

PcapWriter::~PcapWriter() { close(); }

bool PcapWriter::open(const std::string& path) {
  close();
  path_ = path;
  pcap_t* p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(kSnapLen), PCAP_TSTAMP_PRECISION_NANO);
  if (!p) {
    error_ = "pcap '" + path + "': cannot create a libpcap handle";
    return false;
  }
  pcap_dumper_t* d = pcap_dump_open(p, path.c_str());
  if (!d) {
    error_ = "pcap '" + path + "': " + pcap_geterr(p);
    pcap_close(p);
    return false;
  }
  pcap_ = p;
  dumper_ = d;
  frames_ = 0;
  error_.clear();
  return true;
}

void PcapWriter::write(uint64_t ps, const std::vector<uint8_t>& frame) {
  if (!dumper_) return;
  const uint64_t ns = ps / 1000;
  pcap_pkthdr h{};
  h.ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
  h.ts.tv_usec = static_cast<suseconds_t>(ns % 1'000'000'000ull);  // nanoseconds: the handle's precision is nano
  h.caplen = static_cast<bpf_u_int32>(std::min<size_t>(frame.size(), kSnapLen));
  h.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(static_cast<u_char*>(dumper_), &h, frame.data());
  pcap_dump_flush(static_cast<pcap_dumper_t*>(dumper_));
  ++frames_;
}

void PcapWriter::close() {
  if (dumper_) pcap_dump_close(static_cast<pcap_dumper_t*>(dumper_));
  if (pcap_) pcap_close(static_cast<pcap_t*>(pcap_));
  dumper_ = pcap_ = nullptr;
}

}  // namespace vsim::model
