// The compiled-in clause catalogue against the committed TSVs it was generated from.
#include "vsim/clauses.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace cl = vsim::clauses;

// Pieces to build IDs at run time: a literal unknown ID in this file would be (rightly) flagged by
// scripts/check_clause_ids.py, which scans the tests too.
constexpr std::string_view kStatusLabel = "drivernormative:Basic Facilities of a Virtio Device / Device Status Field";
const std::string kStatus1 = std::string(kStatusLabel) + "#1";

// Resolved during dynamic initialisation of this file: the tables must already be usable (constant-initialised).
const cl::Statement* const kEarlyLookup = cl::find(kStatus1);

struct Tsv {
  std::map<std::string, std::string> meta;  // from the "# ...; key=value; ..." header line
  std::vector<std::map<std::string, std::string>> rows;
};

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

Tsv readTsv(const char* path) {
  Tsv t;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::string line;
  std::getline(in, line);
  for (const std::string& part : split(line.substr(line.find(';') + 1), ';')) {
    const auto eq = part.find('=');
    if (eq != std::string::npos) t.meta[trim(part.substr(0, eq))] = trim(part.substr(eq + 1));
  }
  std::getline(in, line);
  const std::vector<std::string> columns = split(line, '\t');
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split(line, '\t');
    EXPECT_EQ(cells.size(), columns.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < columns.size() && i < cells.size(); ++i) row[columns[i]] = cells[i];
    t.rows.push_back(std::move(row));
  }
  return t;
}

const Tsv& clausesTsv() {
  static const Tsv t = readTsv(VSIM_CLAUSES_TSV);
  return t;
}

const Tsv& blocksTsv() {
  static const Tsv t = readTsv(VSIM_BLOCKS_TSV);
  return t;
}

TEST(Clauses, Sizes) {
  EXPECT_EQ(cl::blocks().size(), 309u);
  EXPECT_EQ(cl::statements().size(), 1596u);
  EXPECT_EQ(clausesTsv().rows.size(), cl::statements().size());
  EXPECT_EQ(blocksTsv().rows.size(), cl::blocks().size());
}

TEST(Clauses, StatementsMatchTsvRowByRow) {
  const auto& rows = clausesTsv().rows;
  ASSERT_EQ(rows.size(), cl::statements().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const cl::Statement& s = cl::statements()[i];
    const auto& r = rows[i];
    SCOPED_TRACE(r.at("id"));
    EXPECT_EQ(s.id, r.at("id"));
    EXPECT_EQ(s.block, r.at("block"));
    EXPECT_EQ(s.n, std::stoi(r.at("n")));
    EXPECT_EQ(s.target, r.at("target"));
    EXPECT_EQ(s.section, r.at("section"));
    EXPECT_EQ(s.chapter, r.at("chapter"));
    EXPECT_EQ(s.subarea, r.at("subarea"));
    EXPECT_EQ(s.keyword, r.at("keyword"));
    EXPECT_EQ(s.strength, r.at("strength"));
    EXPECT_EQ(s.textHash, r.at("text_hash"));
  }
}

TEST(Clauses, BlocksMatchTsvRowByRow) {
  const auto& rows = blocksTsv().rows;
  ASSERT_EQ(rows.size(), cl::blocks().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const cl::Block& b = cl::blocks()[i];
    const auto& r = rows[i];
    SCOPED_TRACE(r.at("id"));
    EXPECT_EQ(b.id, r.at("id"));
    EXPECT_EQ(b.target, r.at("target"));
    EXPECT_EQ(b.section, r.at("section"));
    EXPECT_EQ(b.title, r.at("title"));
    EXPECT_EQ(b.chapter, r.at("chapter"));
    EXPECT_EQ(b.subarea, r.at("subarea"));
    EXPECT_EQ(b.legacy, r.at("legacy") == "yes");
    EXPECT_EQ(b.statements, std::stoi(r.at("statements")));
  }
}

TEST(Clauses, BlockStatementCountEqualsItsRows) {
  std::map<std::string, int> rowsPerBlock;
  for (const auto& r : clausesTsv().rows) ++rowsPerBlock[r.at("block")];
  std::map<std::string_view, int> tablePerBlock;
  for (const cl::Statement& s : cl::statements()) ++tablePerBlock[s.block];
  for (const cl::Block& b : cl::blocks()) {
    SCOPED_TRACE(std::string(b.id));
    const std::string id(b.id);
    EXPECT_EQ(b.statements, rowsPerBlock.count(id) ? rowsPerBlock.at(id) : 0);
    EXPECT_EQ(b.statements, tablePerBlock.count(b.id) ? tablePerBlock.at(b.id) : 0);
    EXPECT_EQ(cl::inBlock(b.id).size(), static_cast<size_t>(b.statements));
  }
}

TEST(Clauses, FindHitsEveryStatement) {
  for (const cl::Statement& s : cl::statements()) {
    EXPECT_EQ(cl::find(s.id), &s) << s.id;
    EXPECT_TRUE(cl::isValidId(s.id)) << s.id;
    EXPECT_TRUE(cl::isWellFormedId(s.id)) << s.id;
  }
}

TEST(Clauses, FindKnownStatement) {
  const cl::Statement* s = cl::find(kStatus1);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->block, kStatusLabel);
  EXPECT_EQ(s->n, 1);
  EXPECT_EQ(s->target, "driver");
  EXPECT_EQ(s->subarea, "Device Status Field");
  EXPECT_EQ(s->chapter, "Basic Facilities of a Virtio Device");
  EXPECT_EQ(s->textHash.size(), 12u);
  EXPECT_EQ(kEarlyLookup, s) << "lookups must work during static initialisation";
}

TEST(Clauses, FindMisses) {
  const std::string label(kStatusLabel);
  const int count = cl::findBlock(label)->statements;
  EXPECT_EQ(cl::find(""), nullptr);
  EXPECT_EQ(cl::find(label), nullptr) << "a block label is not a statement ID";
  EXPECT_EQ(cl::find(label + "#0"), nullptr);
  EXPECT_EQ(cl::find(label + "#" + std::to_string(count + 1)), nullptr);
  EXPECT_EQ(cl::find(label + "#01"), nullptr);
  EXPECT_EQ(cl::find(label + " #1"), nullptr);
  EXPECT_EQ(cl::find(kStatus1 + " "), nullptr);
  EXPECT_EQ(cl::find(kStatus1.substr(0, kStatus1.size() - 3)), nullptr);
  std::string upper = kStatus1;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(cl::find(upper), nullptr) << "IDs are case-sensitive";
  EXPECT_FALSE(cl::isValidId(label + "#" + std::to_string(count + 1)));
  // Past either end of the sorted index.
  EXPECT_EQ(cl::find("a"), nullptr);
  EXPECT_EQ(cl::find("zzz"), nullptr);
}

TEST(Clauses, FindBlock) {
  const cl::Block* b = cl::findBlock(kStatusLabel);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, kStatusLabel);
  EXPECT_EQ(b->target, "driver");
  EXPECT_EQ(b->title, "Device Status Field");
  EXPECT_FALSE(b->legacy);
  EXPECT_GT(b->statements, 0);
  EXPECT_EQ(cl::findBlock(kStatus1), nullptr) << "a statement ID is not a block label";
  EXPECT_EQ(cl::findBlock(""), nullptr);
  for (const cl::Block& each : cl::blocks()) EXPECT_EQ(cl::findBlock(each.id), &each) << each.id;
}

TEST(Clauses, InBlockIsOrdered) {
  const auto list = cl::inBlock(kStatusLabel);
  ASSERT_FALSE(list.empty());
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i]->n, static_cast<int>(i + 1));
    EXPECT_EQ(list[i]->block, kStatusLabel);
    EXPECT_EQ(list[i]->id, std::string(kStatusLabel) + "#" + std::to_string(i + 1));
  }
  EXPECT_TRUE(cl::inBlock("").empty());
  EXPECT_TRUE(cl::inBlock(kStatus1).empty());
}

TEST(Clauses, SpecVersionAndCommitMatchTsvHeaders) {
  EXPECT_FALSE(cl::specVersion().empty());
  EXPECT_FALSE(cl::specCommit().empty());
  EXPECT_EQ(cl::specCommit().size(), 40u) << "a full git commit hash";
  for (const Tsv* t : {&clausesTsv(), &blocksTsv()}) {
    EXPECT_EQ(cl::specVersion(), t->meta.at("spec_version"));
    EXPECT_EQ(cl::specCommit(), t->meta.at("spec_commit"));
  }
}

TEST(Clauses, EveryStatementsBlockExists) {
  for (const cl::Statement& s : cl::statements()) {
    const cl::Block* b = cl::findBlock(s.block);
    ASSERT_NE(b, nullptr) << s.id;
    EXPECT_EQ(s.id, std::string(s.block) + "#" + std::to_string(s.n));
    EXPECT_EQ(s.target, b->target) << s.id;
    EXPECT_EQ(s.section, b->section) << s.id;
    EXPECT_TRUE(s.n >= 1 && s.n <= b->statements) << s.id;
    EXPECT_EQ(b->id.substr(0, b->target.size()), b->target) << "label prefix names the target: " << b->id;
  }
}

TEST(Clauses, IdsUnique) {
  std::set<std::string_view> ids;
  for (const cl::Statement& s : cl::statements()) EXPECT_TRUE(ids.insert(s.id).second) << s.id;
  std::set<std::string_view> labels;
  for (const cl::Block& b : cl::blocks()) EXPECT_TRUE(labels.insert(b.id).second) << b.id;
}

TEST(Clauses, KeywordsAndStrengthsAreClosedSets) {
  const std::set<std::string_view> keywords = {"MUST",  "MUST NOT",  "SHOULD",   "SHOULD NOT",  "MAY",
                                               "SHALL", "SHALL NOT", "REQUIRED", "RECOMMENDED", "OPTIONAL",
                                               "NOT RECOMMENDED"};
  const std::set<std::string_view> strengths = {"MUST", "SHOULD", "MAY"};
  for (const cl::Statement& s : cl::statements()) {
    EXPECT_TRUE(keywords.count(s.keyword)) << s.id << ": " << s.keyword;
    EXPECT_TRUE(strengths.count(s.strength)) << s.id << ": " << s.strength;
    EXPECT_EQ(s.textHash.size(), 12u) << s.id;
    const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    EXPECT_TRUE(std::all_of(s.textHash.begin(), s.textHash.end(), hex)) << s.id;
  }
}

TEST(Clauses, TargetsAndLegacyBlocks) {
  int legacy = 0;
  for (const cl::Block& b : cl::blocks()) {
    EXPECT_TRUE(b.target == "driver" || b.target == "device") << b.id;
    legacy += b.legacy ? 1 : 0;
  }
  EXPECT_GT(legacy, 0);
}

TEST(Clauses, IsWellFormedId) {
  const std::string drv = "drivernormative:", dev = "devicenormative:";
  EXPECT_TRUE(cl::isWellFormedId(drv + "Some / Label (x) A->B: c#7"));
  EXPECT_TRUE(cl::isWellFormedId(dev + "X#123"));
  EXPECT_FALSE(cl::isWellFormedId(""));
  EXPECT_FALSE(cl::isWellFormedId(drv + "#1")) << "empty label";
  EXPECT_FALSE(cl::isWellFormedId(drv + "X")) << "no #n";
  EXPECT_FALSE(cl::isWellFormedId(drv + "X#")) << "no digits";
  EXPECT_FALSE(cl::isWellFormedId(drv + "X#0"));
  EXPECT_FALSE(cl::isWellFormedId(drv + "X#01"));
  EXPECT_FALSE(cl::isWellFormedId(drv + "X#1a"));
  EXPECT_FALSE(cl::isWellFormedId(drv + "X#1#2"));
  EXPECT_FALSE(cl::isWellFormedId(drv + "X\"Y#1"));
  EXPECT_FALSE(cl::isWellFormedId("othernormative:X#1"));
  EXPECT_FALSE(cl::isWellFormedId("drivernormative X#1"));
}

}  // namespace
