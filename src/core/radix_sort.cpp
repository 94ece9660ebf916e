#include "cdp/core/radix_sort.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace cdp::core {

void radix_sort(std::vector<uint32_t>& values, std::vector<uint32_t>& scratch) {
  const size_t n = values.size();
  // Below a few hundred values the four 256-entry histograms cost more than
  // a comparison sort.
  if (n < 512) {
    std::sort(values.begin(), values.end());
    return;
  }
  // One pass builds the histograms of all four bytes.
  std::array<std::array<size_t, 256>, 4> count{};
  for (const uint32_t v : values) {
    ++count[0][v & 0xFF];
    ++count[1][(v >> 8) & 0xFF];
    ++count[2][(v >> 16) & 0xFF];
    ++count[3][v >> 24];
  }
  scratch.resize(n);
  for (int d = 0; d < 4; ++d) {
    auto& c = count[d];
    // A byte that is the same in every value does not reorder anything
    // (common: ids below 2^24 share their top byte).
    if (std::any_of(c.begin(), c.end(), [n](size_t x) { return x == n; })) continue;
    size_t sum = 0;
    for (size_t& x : c) {
      const size_t here = x;
      x = sum;
      sum += here;
    }
    const int shift = 8 * d;
    for (const uint32_t v : values) scratch[c[(v >> shift) & 0xFF]++] = v;
    values.swap(scratch);
  }
}

}  // namespace cdp::core
