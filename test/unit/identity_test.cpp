// Tests for cdp::core::IdentityGraph: union-find against a naive BFS over an
// adjacency list, on random graphs (fixed seeds).
#include "cdp/core/identity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <queue>
#include <random>
#include <string>
#include <vector>

using cdp::core::IdentityGraph;

namespace {

// Component label = smallest first-seen index, by BFS.
std::vector<int64_t> NaiveLabels(size_t n, const std::vector<std::pair<uint32_t, uint32_t>>& edges,
                                 const std::vector<int64_t>& rank) {
  std::vector<std::vector<uint32_t>> adj(n);
  for (auto [a, b] : edges) {
    adj[a].push_back(b);
    adj[b].push_back(a);
  }
  std::vector<int64_t> label(n, -1);
  std::vector<int> comp(n, -1);
  int ncomp = 0;
  for (size_t s = 0; s < n; ++s) {
    if (comp[s] >= 0) continue;
    std::vector<uint32_t> members;
    std::queue<uint32_t> q;
    q.push(static_cast<uint32_t>(s));
    comp[s] = ncomp;
    while (!q.empty()) {
      uint32_t x = q.front();
      q.pop();
      members.push_back(x);
      for (uint32_t y : adj[x])
        if (comp[y] < 0) {
          comp[y] = ncomp;
          q.push(y);
        }
    }
    int64_t best = INT64_MAX;
    for (uint32_t m : members) best = std::min(best, rank[m]);
    for (uint32_t m : members) label[m] = best;
    ++ncomp;
  }
  return label;
}

}  // namespace

TEST(Identity, Basics) {
  IdentityGraph g;
  g.add_edge("device:1", "login:alice");
  g.add_edge("login:alice", "email:a@x");
  g.add_edge("device:2", "device:2");  // self-loop
  g.add_edge("device:3", "login:bob");
  g.add_edge("login:bob", "device:3");  // duplicate, reversed
  g.add_edge("", "empty-is-just-bytes");
  ASSERT_EQ(g.size(), 8u);
  EXPECT_EQ(g.id(0), "device:1");
  EXPECT_EQ(g.lookup("email:a@x"), 2);
  EXPECT_EQ(g.lookup("nope"), -1);
  const auto l = g.component_labels();
  EXPECT_EQ(l, (std::vector<int64_t>{0, 0, 0, 3, 4, 4, 6, 6}));
  // ranks: the label is the smallest rank in the component
  const auto r = g.component_labels({50, 40, 60, 7, 9, 8, 1, 2});
  EXPECT_EQ(r, (std::vector<int64_t>{40, 40, 40, 7, 8, 8, 1, 1}));
}

TEST(Identity, ArbitraryBytesAndLongIds) {
  IdentityGraph g;
  const std::string big(3 << 20, 'x');  // larger than an arena block
  std::string nul("a\0b", 3);
  g.add_edge(big, nul);
  g.add_edge("small", big);
  g.add_edge(std::string(300000, 'y'), "small");
  EXPECT_EQ(g.size(), 4u);
  EXPECT_EQ(g.id(0), big);
  EXPECT_EQ(g.id(1), nul);
  EXPECT_EQ(g.lookup(std::string("a\0b", 3)), 1);
  EXPECT_EQ(g.lookup("a"), -1);
  EXPECT_EQ(g.component_labels(), (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST(Identity, RandomAgainstBfs) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    const size_t universe = 1 + rng() % 3000;
    const size_t nedges = rng() % 4000;
    IdentityGraph g;
    std::map<std::string, uint32_t> index;  // oracle interning, first-seen order
    std::vector<std::pair<uint32_t, uint32_t>> edges;
    auto name = [&](uint64_t k) { return "id-" + std::to_string(k) + "-" + std::string(k % 7, 'z'); };
    auto intern = [&](const std::string& s) {
      auto it = index.find(s);
      if (it != index.end()) return it->second;
      const uint32_t i = static_cast<uint32_t>(index.size());
      index.emplace(s, i);
      return i;
    };
    for (size_t e = 0; e < nedges; ++e) {
      const std::string a = name(rng() % universe), b = name(rng() % universe);
      const uint32_t ia = intern(a), ib = intern(b);
      edges.emplace_back(ia, ib);
      g.add_edge(a, b);
    }
    ASSERT_EQ(g.size(), index.size()) << "seed " << seed;
    for (auto& [s, i] : index) ASSERT_EQ(g.lookup(s), i) << "seed " << seed;
    std::vector<int64_t> rank(g.size());
    for (auto& r : rank) r = static_cast<int64_t>(rng() % 1000000);
    EXPECT_EQ(g.component_labels(rank), NaiveLabels(g.size(), edges, rank)) << "seed " << seed;
    std::vector<int64_t> idx(g.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int64_t>(i);
    EXPECT_EQ(g.component_labels(), NaiveLabels(g.size(), edges, idx)) << "seed " << seed;
  }
}

TEST(Identity, LongChainIsFlattened) {
  IdentityGraph g;
  const int n = 200000;
  for (int i = 0; i + 1 < n; ++i) g.add_edge(std::to_string(i), std::to_string(i + 1));
  const auto l = g.component_labels();
  for (int i = 0; i < n; ++i) ASSERT_EQ(l[i], 0);
  EXPECT_GT(g.memory_bytes(), 0u);
}
