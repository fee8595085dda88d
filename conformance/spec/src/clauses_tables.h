// Internal: the layout of the generated tables (see scripts/embed_clauses.py) and the compile-time checks the
// generated file runs on itself. Not installed, not for use outside vsim_clauses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "vsim/clauses.h"

namespace vsim::clauses::detail {

struct Tables {
  std::span<const Statement> statements;          ///< catalogue order; each block's statements are contiguous
  std::span<const Block> blocks;                  ///< catalogue order
  std::span<const std::uint32_t> statementsById;  ///< indexes into statements, sorted by Statement::id
  std::span<const std::uint32_t> blocksById;      ///< indexes into blocks, sorted by Block::id
  std::span<const std::uint32_t> blockFirst;      ///< blockFirst[i]: index of the first statement of blocks[i]
  std::string_view specVersion;
  std::string_view specCommit;
};

/// Defined (constinit) by the generated file.
extern const Tables kTables;

/// True if @p order is a permutation of the row indexes that sorts the rows by strictly increasing id
/// (so ids are unique and binary search is valid).
template <class Row, std::size_t N, std::size_t M>
constexpr bool sortedById(const Row (&rows)[N], const std::uint32_t (&order)[M]) {
  if (N != M) return false;
  for (std::size_t i = 0; i < M; ++i) {
    if (order[i] >= N) return false;
    if (i > 0 && !(rows[order[i - 1]].id < rows[order[i]].id)) return false;
  }
  return true;
}

/// True if every block's statements sit at blockFirst[b] .. + statements - 1, numbered 1.., naming that block,
/// and the blocks' counts add up to the whole statement table.
template <std::size_t S, std::size_t B>
constexpr bool blocksContiguous(const Statement (&st)[S], const Block (&bl)[B], const std::uint32_t (&first)[B]) {
  std::size_t total = 0;
  for (std::size_t b = 0; b < B; ++b) {
    if (bl[b].statements < 0 || first[b] + static_cast<std::size_t>(bl[b].statements) > S) return false;
    for (int k = 0; k < bl[b].statements; ++k) {
      const Statement& s = st[first[b] + static_cast<std::size_t>(k)];
      if (s.block != bl[b].id || s.n != k + 1 || s.target != bl[b].target) return false;
    }
    total += static_cast<std::size_t>(bl[b].statements);
  }
  return total == S;
}

}  // namespace vsim::clauses::detail
