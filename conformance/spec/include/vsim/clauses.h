// The virtio clause catalogue, compiled in: every normative block of the pinned spec and every statement in it.
//
// The tables are generated at build time from conformance/spec/{clauses,blocks}.tsv by scripts/embed_clauses.py.
// They are constant-initialised (no heap allocation, no static-init order issues) and can be used from any
// static initialiser. No requirement text is stored: an ID is the link to the spec, the hash detects spec edits.
#pragma once
#include <span>
#include <string_view>
#include <vector>

namespace vsim::clauses {

/// One normative statement: the n-th RFC-2119 keyword occurrence inside a normative block.
struct Statement {
  std::string_view id;        ///< "<block label>#<n>": the stable key cited by checks and tests
  std::string_view block;     ///< label of the enclosing block (Block::id)
  std::string_view keyword;   ///< as written: "MUST", "MUST NOT", "SHOULD NOT", "MAY", "SHALL", "RECOMMENDED", ...
  std::string_view strength;  ///< folded level: "MUST", "SHOULD" or "MAY" (negation and synonyms folded away)
  std::string_view target;    ///< conformance target: "driver" or "device"
  std::string_view section;   ///< section number in the pinned spec version (display only; numbers drift)
  std::string_view chapter;   ///< top-level chapter title, e.g. "Virtio Transport Options"
  std::string_view subarea;   ///< second label component, e.g. "Virtqueues", "Network Device", "Virtio Over PCI Bus"
  std::string_view textHash;  ///< 12 hex digits of SHA-256 over the normalised sentence: changes when the spec does
  int n;                      ///< 1-based position of the statement inside its block
};

/// One normative block: a "Driver/Device Requirements" heading and its text up to the next heading of any level.
struct Block {
  std::string_view id;       ///< the spec's label, "drivernormative:..." or "devicenormative:..."
  std::string_view target;   ///< "driver" or "device"
  std::string_view section;  ///< section number in the pinned spec version (display only)
  std::string_view title;    ///< heading title
  std::string_view chapter;  ///< top-level chapter title
  std::string_view subarea;  ///< second label component
  bool legacy;               ///< block is about the legacy interface
  int statements;            ///< number of statements (may be 0)
};

/// @name Lookup (binary search over sorted indexes, O(log n), no allocation)
/// @{

/// The statement with this exact ID, or nullptr.
const Statement* find(std::string_view id) noexcept;

/// The block with this exact label (no "#n"), or nullptr.
const Block* findBlock(std::string_view label) noexcept;

/// True if @p id names a statement of the catalogue (same as find(id) != nullptr).
bool isValidId(std::string_view id) noexcept;

/// True if @p id has the shape of a statement ID ("drivernormative:" or "devicenormative:", a non-empty label,
/// '#', a positive decimal number without leading zeros), whether or not the catalogue holds it.
bool isWellFormedId(std::string_view id) noexcept;

/// The statements of block @p label in order (#1, #2, ...); empty for an unknown label.
std::vector<const Statement*> inBlock(std::string_view label);
/// @}

/// @name Whole tables (catalogue order = spec document order; statements of one block are contiguous)
/// @{
std::span<const Statement> statements() noexcept;
std::span<const Block> blocks() noexcept;
/// @}

/// @name Provenance of the catalogue (from the TSV header line)
/// @{
std::string_view specVersion() noexcept;  ///< e.g. "virtio-v1.4-cs01"
std::string_view specCommit() noexcept;   ///< the virtio-spec git commit the catalogue was generated from
/// @}

}  // namespace vsim::clauses
