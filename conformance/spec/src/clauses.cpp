// Lookups over the generated clause tables (see clauses_tables.h). Everything here is allocation-free except
// inBlock(), which returns a vector.
#include "vsim/clauses.h"

#include <algorithm>
#include <cstdint>

#include "clauses_tables.h"

namespace vsim::clauses {
namespace {

using detail::kTables;

/// Binary search of @p key in @p rows through the id-sorted index @p order.
template <class Row>
const Row* lookup(std::span<const Row> rows, std::span<const std::uint32_t> order, std::string_view key) {
  auto it = std::lower_bound(order.begin(), order.end(), key,
                             [rows](std::uint32_t i, std::string_view k) { return rows[i].id < k; });
  if (it == order.end() || rows[*it].id != key) return nullptr;
  return &rows[*it];
}

bool isDecimalIndex(std::string_view digits) {
  if (digits.empty() || digits.size() > 9 || digits.front() == '0') return false;
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const Statement* find(std::string_view id) noexcept {
  return lookup(kTables.statements, kTables.statementsById, id);
}

const Block* findBlock(std::string_view label) noexcept {
  return lookup(kTables.blocks, kTables.blocksById, label);
}

bool isValidId(std::string_view id) noexcept { return find(id) != nullptr; }

bool isWellFormedId(std::string_view id) noexcept {
  std::string_view rest;
  for (std::string_view prefix : {std::string_view("drivernormative:"), std::string_view("devicenormative:")}) {
    if (id.starts_with(prefix)) rest = id.substr(prefix.size());
  }
  const auto hash = rest.find('#');
  if (hash == 0 || hash == std::string_view::npos) return false;  // no label, or no "#n"
  const std::string_view label = rest.substr(0, hash);
  if (label.find_first_of("\"\n") != std::string_view::npos) return false;
  return isDecimalIndex(rest.substr(hash + 1));  // also rejects a second '#'
}

std::vector<const Statement*> inBlock(std::string_view label) {
  std::vector<const Statement*> out;
  const Block* b = findBlock(label);
  if (b == nullptr) return out;
  const auto first = kTables.blockFirst[static_cast<std::size_t>(b - kTables.blocks.data())];
  out.reserve(static_cast<std::size_t>(b->statements));
  for (int k = 0; k < b->statements; ++k) out.push_back(&kTables.statements[first + static_cast<std::size_t>(k)]);
  return out;
}

std::span<const Statement> statements() noexcept { return kTables.statements; }
std::span<const Block> blocks() noexcept { return kTables.blocks; }
std::string_view specVersion() noexcept { return kTables.specVersion; }
std::string_view specCommit() noexcept { return kTables.specCommit; }

}  // namespace vsim::clauses
