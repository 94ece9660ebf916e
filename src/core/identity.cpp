#include "cdp/core/identity.h"

#include <cstring>
#include <string>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

constexpr size_t kBlock = size_t{1} << 20;

// FNV-1a, then a 64-bit mixer (good enough spread for open addressing).
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

IdentityGraph::IdentityGraph() : table_(1024, 0), mask_(1023) {}
IdentityGraph::~IdentityGraph() = default;

const char* IdentityGraph::store(std::string_view s) {
  if (s.empty()) return "";
  if (s.size() > kBlock / 4) {  // large identifiers get their own block
    blocks_.emplace_back(new char[s.size()]);
    arena_bytes_ += s.size();
    std::memcpy(blocks_.back().get(), s.data(), s.size());
    const char* p = blocks_.back().get();
    // keep the current small-object block last
    if (blocks_.size() > 1) std::swap(blocks_[blocks_.size() - 1], blocks_[blocks_.size() - 2]);
    return p;
  }
  if (blocks_.empty() || block_used_ + s.size() > block_size_) {
    blocks_.emplace_back(new char[kBlock]);
    arena_bytes_ += kBlock;
    block_used_ = 0;
    block_size_ = kBlock;
  }
  char* p = blocks_.back().get() + block_used_;
  std::memcpy(p, s.data(), s.size());
  block_used_ += s.size();
  return p;
}

void IdentityGraph::grow_table() {
  std::vector<uint32_t> t(table_.size() * 2, 0);
  const size_t mask = t.size() - 1;
  for (uint32_t slot : table_) {
    if (!slot) continue;
    size_t h = hash_bytes(ids_[slot - 1]) & mask;
    while (t[h]) h = (h + 1) & mask;
    t[h] = slot;
  }
  table_.swap(t);
  mask_ = mask;
}

int64_t IdentityGraph::lookup(std::string_view id) const {
  size_t h = hash_bytes(id) & mask_;
  while (uint32_t slot = table_[h]) {
    if (ids_[slot - 1] == id) return slot - 1;
    h = (h + 1) & mask_;
  }
  return -1;
}

uint32_t IdentityGraph::intern(std::string_view id) {
  size_t h = hash_bytes(id) & mask_;
  while (uint32_t slot = table_[h]) {
    if (ids_[slot - 1] == id) return slot - 1;
    h = (h + 1) & mask_;
  }
  if (ids_.size() >= 0xFFFFFFFEu)
    throw Error(sqlstate::kProgramLimitExceeded,
                "identity graph has too many distinct identifiers",
                "At most 4294967294 identifiers can be resolved in one call.");
  const uint32_t index = static_cast<uint32_t>(ids_.size());
  const char* p = store(id);
  ids_.emplace_back(p, id.size());
  parent_.push_back(index);
  size_.push_back(1);
  table_[h] = index + 1;
  if (ids_.size() * 2 > table_.size()) grow_table();
  return index;
}

uint32_t IdentityGraph::find(uint32_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];  // path halving
    x = parent_[x];
  }
  return x;
}

void IdentityGraph::unite(uint32_t a, uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return;
  if (size_[a] < size_[b]) std::swap(a, b);
  parent_[b] = a;
  size_[a] += size_[b];
}

void IdentityGraph::add_edge(std::string_view a, std::string_view b) {
  const uint32_t ia = intern(a);
  const uint32_t ib = intern(b);
  unite(ia, ib);
}

size_t IdentityGraph::memory_bytes() const {
  return arena_bytes_ + ids_.capacity() * sizeof(std::string_view) +
         (parent_.capacity() + size_.capacity() + table_.capacity()) * sizeof(uint32_t);
}

std::vector<int64_t> IdentityGraph::component_labels(const std::vector<int64_t>& rank) {
  if (rank.size() != ids_.size())
    throw Error(sqlstate::kInternalError, "component_labels: one rank per identifier expected");
  const size_t n = ids_.size();
  std::vector<int64_t> best(n, INT64_MAX);  // by root
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = find(static_cast<uint32_t>(i));
    if (rank[i] < best[r]) best[r] = rank[i];
  }
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = best[find(static_cast<uint32_t>(i))];
  return out;
}

std::vector<int64_t> IdentityGraph::component_labels() {
  std::vector<int64_t> rank(ids_.size());
  for (size_t i = 0; i < rank.size(); ++i) rank[i] = static_cast<int64_t>(i);
  return component_labels(rank);
}

}  // namespace cdp::core
