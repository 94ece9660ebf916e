#include "cdp/core/radix_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace {

using cdp::core::radix_sort;

std::vector<uint32_t> sorted_copy(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(RadixSort, SmallAndEmpty) {
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> empty;
  radix_sort(empty, scratch);
  EXPECT_TRUE(empty.empty());
  std::vector<uint32_t> small{5, 4294967295u, 0, 65536, 65535, 5};
  radix_sort(small, scratch);
  EXPECT_EQ(small, (std::vector<uint32_t>{0, 5, 5, 65535, 65536, 4294967295u}));
}

TEST(RadixSort, MatchesStdSortOnRandomInputs) {
  std::mt19937_64 rng(20261122);
  std::vector<uint32_t> scratch;
  for (int round = 0; round < 200; ++round) {
    const size_t n = 512 + rng() % 20000;
    // Different value spreads exercise skipped and taken byte passes.
    const int spread_bits = 1 + static_cast<int>(rng() % 32);
    const uint64_t mask = spread_bits == 32 ? 0xFFFFFFFFull : ((1ull << spread_bits) - 1);
    const uint32_t base = static_cast<uint32_t>(rng());
    std::vector<uint32_t> v(n);
    for (auto& x : v) x = static_cast<uint32_t>(base + (rng() & mask));
    const std::vector<uint32_t> want = sorted_copy(v);
    radix_sort(v, scratch);
    ASSERT_EQ(v, want) << "round " << round << " n " << n << " spread " << spread_bits;
  }
}

TEST(RadixSort, AllEqualAndAlreadySorted) {
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> same(5000, 0x80000001u);
  radix_sort(same, scratch);
  EXPECT_EQ(same, std::vector<uint32_t>(5000, 0x80000001u));
  std::vector<uint32_t> desc(5000);
  for (size_t i = 0; i < desc.size(); ++i) desc[i] = static_cast<uint32_t>(4294967295u - 977 * i);
  const auto want = sorted_copy(desc);
  radix_sort(desc, scratch);
  EXPECT_EQ(desc, want);
}

}  // namespace
