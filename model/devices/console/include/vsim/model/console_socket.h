// SocketBackend: a console port on a unix-domain stream socket. The device listens at a path; one host client at
// a time connects (socat, nc -U, a test). All I/O is non-blocking and happens in poll(); output written while no
// client is connected (or while the client is slow) is kept up to the buffer limit and sent when possible.
#pragma once
#include <deque>
#include <string>

#include "vsim/model/console_backend.h"

namespace vsim::model {

class SocketBackend final : public ConsoleBackend {
 public:
  /// Creates the listening socket (a stale socket file at path is replaced). Throws std::invalid_argument when the
  /// path is too long or the socket cannot be bound.
  SocketBackend(const std::string& path, size_t bufferLimit);
  ~SocketBackend() override;  ///< closes both sockets and removes the socket file
  SocketBackend(const SocketBackend&) = delete;
  SocketBackend& operator=(const SocketBackend&) = delete;
  ConsoleBackendKind kind() const override { return ConsoleBackendKind::Socket; }
  void write(const uint8_t* data, size_t len) override;
  size_t available() const override { return input_.size(); }
  size_t read(uint8_t* dst, size_t max) override;
  void poll() override;
  bool hostConnected() const override { return client_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  void flush();
  void dropClient();

  std::string path_;
  int listen_ = -1, client_ = -1;
  size_t limit_;
  std::deque<uint8_t> input_, output_;
};

}  // namespace vsim::model
