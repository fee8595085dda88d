// SocketBackend: non-blocking unix-domain server socket with one client at a time.
#include "vsim/model/console_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vsim::model {

SocketBackend::SocketBackend(const std::string& path, size_t bufferLimit) : path_(path), limit_(bufferLimit) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    throw std::invalid_argument("socket path '" + path + "' is empty or longer than " +
                                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());  // a stale socket
  listen_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_ < 0) throw std::invalid_argument("socket '" + path + "': " + std::strerror(errno));
  if (::bind(listen_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_, 1) != 0) {
    const int e = errno;
    ::close(listen_);
    listen_ = -1;
    throw std::invalid_argument("socket '" + path + "': " + std::strerror(e));
  }
}

SocketBackend::~SocketBackend() {
  dropClient();
  if (listen_ >= 0) {
    ::close(listen_);
    ::unlink(path_.c_str());
  }
}

void SocketBackend::dropClient() {
  if (client_ >= 0) ::close(client_);
  client_ = -1;
}

void SocketBackend::write(const uint8_t* data, size_t len) {
  const size_t room = limit_ > output_.size() ? limit_ - output_.size() : 0;
  const size_t n = std::min(room, len);
  output_.insert(output_.end(), data, data + n);
  dropped_ += len - n;
  flush();
}

void SocketBackend::flush() {
  uint8_t buf[4096];
  while (client_ >= 0 && !output_.empty()) {
    const size_t n = std::min(sizeof buf, output_.size());
    std::copy_n(output_.begin(), n, buf);
    const ssize_t s = ::send(client_, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (s > 0) {
      output_.erase(output_.begin(), output_.begin() + s);
      continue;
    }
    if (s < 0 && errno == EINTR) continue;
    if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // the client is slow: keep the rest
    dropClient();  // the client went away
  }
}

void SocketBackend::poll() {
  if (client_ < 0 && listen_ >= 0) client_ = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (client_ < 0) return;
  uint8_t buf[4096];
  while (input_.size() < limit_) {
    const size_t want = std::min(sizeof buf, limit_ - input_.size());
    const ssize_t n = ::recv(client_, buf, want, MSG_DONTWAIT);
    if (n > 0) {
      input_.insert(input_.end(), buf, buf + n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      dropClient();  // closed by the client: wait for the next one
      return;
    }
    break;
  }
  flush();
}

size_t SocketBackend::read(uint8_t* dst, size_t max) {
  const size_t n = std::min(max, input_.size());
  std::copy_n(input_.begin(), n, dst);
  input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

}  // namespace vsim::model
