// The model's parameter tables: the layout / virtio-pci / virtio-mmio tables (defaults from the structs, set by
// name, errors that name the key) and every device type's option table (each documented default is what the type
// does when the option is left out).
#include <gtest/gtest.h>

#include <cstring>

#include "vsim/model/board_params.h"
#include "vsim/model/device_core.h"
#include "vsim/model/device_registry.h"

namespace vsim::model::test {
namespace {

const ParamInfo* find(const std::vector<ParamInfo>& v, const std::string& name) {
  for (const auto& p : v)
    if (p.name == name) return &p;
  return nullptr;
}

TEST(BoardParams, DefaultsComeFromTheStructs) {
  const PlatformLayout l;
  const VirtioPciParams p;
  const VirtioMmioParams m;
  ASSERT_TRUE(find(layoutParameters().infos(), "ram_size"));
  EXPECT_EQ(find(layoutParameters().infos(), "ram_size")->defaultValue, std::to_string(l.ramSize));
  EXPECT_EQ(find(layoutParameters().infos(), "mmio_base")->defaultValue, paramHex(l.mmioBase));
  EXPECT_EQ(find(pciParameters().infos(), "msix")->defaultValue, paramBoolText(p.msix));
  EXPECT_EQ(find(pciParameters().infos(), "revision")->defaultValue, std::to_string(p.revision));
  EXPECT_EQ(find(mmioParameters().infos(), "vendor_id")->defaultValue, paramHex(m.vendorId));
  for (const auto* t : {&layoutParameters().infos(), &pciParameters().infos(), &mmioParameters().infos()})
    for (const auto& i : *t) {
      EXPECT_FALSE(i.name.empty());
      EXPECT_FALSE(i.description.empty()) << i.name;
      EXPECT_FALSE(i.defaultValue.empty()) << i.name;
    }
}

TEST(BoardParams, SetByNameAndEveryDefaultIsAcceptedBack) {
  PlatformLayout l;
  layoutParameters().set(l, "ram_size", "0x2000000");
  layoutParameters().set(l, "mmio_slots", "4");
  EXPECT_EQ(l.ramSize, 0x2000000u);
  EXPECT_EQ(l.mmioSlots, 4u);
  VirtioPciParams p;
  pciParameters().set(p, "msix", "off");
  pciParameters().set(p, "revision", "-1");
  EXPECT_FALSE(p.msix);
  EXPECT_EQ(p.revision, -1);
  VirtioMmioParams m;
  mmioParameters().set(m, "vendor_id", "0x1234");
  EXPECT_EQ(m.vendorId, 0x1234u);
  // Every documented default parses back (the tables' text and the parsers agree).
  PlatformLayout l2;
  for (const auto& i : layoutParameters().infos()) EXPECT_NO_THROW(layoutParameters().set(l2, i.name, i.defaultValue)) << i.name;
  EXPECT_EQ(l2.validate(), "");
  VirtioPciParams p2;
  for (const auto& i : pciParameters().infos()) EXPECT_NO_THROW(pciParameters().set(p2, i.name, i.defaultValue)) << i.name;
  VirtioMmioParams m2;
  for (const auto& i : mmioParameters().infos()) EXPECT_NO_THROW(mmioParameters().set(m2, i.name, i.defaultValue)) << i.name;
}

TEST(BoardParams, ErrorsNameTheTableAndTheKey) {
  PlatformLayout l;
  try {
    layoutParameters().set(l, "ram", "1");
    FAIL() << "unknown key accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("layout: unknown parameter 'ram' (known: ram_base, ram_size"), std::string::npos)
        << e.what();
  }
  VirtioPciParams p;
  try {
    pciParameters().set(p, "msix_vectors", "5000");
    FAIL() << "out-of-range value accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "pci parameter 'msix_vectors': 5000 is outside 0..2048");
  }
  EXPECT_THROW(pciParameters().set(p, "msix", "maybe"), std::invalid_argument);
  EXPECT_THROW(layoutParameters().set(l, "ram_size", "-5"), std::invalid_argument);
  EXPECT_THROW(layoutParameters().set(l, "ram_size", "12abc"), std::invalid_argument);
}

/// What a built device shows the driver: features, queues, queue sizes, configuration bytes.
struct Shape {
  uint16_t id = 0, queues = 0;
  uint64_t features = 0;
  std::vector<uint16_t> sizes;
  std::vector<uint8_t> config;
  bool operator==(const Shape&) const = default;
};

class NullContext final : public BoardContext {
 public:
  std::shared_ptr<void> shared(const std::string& key, const std::function<std::shared_ptr<void>()>& make) override {
    auto it = objects_.find(key);
    return it != objects_.end() ? it->second : (objects_[key] = make());
  }
  uint64_t nowPs() const override { return 0; }

 private:
  std::map<std::string, std::shared_ptr<void>> objects_;
};

Shape shapeOf(const DeviceTypeInfo& t, const DeviceOptions& o) {
  NullContext ctx;
  auto logic = t.make(o, "probe", ctx);
  Shape s;
  s.id = logic->deviceId();
  s.queues = logic->numQueues();
  s.features = logic->deviceFeatures();
  for (uint16_t q = 0; q < s.queues; ++q) s.sizes.push_back(logic->queueMaxSize(q));
  s.config.resize(logic->configSize());
  if (!s.config.empty()) logic->readConfig(0, s.config.data(), static_cast<uint32_t>(s.config.size()));
  return s;
}

TEST(DeviceTypeTables, EveryDocumentedDefaultIsTheTypesOwnDefault) {
  size_t checked = 0;
  for (const auto& [name, t] : deviceTypes()) {
    ASSERT_FALSE(t.description.empty()) << name;
    const Shape plain = shapeOf(t, {});
    for (const auto& o : t.options) {
      EXPECT_FALSE(o.description.empty()) << name << "." << o.name;
      if (!o.defaultValue.empty() && o.defaultValue[0] == '<') continue;  // a placeholder ("<instance name>")
      Shape given;
      ASSERT_NO_THROW(given = shapeOf(t, {{o.name, o.defaultValue}})) << name << "." << o.name << "=" << o.defaultValue;
      EXPECT_EQ(given, plain) << name << "." << o.name << "=" << o.defaultValue
                              << ": the documented default behaves differently from leaving the option out";
      ++checked;
    }
  }
  EXPECT_GT(checked, 40u);
}

}  // namespace
}  // namespace vsim::model::test
