// Helpers shared by the aggregate glue; see cdp/pg/agg_util.h.
#include <climits>
#include <cstdint>
#include <string>

#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/pg/agg_util.h"

extern "C" {
#include "nodes/pg_list.h"
#include "utils/timestamp.h"
}

namespace cdp::pg {

using core::Error;
namespace sqlstate = core::sqlstate;

MemoryContext agg_context(FunctionCallInfo fcinfo, const char* fn, int* kind) {
  MemoryContext cxt = nullptr;
  const int k = AggCheckCallContext(fcinfo, &cxt);
  if (k == 0)
    throw Error(sqlstate::kInternalError, std::string(fn) + " called in non-aggregate context");
  if (kind) *kind = k;
  return cxt;
}

// ------------------------------------------------------------ LocalClock

namespace {

constexpr int64_t kUnixToPgEpochSecs =
    int64_t{POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE} * SECS_PER_DAY;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// pg_time_t seconds -> PostgreSQL microseconds, saturated.
int64_t pg_secs_to_us(int64_t s) {
  const __int128 v = (static_cast<__int128>(s) - kUnixToPgEpochSecs) * USECS_PER_SEC;
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}

}  // namespace

int64_t LocalClock::slow(int64_t t) {
  if (t == DT_NOBEGIN || t == DT_NOEND) return t;
  const pg_tz* tz = session_timezone;
  const pg_time_t sec = floor_div(t, USECS_PER_SEC) + kUnixToPgEpochSecs;
  long before_off = 0, after_off = 0;
  int before_dst = 0, after_dst = 0;
  pg_time_t boundary = 0;
  // Pure C, never ereports.
  const int r = pg_next_dst_boundary(&sec, &before_off, &before_dst, &boundary, &after_off,
                                     &after_dst, tz);
  if (r < 0) {
    // "Cannot happen" for valid timestamps; ask pg_localtime for this value
    // alone and cache nothing.
    const pg_tm* tm = pg_localtime(&sec, tz);
    if (tm == nullptr)
      throw Error(sqlstate::kInternalError, "cannot determine the UTC offset of a timestamp");
    tz_ = nullptr;
    return t + static_cast<int64_t>(tm->tm_gmtoff) * USECS_PER_SEC;
  }
  const int64_t offset = static_cast<int64_t>(before_off) * USECS_PER_SEC;
  const int64_t hi = r == 1 ? pg_secs_to_us(boundary) : INT64_MAX;
  // The segment of constant offset holding t is [something <= t, hi). When
  // it is the cached one (same upper end), the cache only grows downwards.
  if (tz_ == tz && hi == hi_ && offset == offset_ && t < lo_) {
    lo_ = t;
  } else {
    tz_ = tz;
    lo_ = t;
    hi_ = hi;
    offset_ = offset;
  }
  return t + offset;
}

// ------------------------------------------------------------ arrays

ArrayType* new_fixed_array(int n, Oid elemtype, size_t elem_size) {
  const size_t nbytes = ARR_OVERHEAD_NONULLS(1) + static_cast<size_t>(n) * elem_size;
  if (nbytes > MaxAllocSize)
    throw Error(sqlstate::kProgramLimitExceeded, "array size exceeds the maximum allowed");
  auto* a = static_cast<ArrayType*>(alloc(nbytes));
  SET_VARSIZE(a, nbytes);
  a->ndim = 1;
  a->dataoffset = 0;
  a->elemtype = elemtype;
  ARR_DIMS(a)[0] = n;
  ARR_LBOUND(a)[0] = 1;
  return a;
}

namespace {

// n = 0: the empty (zero-dimensional) array.
ArrayType* new_array(int n, Oid elemtype, size_t elem_size) {
  if (n == 0) return call([elemtype] { return construct_empty_array(elemtype); });
  return new_fixed_array(n, elemtype, elem_size);
}

}  // namespace

ArrayType* new_int4_array(int n) { return new_array(n, INT4OID, 4); }
ArrayType* new_int8_array(int n) { return new_array(n, INT8OID, 8); }

// ------------------------------------------------------------ the call

namespace {

const Aggref* current_aggref(FunctionCallInfo fcinfo) {
  if (AggCheckCallContext(fcinfo, nullptr) != AGG_CONTEXT_AGGREGATE) return nullptr;
  return AggGetAggref(fcinfo);
}

}  // namespace

const Expr* agg_call_arg(FunctionCallInfo fcinfo, int i) {
  const Aggref* ar = current_aggref(fcinfo);
  if (ar == nullptr) return nullptr;
  int k = 0;
  const ListCell* lc;
  foreach (lc, ar->args) {
    const auto* te = static_cast<const TargetEntry*>(lfirst(lc));
    if (te->resjunk) continue;
    if (k++ == i) return te->expr;
  }
  return nullptr;
}

int agg_call_nargs(FunctionCallInfo fcinfo) {
  const Aggref* ar = current_aggref(fcinfo);
  if (ar == nullptr) return -1;
  int k = 0;
  const ListCell* lc;
  foreach (lc, ar->args) {
    if (!static_cast<const TargetEntry*>(lfirst(lc))->resjunk) ++k;
  }
  return k;
}

}  // namespace cdp::pg
