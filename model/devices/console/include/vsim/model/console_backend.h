// ConsoleBackend: where one console port's bytes go to and come from on the host side. Non-blocking throughout:
// the device calls poll() when it runs and never waits for the host.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace vsim::model {

enum class ConsoleBackendKind : uint8_t { Capture, File, Socket };
const char* consoleBackendName(ConsoleBackendKind k);
/// "capture", "file", "socket"; false if unknown.
bool parseConsoleBackend(const std::string& s, ConsoleBackendKind* out);

class ConsoleBackend {
 public:
  virtual ~ConsoleBackend() = default;
  virtual ConsoleBackendKind kind() const = 0;
  /// Output from the guest (transmit queue bytes, emergency writes). Never blocks; bytes beyond the backend's
  /// buffer limit are dropped and counted.
  virtual void write(const uint8_t* data, size_t len) = 0;
  /// Input for the guest that is ready now (after poll()).
  virtual size_t available() const = 0;
  /// Take up to max bytes of that input; returns the count.
  virtual size_t read(uint8_t* dst, size_t max) = 0;
  /// Do pending host I/O (accept a client, read input, flush output). Never blocks.
  virtual void poll() {}
  /// A host-side peer is attached (socket: a client is connected; capture: as set by the host; file: always).
  virtual bool hostConnected() const { return true; }
  /// Output bytes dropped because a buffer limit was reached.
  uint64_t dropped() const { return dropped_; }

 protected:
  uint64_t dropped_ = 0;
};

/// How to build one port's backend.
struct ConsoleBackendSpec {
  ConsoleBackendKind kind = ConsoleBackendKind::Capture;
  std::string path;   ///< file: output file (appended); socket: path of the listening unix socket
  std::string input;  ///< file: input file read from its start and followed as it grows ("" = no input)
  size_t bufferLimit = 1u << 20;  ///< bytes kept per direction (capture output, pending input, unsent output)
};

/// Build a backend; throws std::invalid_argument (naming the path and the reason) when it cannot be opened.
std::unique_ptr<ConsoleBackend> makeConsoleBackend(const ConsoleBackendSpec& spec);

}  // namespace vsim::model
