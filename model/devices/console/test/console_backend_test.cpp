// Console backends: capture, file (append output, followed input), unix socket (non-blocking server, one client,
// buffered output), the factory's errors, and a socket port driving PORT_OPEN through the device.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "console_fixture.h"
#include "vsim/model/console_file.h"
#include "vsim/model/console_socket.h"

namespace vsim::model::test {
namespace {

std::string tempPath(const std::string& tag) {
  return "/tmp/vsim_console_" + tag + "_" + std::to_string(::getpid());
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string readAll(ConsoleBackend& b) {
  std::string out(b.available(), '\0');
  out.resize(b.read(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  return out;
}

/// A plain POSIX client of a SocketBackend.
int connectTo(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string recvSome(int fd, size_t want) {
  std::string out;
  char buf[256];
  for (int i = 0; i < 100 && out.size() < want; ++i) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) out.append(buf, static_cast<size_t>(n));
    else ::usleep(1000);
  }
  return out;
}

TEST(ConsoleBackends, NamesRoundTrip) {
  for (auto k : {ConsoleBackendKind::Capture, ConsoleBackendKind::File, ConsoleBackendKind::Socket}) {
    ConsoleBackendKind back{};
    ASSERT_TRUE(parseConsoleBackend(consoleBackendName(k), &back));
    EXPECT_EQ(back, k);
  }
  ConsoleBackendKind k{};
  EXPECT_FALSE(parseConsoleBackend("tty", &k));
}

TEST(ConsoleBackends, CaptureBothWays) {
  CaptureBackend c(8);
  c.write(reinterpret_cast<const uint8_t*>("abc"), 3);
  EXPECT_EQ(c.output(), "abc");
  EXPECT_EQ(c.takeOutput(), "abc");
  EXPECT_EQ(c.takeOutput(), "");
  EXPECT_EQ(c.pushInput("0123456789"), 8u);
  EXPECT_EQ(readAll(c), "01234567");
  EXPECT_TRUE(c.hostConnected());
  c.setHostConnected(false);
  EXPECT_FALSE(c.hostConnected());
}

TEST(ConsoleBackends, FileAppendsOutputAndFollowsInput) {
  const std::string out = tempPath("out"), in = tempPath("in");
  std::remove(out.c_str());
  { std::ofstream(out) << "old;"; }
  { std::ofstream(in) << "first"; }
  {
    FileBackend f(out, in, 1024);
    f.write(reinterpret_cast<const uint8_t*>("new"), 3);
    f.poll();
    EXPECT_EQ(readAll(f), "first");
    f.poll();
    EXPECT_EQ(f.available(), 0u);
    { std::ofstream(in, std::ios::app) << "+more"; }
    f.poll();
    EXPECT_EQ(readAll(f), "+more");
  }
  EXPECT_EQ(slurp(out), "old;new");
  std::remove(out.c_str());
  std::remove(in.c_str());
}

TEST(ConsoleBackends, FileErrorsNameThePath) {
  try {
    FileBackend f("/nonexistent-dir/x", "", 16);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x"), std::string::npos);
  }
  EXPECT_THROW(FileBackend(tempPath("o2"), "/nonexistent-dir/in", 16), std::invalid_argument);
  std::remove(tempPath("o2").c_str());
  ConsoleBackendSpec s;
  s.kind = ConsoleBackendKind::File;
  EXPECT_THROW(makeConsoleBackend(s), std::invalid_argument);  // no path
  s.kind = ConsoleBackendKind::Socket;
  EXPECT_THROW(makeConsoleBackend(s), std::invalid_argument);
  s.path = "/tmp/" + std::string(200, 'x');
  EXPECT_THROW(makeConsoleBackend(s), std::invalid_argument);  // longer than sun_path
}

TEST(ConsoleBackends, SocketExchangesBytesBothWays) {
  const std::string path = tempPath("sock");
  SocketBackend s(path, 1024);
  EXPECT_FALSE(s.hostConnected());
  s.write(reinterpret_cast<const uint8_t*>("before;"), 7);  // kept until a client comes
  s.poll();
  EXPECT_FALSE(s.hostConnected());
  const int fd = connectTo(path);
  ASSERT_GE(fd, 0);
  s.poll();
  EXPECT_TRUE(s.hostConnected());
  EXPECT_EQ(recvSome(fd, 7), "before;");
  s.write(reinterpret_cast<const uint8_t*>("after"), 5);
  EXPECT_EQ(recvSome(fd, 5), "after");
  ASSERT_EQ(::send(fd, "typed", 5, 0), 5);
  s.poll();
  EXPECT_EQ(readAll(s), "typed");
  ::close(fd);
  s.poll();
  EXPECT_FALSE(s.hostConnected());
  const int fd2 = connectTo(path);  // the next client is accepted
  ASSERT_GE(fd2, 0);
  s.poll();
  EXPECT_TRUE(s.hostConnected());
  ::close(fd2);
}

TEST(ConsoleBackends, SocketFileIsRemovedAndStaleOneReplaced) {
  const std::string path = tempPath("stale");
  { SocketBackend s(path, 16); }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
  {
    // a stale socket file left by a crashed run is replaced
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
    SocketBackend s(path, 16);
  }
  { std::ofstream(path) << "a regular file"; }
  EXPECT_THROW(SocketBackend(path, 16), std::invalid_argument);  // never deletes a regular file
  std::remove(path.c_str());
}

class ConsoleSocketPort : public ConsoleFixture {};

TEST_F(ConsoleSocketPort, ClientConnectOpensThePortForTheDriver) {
  const std::string path = tempPath("port");
  ConsoleParams p = multiportParams(2);
  p.ports[1].backend.kind = ConsoleBackendKind::Socket;
  p.ports[1].backend.path = path;
  make(p);
  bringUp(kMultiF);
  giveControlBuffers(16);
  sendCtrl(0, console::kDeviceReady, 1);
  sendCtrl(1, console::kPortReady, 1);
  sendCtrl(1, console::kPortOpen, 1);
  control();
  EXPECT_FALSE(dev->portStatus(1).hostOpen);  // no client yet
  const int fd = connectTo(path);
  ASSERT_GE(fd, 0);
  dev->poll();
  const auto m = control();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].event, console::kPortOpen);
  EXPECT_EQ(m[0].value, 1);
  giveRx(static_cast<uint16_t>(console::rxQueue(1)));
  ASSERT_EQ(::send(fd, "ping", 4, 0), 4);
  dev->poll();
  EXPECT_EQ(received(static_cast<uint16_t>(console::rxQueue(1))), "ping");
  sendTx(static_cast<uint16_t>(console::txQueue(1)), "pong");
  EXPECT_EQ(recvSome(fd, 4), "pong");
  ::close(fd);
  dev->poll();
  const auto m2 = control();
  ASSERT_EQ(m2.size(), 1u);
  EXPECT_EQ(m2[0].value, 0);
  expectClean();
}

}  // namespace
}  // namespace vsim::model::test
