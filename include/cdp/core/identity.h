// Identity resolution: connected components of an identity graph (SQL
// contract section 6, cdp_resolve_identities).
//
// Nodes are text identifiers (any bytes, any length), interned into dense
// 0-based indexes in first-seen order. Edges are unions in a union-find with
// path compression (path halving) and union by size, so adding E edges over
// N identifiers costs O(E * alpha(N)).
//
// Memory: the identifier bytes live in 1 MiB arena blocks; each identifier
// costs its length plus 24 bytes (pointer + length in the node table, parent
// and size in the forest) plus about 8 bytes of hash slots (a power-of-two
// open-addressing table of uint32 indexes, load <= 1/2). No per-identifier
// heap allocation.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace cdp::core {

class IdentityGraph {
 public:
  IdentityGraph();
  ~IdentityGraph();
  IdentityGraph(const IdentityGraph&) = delete;
  IdentityGraph& operator=(const IdentityGraph&) = delete;

  // The dense index of `id`, adding it as a singleton when new.
  // Throws Error 54000 beyond 2^32 - 1 identifiers.
  uint32_t intern(std::string_view id);
  // The index of `id`, or -1 when it was never seen.
  int64_t lookup(std::string_view id) const;
  // Records that a and b belong to the same person (self-loops and
  // duplicates are fine).
  void add_edge(std::string_view a, std::string_view b);
  void unite(uint32_t a, uint32_t b);
  // Representative of x's component (compresses the path).
  uint32_t find(uint32_t x);

  size_t size() const { return ids_.size(); }
  std::string_view id(uint32_t index) const { return ids_[index]; }
  // Bytes held by the graph (arena blocks, tables), for memory reports.
  size_t memory_bytes() const;

  // For every identifier i (by index), the label of its component: the
  // smallest rank[j] over the identifiers j of the component. `rank` must
  // have size() entries. With rank[i] = i the label is the smallest index in
  // the component (first-seen order).
  std::vector<int64_t> component_labels(const std::vector<int64_t>& rank);
  // Same, ranked by index.
  std::vector<int64_t> component_labels();

 private:
  const char* store(std::string_view s);
  void grow_table();

  std::vector<std::string_view> ids_;
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
  std::vector<uint32_t> table_;  // index + 1, 0 = empty slot
  size_t mask_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0, block_size_ = 0;
  size_t arena_bytes_ = 0;
};

}  // namespace cdp::core
