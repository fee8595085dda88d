// Backend names and the factory.
#include "vsim/model/console_backend.h"

#include <stdexcept>

#include "vsim/model/console_capture.h"
#include "vsim/model/console_file.h"
#include "vsim/model/console_socket.h"

namespace vsim::model {

const char* consoleBackendName(ConsoleBackendKind k) {
  switch (k) {
    case ConsoleBackendKind::Capture: return "capture";
    case ConsoleBackendKind::File: return "file";
    case ConsoleBackendKind::Socket: return "socket";
  }
  return "?";
}

bool parseConsoleBackend(const std::string& s, ConsoleBackendKind* out) {
  for (ConsoleBackendKind k : {ConsoleBackendKind::Capture, ConsoleBackendKind::File, ConsoleBackendKind::Socket})
    if (s == consoleBackendName(k)) {
      *out = k;
      return true;
    }
  return false;
}

std::unique_ptr<ConsoleBackend> makeConsoleBackend(const ConsoleBackendSpec& spec) {
  switch (spec.kind) {
    case ConsoleBackendKind::Capture: return std::make_unique<CaptureBackend>(spec.bufferLimit);
    case ConsoleBackendKind::File:
      if (spec.path.empty()) throw std::invalid_argument("file backend needs an output path");
      return std::make_unique<FileBackend>(spec.path, spec.input, spec.bufferLimit);
    case ConsoleBackendKind::Socket:
      if (spec.path.empty()) throw std::invalid_argument("socket backend needs a socket path");
      return std::make_unique<SocketBackend>(spec.path, spec.bufferLimit);
  }
  throw std::invalid_argument("unknown console backend");
}

}  // namespace vsim::model
