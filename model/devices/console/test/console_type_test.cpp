// The "console" device type: option table, parsing into ConsoleParams, errors that name the option.
#include <gtest/gtest.h>

#include <set>

#include "vsim/model/console_type.h"

namespace vsim::model {
namespace {

struct NoBoard final : BoardContext {
  std::shared_ptr<void> shared(const std::string&, const std::function<std::shared_ptr<void>()>& make) override {
    return make();
  }
  uint64_t nowPs() const override { return 0; }
};

void expectBad(const DeviceOptions& o, const std::string& key) {
  try {
    consoleParamsFrom(o, "con0");
    ADD_FAILURE() << "expected an error about '" << key << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'" + key + "'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("con0"), std::string::npos) << e.what();
  }
}

TEST(ConsoleType, OptionTableIsComplete) {
  const DeviceTypeInfo i = consoleDeviceType();
  EXPECT_EQ(i.type, "console");
  std::set<std::string> names;
  for (const auto& o : i.options) {
    EXPECT_FALSE(o.name.empty());
    EXPECT_FALSE(o.unit.empty()) << o.name;
    EXPECT_FALSE(o.description.empty()) << o.name;
    names.insert(o.name);
  }
  for (const char* n : {"ports", "multiport", "max_ports", "size", "cols", "rows", "emerg_write", "backend", "path",
                        "input", "name", "console", "queue_size", "buffer_limit"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST(ConsoleType, Defaults) {
  const ConsoleParams p = consoleParamsFrom({}, "con0");
  EXPECT_FALSE(p.multiport);
  EXPECT_EQ(p.maxPorts, 1u);
  ASSERT_EQ(p.ports.size(), 1u);
  EXPECT_EQ(p.ports[0].backend.kind, ConsoleBackendKind::Capture);
  EXPECT_TRUE(p.size);
  EXPECT_TRUE(p.emergWrite);
  EXPECT_EQ(p.cols, 80);
  EXPECT_EQ(p.rows, 25);
  EXPECT_EQ(p.queueSize, 128);
}

TEST(ConsoleType, SeveralPortsMeanMultiport) {
  const ConsoleParams p = consoleParamsFrom(
      {{"ports", "3"}, {"max_ports", "8"}, {"name", "a,b"}, {"console", "0,2"}, {"cols", "100"}, {"size", "false"}},
      "con0");
  EXPECT_TRUE(p.multiport);
  EXPECT_EQ(p.maxPorts, 8u);
  ASSERT_EQ(p.ports.size(), 3u);
  EXPECT_EQ(p.ports[0].name, "a");
  EXPECT_EQ(p.ports[1].name, "b");
  EXPECT_EQ(p.ports[2].name, "");
  EXPECT_TRUE(p.ports[0].console);
  EXPECT_FALSE(p.ports[1].console);
  EXPECT_TRUE(p.ports[2].console);
  EXPECT_FALSE(p.size);
  EXPECT_EQ(p.cols, 100);
}

TEST(ConsoleType, PerPortBackends) {
  const ConsoleParams p =
      consoleParamsFrom({{"ports", "3"}, {"backend", "capture,file"}, {"path", ",/tmp/a,/tmp/b"}}, "con0");
  EXPECT_EQ(p.ports[0].backend.kind, ConsoleBackendKind::Capture);
  EXPECT_EQ(p.ports[1].backend.kind, ConsoleBackendKind::File);
  EXPECT_EQ(p.ports[2].backend.kind, ConsoleBackendKind::File);  // the last entry carries on
  EXPECT_EQ(p.ports[2].backend.path, "/tmp/b");
}

TEST(ConsoleType, DefaultsAreValidValues) {
  DeviceOptions all;
  for (const auto& o : consoleDeviceType().options) all[o.name] = o.defaultValue;
  const ConsoleParams p = consoleParamsFrom(all, "con0");
  EXPECT_FALSE(p.multiport);
  EXPECT_EQ(p.ports.size(), 1u);
  EXPECT_TRUE(p.ports[0].console);
}

TEST(ConsoleType, MultiportOnOnePort) {
  const ConsoleParams p = consoleParamsFrom({{"multiport", "true"}, {"max_ports", "4"}}, "con0");
  EXPECT_TRUE(p.multiport);
  EXPECT_EQ(p.maxPorts, 4u);
}

TEST(ConsoleType, ErrorsNameTheOption) {
  expectBad({{"colour", "1"}}, "colour");
  expectBad({{"ports", "0"}}, "ports");
  expectBad({{"ports", "2"}, {"multiport", "false"}}, "multiport");
  expectBad({{"ports", "3"}, {"max_ports", "2"}}, "max_ports");
  expectBad({{"backend", "tty"}}, "backend");
  expectBad({{"backend", "file"}}, "path");
  expectBad({{"backend", "socket"}, {"input", "/tmp/x"}, {"path", "/tmp/s"}}, "input");
  expectBad({{"name", "a,b"}}, "name");
  expectBad({{"console", "1"}}, "console");
  expectBad({{"queue_size", "0"}}, "queue_size");
  expectBad({{"emerg_write", "maybe"}}, "emerg_write");
  expectBad({{"multiport", "maybe"}}, "multiport");
}

TEST(ConsoleType, FactoryBuildsTheDevice) {
  NoBoard ctx;
  auto logic = consoleDeviceType().make({{"ports", "2"}}, "con0", ctx);
  ASSERT_TRUE(logic);
  EXPECT_EQ(logic->deviceId(), 3);
  EXPECT_EQ(logic->numQueues(), 6);
  EXPECT_THROW(consoleDeviceType().make({{"backend", "file"}, {"path", "/nonexistent-dir/f"}}, "con0", ctx),
               std::invalid_argument);
}

}  // namespace
}  // namespace vsim::model
