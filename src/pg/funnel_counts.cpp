// funnel_counts(level int, steps int) -> bigint[]: element k = number of
// inputs with level >= k. A cross-user rollup of window_funnel levels.
//
// The state is a concrete bigint[] (not `internal`), so Citus can send
// partial results between nodes as text. Inside an aggregate the state
// array is updated in place (it lives in the aggregate's memory context),
// as PostgreSQL's own float8_accum does.
#include <cstdint>
#include <string>

#include "cdp/core/error.h"
#include "cdp/core/funnel.h"
#include "cdp/pg/bridge.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
#include "utils/datum.h"
}

namespace {

using cdp::core::Error;
using cdp::pg::call;
namespace sqlstate = cdp::core::sqlstate;

// Argument n as a one-dimensional bigint[] without NULLs; its length.
ArrayType* counts_arg(FunctionCallInfo fcinfo, int n, int& len) {
  const Datum d = PG_GETARG_DATUM(n);
  ArrayType* a = call([d] { return DatumGetArrayTypeP(d); });
  if (ARR_ELEMTYPE(a) != INT8OID || ARR_NDIM(a) > 1 || ARR_HASNULL(a))
    throw Error(sqlstate::kInvalidParameterValue,
                "funnel_counts: invalid state array",
                "The state is a one-dimensional bigint[] without NULLs.");
  len = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
  return a;
}

// A bigint[] of n zeros in memory context cxt (try_pg restores the current
// context if construct_array fails).
ArrayType* zeros(int n, MemoryContext cxt) {
  return call([n, cxt] {
    MemoryContext old = MemoryContextSwitchTo(cxt);
    Datum* d = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    for (int i = 0; i < n; ++i) d[i] = Int64GetDatum(0);
    ArrayType* a = construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    MemoryContextSwitchTo(old);
    return a;
  });
}

// A writable copy unless we run inside an aggregate (then the state is ours).
ArrayType* writable(FunctionCallInfo fcinfo, ArrayType* a, Datum orig) {
  if (AggCheckCallContext(fcinfo, nullptr) && a == reinterpret_cast<ArrayType*>(DatumGetPointer(orig)))
    return a;
  return call([a] { return reinterpret_cast<ArrayType*>(
                        DatumGetPointer(datumCopy(PointerGetDatum(a), false, -1))); });
}

}  // namespace

// (state bigint[], level int, steps int) -> bigint[]
CDP_FUNCTION(cdp_funnel_counts_trans) {
  if (PG_ARGISNULL(0))
    throw Error(sqlstate::kNullValueNotAllowed, "funnel_counts: the state must not be NULL");
  if (PG_ARGISNULL(2))
    throw Error(sqlstate::kNullValueNotAllowed, "funnel_counts: steps must not be NULL");
  const int32 steps = PG_GETARG_INT32(2);
  if (steps < 1)
    throw Error(sqlstate::kInvalidParameterValue, "funnel_counts: steps must be at least 1");
  if (steps > cdp::core::kMaxFunnelSteps)
    throw Error(sqlstate::kProgramLimitExceeded,
                "funnel_counts: steps must be at most " +
                    std::to_string(cdp::core::kMaxFunnelSteps));
  int len = 0;
  ArrayType* st = counts_arg(fcinfo, 0, len);
  if (len == 0) {
    MemoryContext agg = nullptr;
    st = zeros(steps, AggCheckCallContext(fcinfo, &agg) ? agg : CurrentMemoryContext);
  } else {
    if (len != steps)
      throw Error(sqlstate::kInvalidParameterValue,
                  "funnel_counts: steps must be the same for every row", {},
                  "Pass a constant number of steps.");
    st = writable(fcinfo, st, PG_GETARG_DATUM(0));
  }
  if (PG_ARGISNULL(1)) PG_RETURN_ARRAYTYPE_P(st);  // a NULL level counts nowhere
  const int32 level = PG_GETARG_INT32(1);
  if (level < 0)
    throw Error(sqlstate::kInvalidParameterValue, "funnel_counts: level must not be negative");
  int64* v = reinterpret_cast<int64*>(ARR_DATA_PTR(st));
  const int upto = level < steps ? level : steps;
  for (int k = 0; k < upto; ++k) ++v[k];
  PG_RETURN_ARRAYTYPE_P(st);
}

// (bigint[], bigint[]) -> bigint[]: element-wise sum.
CDP_FUNCTION(cdp_funnel_counts_combine) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
    if (PG_ARGISNULL(1)) {
      if (PG_ARGISNULL(0)) PG_RETURN_NULL();
      PG_RETURN_DATUM(PG_GETARG_DATUM(0));
    }
    PG_RETURN_DATUM(PG_GETARG_DATUM(1));
  }
  int la = 0, lb = 0;
  ArrayType* a = counts_arg(fcinfo, 0, la);
  ArrayType* b = counts_arg(fcinfo, 1, lb);
  if (lb == 0) PG_RETURN_ARRAYTYPE_P(a);
  if (la == 0) PG_RETURN_ARRAYTYPE_P(b);
  if (la != lb)
    throw Error(sqlstate::kInvalidParameterValue,
                "funnel_counts: steps must be the same for every row", {},
                "Pass a constant number of steps.");
  a = writable(fcinfo, a, PG_GETARG_DATUM(0));
  int64* va = reinterpret_cast<int64*>(ARR_DATA_PTR(a));
  const int64* vb = reinterpret_cast<const int64*>(ARR_DATA_PTR(b));
  for (int k = 0; k < la; ++k)
    if (__builtin_add_overflow(va[k], vb[k], &va[k]))
      throw Error("22003", "funnel_counts: count out of range for bigint");
  PG_RETURN_ARRAYTYPE_P(a);
}
