// retention, retention_periods and retention_counts (SQL API section 2): the
// aggregate entry points. The algorithms are in src/core/retention.cpp.
//
// retention(VARIADIC "any"): the conditions are read with the funnel glue's
// cond_args / read_conditions (boolean check once per call site, 42804; an
// explicit VARIADIC boolean[] works too). State: core::RetentionConditions
// (a bitmask; inline up to 64 conditions) in the aggregate context.
//
// retention_periods: a 128-byte state in the aggregate context holding the
// earliest anchor and the first 10 active timestamps (PeriodsState), moved
// to a core::RetentionPeriodsState when it has more (or comes from
// deserialize); the result is always computed by the core. period /
// periods / mode are parsed once per call site and re-checked per row with
// a memcmp.
// timestamptz values are moved to the wall clock of the session TimeZone
// when the result depends on it (calendar mode, or a period with months or
// days; see retention.h), through a cached UTC-offset range (LocalClock).
//
// retention_counts(int[]): a concrete bigint[] state (no INITCOND: NULL
// until the first non-NULL array, so an empty group gives NULL like sum()),
// summed in place inside the aggregate.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/core/funnel.h"  // via event_state.h
#include "cdp/core/retention.h"
#include "cdp/pg/agg_util.h"
#include "cdp/pg/event_state.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "utils/array.h"
#include "utils/datum.h"
}

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace core = cdp::core;
namespace sqlstate = cdp::core::sqlstate;

// ====================================================================== retention

constexpr const char* kRet = "retention";
using Conds = core::RetentionConditions;

// A state for n conditions in cxt. Up to 64 conditions it owns no heap
// memory (no destructor needed: no reset callback per group).
Conds* new_conds(MemoryContext cxt, int n) {
  if (n > 64) return make_in_context<Conds>(cxt, n);
  void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(Conds)); });
  return new (mem) Conds(n);
}

Conds* conds_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<Conds*>(PG_GETARG_POINTER(n));
}

// The number of conditions of the aggregate call, for the result of an
// empty group: the number of arguments, or the length of an explicit
// VARIADIC ARRAY[...] / constant array. -1 when it cannot be known (window
// context, an array computed per row).
int call_nconds(FunctionCallInfo fcinfo) {
  if (AggCheckCallContext(fcinfo, nullptr) != AGG_CONTEXT_AGGREGATE) return -1;
  const Aggref* ar = AggGetAggref(fcinfo);
  if (ar == nullptr) return -1;
  const int nargs = agg_call_nargs(fcinfo);
  if (!ar->aggvariadic) return nargs;
  const Expr* e = agg_call_arg(fcinfo, 0);
  if (e == nullptr) return -1;
  if (IsA(e, ArrayExpr)) {
    const auto* ae = reinterpret_cast<const ArrayExpr*>(e);
    return ae->multidims ? -1 : list_length(ae->elements);
  }
  if (IsA(e, Const)) {
    const auto* c = reinterpret_cast<const Const*>(e);
    if (c->constisnull) return -1;
    const Datum d = c->constvalue;
    ArrayType* a = call([d] { return DatumGetArrayTypeP(d); });
    if (ARR_NDIM(a) > 1) return -1;
    return ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
  }
  return -1;
}

// ============================================================ retention_periods

constexpr const char* kPer = "retention_periods";
using PeriodsBox = InContext<core::RetentionPeriodsState>;

// The per-group state: the earliest anchor and the first kInline active
// timestamps live inside one 128-byte chunk of the aggregate context, so a
// row touches only the group's own cache lines and a group costs one
// palloc, no malloc and no reset callback. A group with more active values
// (or a deserialized one) moves to a core state (`big`). The final and
// serialize functions feed the inline rows to a core state on the stack:
// the rule lives in one place, the core.
struct PeriodsState {
  static constexpr int kInline = 10;
  core::RetentionPeriodsParams params;
  PeriodsBox* big = nullptr;
  int64_t anchor = 0;
  bool has_anchor = false;
  bool adoptable = false;  // made by deserialize in the aggregate context
  uint8_t n = 0;
  int64_t values[kInline];  // active timestamps (consecutive repeats dropped)
};
static_assert(sizeof(PeriodsState) <= 128, "one 128-byte chunk per group");
static_assert(std::is_trivially_destructible_v<PeriodsState>, "no reset callback");

PeriodsState* new_periods_state(MemoryContext cxt, const core::RetentionPeriodsParams& p) {
  void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(PeriodsState)); });
  auto* st = new (mem) PeriodsState();
  st->params = p;
  return st;
}

// The core's error for a group whose rows disagree on the parameters.
void check_same_params(const core::RetentionPeriodsParams& a,
                       const core::RetentionPeriodsParams& b) {
  if (a != b) core::RetentionPeriodsState(a).check_params(b);
}

// Adds st's inline rows to a core state.
void feed(const PeriodsState& st, core::RetentionPeriodsState& out) {
  if (st.has_anchor) out.add(true, st.anchor, false);
  for (int i = 0; i < st.n; ++i) out.add(false, st.values[i], true);
}

// Moves the inline rows to a core state in cxt.
void spill(PeriodsState* st, MemoryContext cxt) {
  PeriodsBox* big = make_state<core::RetentionPeriodsState>(cxt, st->params);
  feed(*st, big->value);
  st->big = big;
  st->has_anchor = false;
  st->n = 0;
}

// For combine_spilling / serialize_spilling / deserialize_spilling.
struct PeriodsOps {
  using State = PeriodsState;
  using Core = core::RetentionPeriodsState;
  static PeriodsState* make(MemoryContext cxt, const core::RetentionPeriodsParams& p) {
    return new_periods_state(cxt, p);
  }
  static void feed(const PeriodsState& st, Core& out) { ::feed(st, out); }
  static void spill(PeriodsState* st, MemoryContext cxt) { ::spill(st, cxt); }
  static void check_params(const PeriodsState& a, const PeriodsState& b) {
    check_same_params(a.params, b.params);
  }
  static void append_inline(PeriodsState* a, const PeriodsState& b) {
    if (b.has_anchor && (!a->has_anchor || b.anchor < a->anchor)) {
      a->anchor = b.anchor;
      a->has_anchor = true;
    }
    for (int i = 0; i < b.n; ++i) a->values[a->n++] = b.values[i];
  }
};

void periods_add(FunctionCallInfo fcinfo, PeriodsState* st, bool anchor, int64_t ts,
                 bool active) {
  if (st->big != nullptr) {
    st->big->value.add(anchor, ts, active);
    return;
  }
  if (anchor && (!st->has_anchor || ts < st->anchor)) {
    st->anchor = ts;
    st->has_anchor = true;
  }
  if (!active || (st->n > 0 && st->values[st->n - 1] == ts)) return;
  if (st->n == PeriodsState::kInline) {
    spill(st, agg_context(fcinfo, kPer));
    st->big->value.add(false, ts, true);
    return;
  }
  st->values[st->n++] = ts;
}

// Per call site: the last period / periods / mode and their parsed form.
struct PeriodsSite {
  bool ready = false;
  Interval period{};
  int32 periods = 0;
  std::string mode;
  core::RetentionPeriodsParams params;
  bool local = false;  // timestamptz values go to the wall clock
  LocalClock clock;
};

PeriodsSite& periods_site(FunctionCallInfo fcinfo) {
  FmgrInfo* fl = fcinfo->flinfo;
  if (fl->fn_extra == nullptr) fl->fn_extra = make_in_context<PeriodsSite>(fl->fn_mcxt);
  return *static_cast<PeriodsSite*>(fl->fn_extra);
}

[[noreturn]] void null_arg(const char* what) {
  throw Error(sqlstate::kNullValueNotAllowed,
              std::string("retention_periods: ") + what + " must not be NULL");
}

core::IntervalParts parts(const Interval& iv) { return {iv.month, iv.day, iv.time}; }

// Arguments: 0 state, 1 anchor, 2 ts, 3 active, 4 period, 5 periods, [6 mode].
const core::RetentionPeriodsParams& periods_params(FunctionCallInfo fcinfo, PeriodsSite& s) {
  if (PG_ARGISNULL(4)) null_arg("period");
  if (PG_ARGISNULL(5)) null_arg("periods");
  const Interval* iv = PG_GETARG_INTERVAL_P(4);
  const int32 periods = PG_GETARG_INT32(5);
  std::string_view mode;
  if (PG_NARGS() > 6) {
    if (PG_ARGISNULL(6)) null_arg("mode");
    mode = arg_bytes(fcinfo, 6);
  }
  if (s.ready && std::memcmp(iv, &s.period, sizeof(Interval)) == 0 && periods == s.periods &&
      mode == s.mode)
    return s.params;
  s.ready = false;
  s.params = core::RetentionPeriodsParams::make(parts(*iv), periods,
                                                core::parse_retention_mode(mode));
  s.period = *iv;
  s.periods = periods;
  s.mode.assign(mode.data(), mode.size());
  s.local = s.params.mode.calendar || iv->month != 0 || iv->day != 0;
  s.ready = true;
  return s.params;
}

Datum periods_trans(FunctionCallInfo fcinfo, bool tz) {
  PeriodsSite& s = periods_site(fcinfo);
  const core::RetentionPeriodsParams& p = periods_params(fcinfo, s);
  auto* st = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<PeriodsState*>(PG_GETARG_POINTER(0));
  if (st == nullptr)
    st = new_periods_state(agg_context(fcinfo, kPer), p);
  else if (st->params != p)
    check_same_params(st->params, p);
  if (PG_ARGISNULL(2)) PG_RETURN_POINTER(st);  // NULL ts: the row is ignored
  const bool anchor = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
  const bool active = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
  if (!anchor && !active) PG_RETURN_POINTER(st);
  int64_t ts = PG_GETARG_INT64(2);
  if (tz && s.local) ts = s.clock.to_local(ts);
  periods_add(fcinfo, st, anchor, ts, active);
  PG_RETURN_POINTER(st);
}

PeriodsState* periods_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<PeriodsState*>(PG_GETARG_POINTER(n));
}

// Result length - 1 for an empty group, from the aggregate call: the
// `periods` argument when it is a constant (checked with the period and
// mode when those are constants too), else -1 (result NULL).
int call_periods(FunctionCallInfo fcinfo) {
  const Expr* pe = agg_call_arg(fcinfo, 4);
  if (pe == nullptr || !IsA(pe, Const)) return -1;
  const auto* pc = reinterpret_cast<const Const*>(pe);
  if (pc->constisnull) null_arg("periods");
  const int32 periods = DatumGetInt32(pc->constvalue);
  const Expr* ie = agg_call_arg(fcinfo, 3);
  const Expr* me = agg_call_nargs(fcinfo) > 5 ? agg_call_arg(fcinfo, 5) : nullptr;
  core::IntervalParts iv{0, 1, 0};  // any valid period when it is not a constant
  core::RetentionMode mode;
  if (ie != nullptr && IsA(ie, Const)) {
    const auto* c = reinterpret_cast<const Const*>(ie);
    if (c->constisnull) null_arg("period");
    iv = parts(*DatumGetIntervalP(c->constvalue));
  }
  if (me != nullptr && IsA(me, Const)) {
    const auto* c = reinterpret_cast<const Const*>(me);
    if (c->constisnull) null_arg("mode");
    const Datum d = c->constvalue;
    auto* t = call([d] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d))); });
    mode = core::parse_retention_mode(std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
  }
  core::RetentionPeriodsParams::make(iv, periods, mode);  // the trans function's checks
  return periods;
}

// ============================================================ retention_counts

constexpr const char* kCounts = "retention_counts";

// Argument n as a one-dimensional array of `elemtype` without NULLs.
ArrayType* plain_array_arg(FunctionCallInfo fcinfo, int n, Oid elemtype, const char* what,
                           int& len) {
  const Datum d = PG_GETARG_DATUM(n);
  ArrayType* a = call([d] { return DatumGetArrayTypeP(d); });
  if (ARR_ELEMTYPE(a) != elemtype)
    throw Error(sqlstate::kDatatypeMismatch, std::string("retention_counts: invalid ") + what);
  if (ARR_NDIM(a) > 1)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string("retention_counts: the ") + what + " must have one dimension");
  if (ARR_HASNULL(a) && call([a] { return array_contains_nulls(a); }))
    throw Error(sqlstate::kNullValueNotAllowed,
                std::string("retention_counts: the ") + what + " must not contain NULLs");
  len = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
  return a;
}

[[noreturn]] void length_mismatch(int got, int before) {
  throw Error(sqlstate::kInvalidParameterValue,
              "retention_counts needs arrays of the same length",
              "got an array of " + std::to_string(got) + " elements after arrays of " +
                  std::to_string(before),
              "Pass the results of one retention or retention_periods call.");
}

[[noreturn]] void overflow() {
  throw Error("22003", "retention_counts sum out of range for type bigint");
}

// The state itself when we run inside an aggregate and got the state
// unchanged (then it is ours to modify), else a copy.
ArrayType* writable(FunctionCallInfo fcinfo, ArrayType* a, Datum orig) {
  if (AggCheckCallContext(fcinfo, nullptr) &&
      a == reinterpret_cast<ArrayType*>(DatumGetPointer(orig)))
    return a;
  return call([a] {
    return reinterpret_cast<ArrayType*>(DatumGetPointer(datumCopy(PointerGetDatum(a), false, -1)));
  });
}

// int32 values (with NULLs) of array a of length n (ARR_HASNULL handled).
const int32* int4_values(ArrayType* a) { return reinterpret_cast<const int32*>(ARR_DATA_PTR(a)); }

}  // namespace

// ---------------------------------------------------------------- retention

// (internal, VARIADIC "any") -> internal
CDP_FUNCTION(cdp_retention_trans) {
  CallSite& cs = call_site(fcinfo);
  const CondArgs& ca = cond_args(fcinfo, cs, 1, kRet);
  uint64_t mask = 0;
  std::vector<int>& idx = condition_scratch();
  const int n = read_conditions(fcinfo, ca, kRet, mask, idx);
  Conds* st = conds_arg(fcinfo, 0);
  if (st == nullptr)
    st = new_conds(agg_context(fcinfo, kRet), n);
  else
    st->check_size(n);
  if (n <= cdp::core::kInlineFunnelSteps) {
    st->or_word(0, mask);
  } else {
    for (const int i : idx) st->set(i);
  }
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_retention_final) {
  const Conds* st = conds_arg(fcinfo, 0);
  if (st != nullptr) {
    ArrayType* a = new_int4_array(st->size());
    st->result(int4_data(a));
    PG_RETURN_ARRAYTYPE_P(a);
  }
  // No rows: all zeros, as many as the call has conditions.
  const int n = call_nconds(fcinfo);
  if (n < 0) PG_RETURN_ARRAYTYPE_P(new_int4_array(0));
  Conds check(n);  // the trans function's limits: 22023 / 54000
  ArrayType* a = new_int4_array(n);
  std::memset(int4_data(a), 0, sizeof(int32) * n);
  PG_RETURN_ARRAYTYPE_P(a);
}

CDP_FUNCTION(cdp_retention_combine) {
  Conds* a = conds_arg(fcinfo, 0);
  const Conds* b = conds_arg(fcinfo, 1);
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  if (a == nullptr) a = new_conds(agg_context(fcinfo, "retention combine"), b->size());
  a->combine(*b);
  PG_RETURN_POINTER(a);
}

CDP_FUNCTION(cdp_retention_serialize) {
  agg_context(fcinfo, "retention serialize");
  std::string out;
  conds_arg(fcinfo, 0)->serialize(out);
  PG_RETURN_DATUM(varlena_datum(out));
}

CDP_FUNCTION(cdp_retention_deserialize) {
  MemoryContext cxt = agg_context(fcinfo, "retention deserialize");
  const std::string_view b = arg_bytes(fcinfo, 0);
  const Conds v = Conds::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
  Conds* st = new_conds(cxt, v.size());
  st->combine(v);
  PG_RETURN_POINTER(st);
}

// -------------------------------------------------------- retention_periods

CDP_FUNCTION(cdp_retention_periods_trans) { return periods_trans(fcinfo, false); }
CDP_FUNCTION(cdp_retention_periods_tz_trans) { return periods_trans(fcinfo, true); }

CDP_FUNCTION(cdp_retention_periods_final) {
  PeriodsState* st = periods_arg(fcinfo, 0);
  if (st != nullptr) {
    ArrayType* a = new_int4_array(st->params.periods + 1);
    if (st->big != nullptr) {
      st->big->value.result(int4_data(a));
    } else {
      core::RetentionPeriodsState tmp(st->params);
      feed(*st, tmp);
      tmp.result(int4_data(a));
    }
    PG_RETURN_ARRAYTYPE_P(a);
  }
  // No rows: periods + 1 zeros when the call's `periods` is a constant.
  const int periods = call_periods(fcinfo);
  if (periods < 0) PG_RETURN_NULL();
  ArrayType* a = new_int4_array(periods + 1);
  std::memset(int4_data(a), 0, sizeof(int32) * (periods + 1));
  PG_RETURN_ARRAYTYPE_P(a);
}

CDP_FUNCTION(cdp_retention_periods_combine) {
  return combine_spilling<PeriodsOps>(fcinfo, "retention_periods combine");
}

CDP_FUNCTION(cdp_retention_periods_serialize) {
  return serialize_spilling<PeriodsOps>(fcinfo, "retention_periods serialize");
}

CDP_FUNCTION(cdp_retention_periods_deserialize) {
  return deserialize_spilling<PeriodsOps>(fcinfo, "retention_periods deserialize");
}

// --------------------------------------------------------- retention_counts

// (bigint[] state, int[] r) -> bigint[]
CDP_FUNCTION(cdp_retention_counts_trans) {
  if (PG_ARGISNULL(1)) {  // a NULL array counts nowhere
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_DATUM(PG_GETARG_DATUM(0));
  }
  int n = 0;
  ArrayType* r = plain_array_arg(fcinfo, 1, INT4OID, "array", n);
  const int32* rv = int4_values(r);
  if (PG_ARGISNULL(0)) {
    // The first array: a new bigint[] (the executor copies it into the
    // aggregate's context).
    ArrayType* st = new_int8_array(n);
    int64* v = int8_data(st);
    for (int i = 0; i < n; ++i) v[i] = rv[i];
    PG_RETURN_ARRAYTYPE_P(st);
  }
  int len = 0;
  ArrayType* st = plain_array_arg(fcinfo, 0, INT8OID, "state", len);
  if (len != n) length_mismatch(n, len);
  st = writable(fcinfo, st, PG_GETARG_DATUM(0));
  int64* v = int8_data(st);
  for (int i = 0; i < n; ++i)
    if (__builtin_add_overflow(v[i], int64{rv[i]}, &v[i])) overflow();
  PG_RETURN_ARRAYTYPE_P(st);
}

// (bigint[], bigint[]) -> bigint[]: element-wise sum.
CDP_FUNCTION(cdp_retention_counts_combine) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
    if (PG_ARGISNULL(0) && PG_ARGISNULL(1)) PG_RETURN_NULL();
    int len = 0;
    PG_RETURN_ARRAYTYPE_P(plain_array_arg(fcinfo, PG_ARGISNULL(0) ? 1 : 0, INT8OID, "state", len));
  }
  int la = 0, lb = 0;
  ArrayType* a = plain_array_arg(fcinfo, 0, INT8OID, "state", la);
  ArrayType* b = plain_array_arg(fcinfo, 1, INT8OID, "state", lb);
  if (la != lb) length_mismatch(lb, la);
  a = writable(fcinfo, a, PG_GETARG_DATUM(0));
  int64* va = int8_data(a);
  const int64* vb = int8_data(b);
  for (int i = 0; i < la; ++i)
    if (__builtin_add_overflow(va[i], vb[i], &va[i])) overflow();
  PG_RETURN_ARRAYTYPE_P(a);
}
