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
//    arguments (for final functions of empty groups).
//
// Include after the C++ and core headers (it includes bridge.h).
#pragma once

#include <cstdint>
#include <utility>

#include "cdp/pg/bridge.h"

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
