// Sorting batches of 32-bit ids, faster than std::sort.
//
// rb_build_agg buffers ids and adds them to the bitmap sorted (CRoaring's
// add_many is many times faster on sorted input); with std::sort the sorting
// was two thirds of the aggregate's work. An LSD radix sort does it in four
// linear passes.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstdint>
#include <vector>

namespace cdp::core {

// Sorts `values` ascending. `scratch` is working space (resized as needed,
// keep it between calls to avoid reallocations); on return it holds garbage.
void radix_sort(std::vector<uint32_t>& values, std::vector<uint32_t>& scratch);

}  // namespace cdp::core
