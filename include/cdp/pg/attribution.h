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
#include <utility>
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

// ------------------------------------------------- serialized states

// A bytea of `size` data bytes (header set, data uninitialized) for a
// serialized aggregate state; too large -> 54000 "<fn>: state too large".
struct varlena* new_state_bytea(size_t size, const char* fn);

// The bytes of a serialize function's output (argument 0) given to a
// deserialize function; XX000 when not called as an aggregate.
std::string_view serialized_state_arg(FunctionCallInfo fcinfo, const char* fn);

// The combine / serialize / deserialize functions of a counts state
// (core::MarkovCounts, core::ShapleyCounts: made with make_in_context in the
// aggregate context; merge(), serialized_size(), serialize_to() and a static
// deserialize(const char*, size_t)). make_empty(cxt, b) makes a new empty
// state in cxt that b can be merged into.
template <class Counts, class MakeEmpty>
Datum combine_counts(FunctionCallInfo fcinfo, const char* fn, MakeEmpty make_empty) {
  MemoryContext cxt = attribution_agg_context(fcinfo, fn);
  Counts* a = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<Counts*>(PG_GETARG_POINTER(0));
  const Counts* b = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<Counts*>(PG_GETARG_POINTER(1));
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  // b may live in a shorter-lived context (deserialize): merge into a state
  // of our own.
  if (a == nullptr) a = make_empty(cxt, *b);
  a->merge(*b);
  PG_RETURN_POINTER(a);
}

template <class Counts>
Datum serialize_counts(FunctionCallInfo fcinfo, const char* fn) {
  attribution_agg_context(fcinfo, fn);
  const auto* st = reinterpret_cast<const Counts*>(PG_GETARG_POINTER(0));
  struct varlena* v = new_state_bytea(st->serialized_size(), fn);
  st->serialize_to(reinterpret_cast<uint8_t*>(VARDATA(v)));
  PG_RETURN_BYTEA_P(v);
}

template <class Counts>
Datum deserialize_counts(FunctionCallInfo fcinfo, const char* fn) {
  const std::string_view bytes = serialized_state_arg(fcinfo, fn);
  Counts c = Counts::deserialize(bytes.data(), bytes.size());
  PG_RETURN_POINTER(make_in_context<Counts>(CurrentMemoryContext, std::move(c)));
}

}  // namespace cdp::pg
