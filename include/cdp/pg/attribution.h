// Glue shared by the attribution functions (SQL API section 4):
// attribution() (src/pg/attribution.cpp), markov_attribution
// (markov_agg.cpp), shapley_attribution (shapley_agg.cpp) and the path
// builder attribution_paths (attribution_paths.cpp).
//
// Arrays are read in place: a text[] argument becomes string_views into the
// array's own bytes (no deconstruct_array, no per-element copy), a
// timestamp[] / timestamptz[] argument a pointer to its int64 elements. An
// array stored with a 1-byte varlena header (values under 127 bytes, i.e.
// most short paths read from a table) is copied into a stack buffer instead
// of being detoasted into a palloc'd copy. Results (float8[], text[],
// timestamptz[]) are written directly into one allocation.
//
// Include after the C++ and core headers (it includes bridge.h).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/pg/bridge.h"

extern "C" {
#include "utils/array.h"
}

namespace cdp::pg {

// Room for an array whose varlena has a 1-byte header (at most 126 data
// bytes) rewritten with a 4-byte header, aligned like palloc'd memory.
struct ShortArrayBuf {
  alignas(MAXIMUM_ALIGNOF) char bytes[136];
};

// Argument n (an array datum, not NULL) in a readable form: the datum
// itself, a copy in buf (1-byte header), or a detoasted copy.
ArrayType* array_arg(FunctionCallInfo fcinfo, int n, ShortArrayBuf& buf);

// Number of elements of a one-dimensional (or empty) array; more dimensions
// -> 22023 naming `fn` and `what`.
int array_length_1d(ArrayType* a, const char* fn, const char* what);

// The n elements of a one-dimensional text[] (or any varlena array with int
// alignment: varchar[], citext[]) as views into the array. A NULL element ->
// 22004 naming `fn` and `what`.
void text_array_views(ArrayType* a, int n, std::vector<std::string_view>& out, const char* fn,
                      const char* what);

// The n int64 elements of a one-dimensional timestamp[] / timestamptz[]
// (no copy). A NULL element -> 22004.
const int64_t* int64_array_elements(ArrayType* a, int n, const char* fn, const char* what);

// A new one-dimensional float8[] of n elements (lower bound 1), contents
// uninitialized; *data points to its elements.
ArrayType* new_float8_array(int n, double** data);

// A new one-dimensional text[] / timestamptz[] from the given elements.
ArrayType* new_text_array(const std::string_view* elems, size_t n);
ArrayType* new_timestamptz_array(const int64_t* elems, size_t n);

// The element type of the array this (final) function returns, taken from
// its call expression (so it works in any schema); 0 type -> XX000.
Oid result_element_type(FunctionCallInfo fcinfo, const char* fn);

// cdp_channel_credit[] holding `credits` in their order (the composite type
// is the element type of the function's declared result).
Datum channel_credit_array(FunctionCallInfo fcinfo,
                           const std::vector<core::ChannelCredit>& credits, const char* fn);

// The aggregate memory context (XX000 when not called as an aggregate).
MemoryContext attribution_agg_context(FunctionCallInfo fcinfo, const char* fn);

// Scratch vector of channel views shared by the per-row functions
// (backends are single threaded; valid until the next call).
std::vector<std::string_view>& channel_scratch();

}  // namespace cdp::pg
