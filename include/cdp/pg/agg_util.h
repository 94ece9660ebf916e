// Small helpers shared by the retention and session glue
// (src/pg/retention_agg.cpp, src/pg/session_agg.cpp):
//
//  - InContext<T>: a core state object made with make_in_context that
//    remembers its memory context, so a combine function can tell a state it
//    may adopt (deserialized into this aggregate's context) from one it must
//    copy;
//  - LocalClock: timestamptz (UTC microseconds) -> wall-clock microseconds
//    of the session's TimeZone, with a cached range of constant UTC offset
//    so a row costs two comparisons and an add;
//  - int4 / int8 array builders and a look at the aggregate call's
//    arguments (for final functions of empty groups);
//  - the combine / serialize / deserialize functions of a state that keeps
//    a group's first rows inline and spills to a core state.
//
// Include after the C++ and core headers, cdp/core/bitmap.h included (it
// includes rbitmap_datum.h and bridge.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "cdp/pg/bridge.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "datatype/timestamp.h"
#include "nodes/primnodes.h"
#include "pgtime.h"
#include "utils/array.h"
}

namespace cdp::pg {

// ------------------------------------------------------------ states

// A core state in an aggregate memory context, with that context.
template <class T>
struct InContext {
  template <class... Args>
  explicit InContext(MemoryContext c, Args&&... args)
      : value(std::forward<Args>(args)...), cxt(c) {}
  T value;
  MemoryContext cxt;
};

// Makes an InContext<T> in cxt (destroyed by a reset callback of cxt).
template <class T, class... Args>
InContext<T>* make_state(MemoryContext cxt, Args&&... args) {
  return make_in_context<InContext<T>>(cxt, cxt, std::forward<Args>(args)...);
}

// The memory context of the aggregate (or window aggregate) calling us;
// error XX000 outside an aggregate. *kind = AGG_CONTEXT_AGGREGATE or
// AGG_CONTEXT_WINDOW.
MemoryContext agg_context(FunctionCallInfo fcinfo, const char* fn, int* kind = nullptr);

// ------------------------------------------------------------ spilling states
//
// retention_periods and session_summary keep a group's first rows inline in
// one palloc'd chunk (a trivially destructible Ops::State, no reset
// callback) and move them to a core state (Ops::Core, in State::big, an
// InContext<Core>*) when the group outgrows the chunk or comes from
// deserialize. State has the members `params` (Core(params) is an empty
// core state, Core::params() gives them back), `big`, `n` (inline rows),
// `adoptable` (made by deserialize in the aggregate context: a combine
// function may take it as its result) and the constant kInline. Ops has the
// static functions
//   State* make(MemoryContext cxt, const Params& p)    an empty state in cxt
//   void feed(const State& st, Core& out)              st's inline rows -> out
//   void spill(State* st, MemoryContext cxt)           inline rows -> a new big
//   void check_params(const State& a, const State& b)  error when they differ
//   void append_inline(State* a, const State& b)       b's inline rows -> a
//                                                      (both inline, they fit)

// The combine function (fn names it in errors).
template <class Ops>
Datum combine_spilling(FunctionCallInfo fcinfo, const char* fn) {
  using State = typename Ops::State;
  State* a = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<State*>(PG_GETARG_POINTER(0));
  State* b = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<State*>(PG_GETARG_POINTER(1));
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  MemoryContext cxt = agg_context(fcinfo, fn);
  if (a == nullptr) {
    // A state deserialized into this context is ours: adopt it.
    if (b->adoptable && b->big != nullptr && b->big->cxt == cxt) {
      b->adoptable = false;
      PG_RETURN_POINTER(b);
    }
    a = Ops::make(cxt, b->params);
  }
  Ops::check_params(*a, *b);
  if (a->big == nullptr && b->big == nullptr && a->n + b->n <= State::kInline) {
    Ops::append_inline(a, *b);
    PG_RETURN_POINTER(a);
  }
  if (a->big == nullptr) Ops::spill(a, cxt);
  if (b->big != nullptr)
    a->big->value.combine(b->big->value);
  else
    Ops::feed(*b, a->big->value);
  PG_RETURN_POINTER(a);
}

// The serialize function: the core state's bytes (inline rows go through a
// core state on the stack, so the format is the core's alone).
template <class Ops>
Datum serialize_spilling(FunctionCallInfo fcinfo, const char* fn) {
  agg_context(fcinfo, fn);
  const auto* st = reinterpret_cast<const typename Ops::State*>(PG_GETARG_POINTER(0));
  std::string out;
  if (st->big != nullptr) {
    st->big->value.serialize(out);
  } else {
    typename Ops::Core tmp(st->params);
    Ops::feed(*st, tmp);
    tmp.serialize(out);
  }
  PG_RETURN_DATUM(varlena_datum(out));
}

// The deserialize function: a state in the aggregate context whose big
// state holds the bytes' core state (adoptable by combine).
template <class Ops>
Datum deserialize_spilling(FunctionCallInfo fcinfo, const char* fn) {
  using Core = typename Ops::Core;
  MemoryContext cxt = agg_context(fcinfo, fn);
  const std::string_view b = arg_bytes(fcinfo, 0);
  Core v = Core::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
  typename Ops::State* st = Ops::make(cxt, v.params());
  st->big = make_state<Core>(cxt, std::move(v));
  st->adoptable = true;
  PG_RETURN_POINTER(st);
}

// ------------------------------------------------------------ time zones

// timestamptz -> wall clock of the session's TimeZone, as timestamptz ->
// timestamp converts (the same UTC offsets as PostgreSQL's pg_localtime).
// Keeps the last range [lo, hi) of UTC instants with one constant offset
// (found with pg_next_dst_boundary); a value inside it costs two compares
// and an add. +-infinity are returned unchanged. Trivially destructible.
class LocalClock {
 public:
  int64_t to_local(int64_t t) {
    if (t >= lo_ && t < hi_ && tz_ == session_timezone) return t + offset_;
    return slow(t);
  }

 private:
  int64_t slow(int64_t t);

  const pg_tz* tz_ = nullptr;
  int64_t lo_ = 1;  // empty range
  int64_t hi_ = 0;
  int64_t offset_ = 0;
};

// ------------------------------------------------------------ arrays

// A one-dimensional array of n (>= 0) elements of `elem_size` bytes each,
// no NULLs, lower bound 1 (data uninitialized; n = 0 gives dims [0], not the
// zero-dimensional empty array), palloc'd in the current memory context;
// larger than MaxAllocSize -> 54000.
ArrayType* new_fixed_array(int n, Oid elemtype, size_t elem_size);

// A one-dimensional int4[] / int8[] of n elements (uninitialized data; n may
// be 0: then an empty array), palloc'd in the current memory context.
ArrayType* new_int4_array(int n);
ArrayType* new_int8_array(int n);
inline int32* int4_data(ArrayType* a) { return reinterpret_cast<int32*>(ARR_DATA_PTR(a)); }
inline int64* int8_data(ArrayType* a) { return reinterpret_cast<int64*>(ARR_DATA_PTR(a)); }

// ------------------------------------------------------------ the call

// The expression of argument i (0-based, direct arguments only) of the
// aggregate call being finalized or advanced, or nullptr when unknown
// (window context, or not called by an Agg node).
const Expr* agg_call_arg(FunctionCallInfo fcinfo, int i);
// Number of direct arguments of that call, or -1 when unknown.
int agg_call_nargs(FunctionCallInfo fcinfo);

}  // namespace cdp::pg
