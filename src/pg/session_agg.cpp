// session_number, session_start and session_summary (SQL API section 3):
// the aggregate entry points. The rule and the algorithms are in
// src/core/session.cpp (include/cdp/core/session.h).
//
// session_number / session_start are aggregates meant to be used as window
// functions, OVER (PARTITION BY user ORDER BY ts): the state is one
// core::SessionCursor (constant size, trivially copyable) per partition, the
// final function reads it (FINALFUNC_MODIFY = READ_ONLY: the executor calls
// it once per peer group and keeps advancing the same state). Misuse is an
// error, never a silent wrong number:
//   - rows going back in time (ORDER BY ts DESC, ORDER BY another column):
//     the core's 22023 "rows are not in ascending timestamp order";
//   - no ORDER BY (the whole partition is one peer group) or rows with
//     different ts fed before one final call: 22023, found by the core's
//     peer check (mixed_since_mark) in the final function;
//   - a frame that does not run from the partition's first row to the
//     current row (ROWS 2 PRECEDING, UNBOUNDED FOLLOWING, EXCLUDE ...):
//     42P20 (windowing_error);
//   - a plain aggregate call without ORDER BY inside the call: 0A000 at the
//     first row (with ORDER BY ts inside, `session_number(ts, gap ORDER BY
//     ts)` is the number of sessions of the group and `session_start` the
//     start of its last one: defined answers; PostgreSQL never splits an
//     ordered aggregate into partial aggregates).
// Their combine / serialize / deserialize functions exist (every aggregate
// of the extension has them and is PARALLEL SAFE) but cannot be correct for
// a running per-row number: they raise 0A000. They are never reached: an
// unordered plain call fails at its first row, an ordered one is never
// partial, and window functions are never partial.
//
// session_summary: a 128-byte state in the aggregate context holding the
// first 12 timestamps (SummaryState), moved to a core::SessionSummaryState
// when it has more (or comes from deserialize); the sessions are cut by the
// core (summarize_sorted_sessions); serialize / deserialize / combine go
// through the core's state (sorted runs, varint deltas).
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/core/funnel.h"  // via event_state.h
#include "cdp/core/session.h"
#include "cdp/pg/agg_util.h"
#include "cdp/pg/event_state.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "nodes/execnodes.h"
#include "nodes/parsenodes.h"
#include "utils/lsyscache.h"
}

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace core = cdp::core;
namespace sqlstate = cdp::core::sqlstate;

// ------------------------------------------------------------ parameters

// Per call site of a transition function: the last gap / max_duration and
// their validated form. Trivially destructible.
struct SessionSite {
  bool checked = false;  // the plain-aggregate check ran
  bool ready = false;
  Interval gap{};
  Interval max{};
  core::SessionParams params;
};

SessionSite& session_site(FunctionCallInfo fcinfo) {
  FmgrInfo* fl = fcinfo->flinfo;
  if (fl->fn_extra == nullptr) {
    void* mem = call([fl] { return MemoryContextAlloc(fl->fn_mcxt, sizeof(SessionSite)); });
    fl->fn_extra = new (mem) SessionSite();
  }
  return *static_cast<SessionSite*>(fl->fn_extra);
}

int64_t span(const Interval& iv) { return core::interval_span_micros(iv.month, iv.day, iv.time); }

// Arguments: 0 state, 1 ts, 2 gap, [3 max_duration].
const core::SessionParams& session_params(FunctionCallInfo fcinfo, SessionSite& s,
                                          const char* fn) {
  if (PG_ARGISNULL(2))
    throw Error(sqlstate::kNullValueNotAllowed, std::string(fn) + ": the gap must not be NULL");
  const Interval* gap = PG_GETARG_INTERVAL_P(2);
  const Interval* max = nullptr;
  if (PG_NARGS() > 3) {
    if (PG_ARGISNULL(3))
      throw Error(sqlstate::kNullValueNotAllowed,
                  std::string(fn) + ": max_duration must not be NULL");
    max = PG_GETARG_INTERVAL_P(3);
  }
  if (s.ready && std::memcmp(gap, &s.gap, sizeof(Interval)) == 0 &&
      (max == nullptr || std::memcmp(max, &s.max, sizeof(Interval)) == 0))
    return s.params;
  s.ready = false;
  s.params = max ? core::SessionParams::make(span(*gap), span(*max))
                 : core::SessionParams::make(span(*gap));
  s.gap = *gap;
  if (max) s.max = *max;
  s.ready = true;
  return s.params;
}

[[noreturn]] void params_differ(const char* fn, const char* scope) {
  throw Error(sqlstate::kInvalidParameterValue,
              std::string(fn) + ": the gap and max_duration must be the same for every row of " +
                  scope,
              {}, "Pass constants.");
}

// ====================================================== session_number/start

// The transition function is shared by both aggregates (and cannot tell
// which one it serves): its messages name both.
constexpr const char* kCursorFn = "session_number/session_start";

// The window-function state.
struct CursorState {
  core::SessionCursor cur;
  bool window = false;            // advanced by a WindowAgg
  bool null_since_mark = false;   // a NULL-ts row was fed since the last final call
  bool value_since_mark = false;  // a row with a ts was fed since then
};
static_assert(std::is_trivially_destructible_v<CursorState>, "kept in palloc'd memory");

// A plain aggregate call must order its rows: session_number(ts, gap ORDER BY ts).
void check_plain_call(FunctionCallInfo fcinfo) {
  const Aggref* ar = AggGetAggref(fcinfo);
  if (ar == nullptr || ar->aggorder != NIL) return;
  const Oid fn = ar->aggfnoid;
  const char* name = call([fn] { return get_func_name(fn); });
  const std::string n = name ? name : "session_number";
  throw Error("0A000", n + " is a window function: use it with OVER (PARTITION BY user_id ORDER BY ts)",
              "Without a window it would read the rows of a group in no defined order.",
              "As a plain aggregate, order its rows: " + n +
                  "(ts, gap ORDER BY ts) gives the value at the group's last row; "
                  "session_summary(ts, gap) gives per-user session statistics.");
}

// The window must run from the partition's first row to the current row
// (its peers included or not): then the rows fed between two final calls
// are the current row's peer group.
void check_frame(FunctionCallInfo fcinfo, const char* fn) {
  if (fcinfo->context == nullptr || !IsA(fcinfo->context, WindowAggState)) return;
  const int fo = reinterpret_cast<WindowAggState*>(fcinfo->context)->frameOptions;
  if (!(fo & FRAMEOPTION_START_UNBOUNDED_PRECEDING) || !(fo & FRAMEOPTION_END_CURRENT_ROW) ||
      (fo & FRAMEOPTION_EXCLUSION))
    throw Error("42P20",
                std::string(fn) + " needs a window frame from the partition's first row to the "
                                  "current row",
                {}, "Use the default frame: OVER (PARTITION BY user_id ORDER BY ts).");
}

CursorState* cursor_arg(FunctionCallInfo fcinfo) {
  return PG_ARGISNULL(0) ? nullptr : reinterpret_cast<CursorState*>(PG_GETARG_POINTER(0));
}

// The final functions: the session number / start of the current row.
// Returns false (SQL NULL) for a NULL-ts row or no rows.
bool cursor_value(FunctionCallInfo fcinfo, const char* fn, CursorState*& st) {
  st = cursor_arg(fcinfo);
  if (st == nullptr) return false;
  if (st->window) {
    check_frame(fcinfo, fn);
    if (st->cur.mixed_since_mark() || (st->null_since_mark && st->value_since_mark))
      throw Error(core::kSessionOrderSqlstate,
                  std::string(fn) + ": the window is not ordered by ts",
                  "Rows with different timestamps were fed together as peers of one row (a "
                  "window without ORDER BY, or ordered by another column).",
                  "Add ORDER BY ts to the window: OVER (PARTITION BY user_id ORDER BY ts).");
    // Writes two flags of the state; no result depends on them, so the
    // aggregate stays FINALFUNC_MODIFY = READ_ONLY (see session.h).
    st->cur.mark();
    st->null_since_mark = st->value_since_mark = false;
    if (st->cur.null_last()) return false;
  }
  return !st->cur.empty();
}

[[noreturn]] void not_combinable(const char* what) {
  throw Error("0A000",
              std::string("session_number and session_start cannot be ") + what +
                  ": use them as window functions, OVER (PARTITION BY user_id ORDER BY ts)",
              "A running session number cannot be computed from partial aggregates.");
}

// ================================================================ summary

using SummaryBox = InContext<core::SessionSummaryState>;
constexpr const char* kSummary = "session_summary";

// The per-group state: the first kInline timestamps live inside one
// 128-byte chunk of the aggregate context (a row touches only the group's
// own cache lines; a group costs one palloc, no malloc, no reset
// callback). More rows, or a deserialized state, go to a core
// SessionSummaryState (`big`). The final function sorts the inline rows in
// place (the multiset is unchanged) and calls the core's
// summarize_sorted_sessions; serialize feeds them to a core state.
struct SummaryState {
  static constexpr int kInline = 12;
  core::SessionParams params;
  SummaryBox* big = nullptr;
  uint8_t n = 0;
  bool sorted = true;      // ts[0, n) ascending
  bool adoptable = false;  // made by deserialize in the aggregate context
  int64_t ts[kInline];
};
static_assert(sizeof(SummaryState) <= 128, "one 128-byte chunk per group");
static_assert(std::is_trivially_destructible_v<SummaryState>, "no reset callback");

SummaryState* new_summary_state(MemoryContext cxt, const core::SessionParams& p) {
  void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(SummaryState)); });
  auto* st = new (mem) SummaryState();
  st->params = p;
  return st;
}

SummaryState* summary_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<SummaryState*>(PG_GETARG_POINTER(n));
}

void feed(const SummaryState& st, core::SessionSummaryState& out) {
  for (int i = 0; i < st.n; ++i) out.add(st.ts[i]);
}

void spill(SummaryState* st, MemoryContext cxt) {
  SummaryBox* big = make_state<core::SessionSummaryState>(cxt, st->params);
  feed(*st, big->value);
  st->big = big;
  st->n = 0;
  st->sorted = true;
}

// For combine_spilling / serialize_spilling / deserialize_spilling.
struct SummaryOps {
  using State = SummaryState;
  using Core = core::SessionSummaryState;
  static SummaryState* make(MemoryContext cxt, const core::SessionParams& p) {
    return new_summary_state(cxt, p);
  }
  static void feed(const SummaryState& st, Core& out) { ::feed(st, out); }
  static void spill(SummaryState* st, MemoryContext cxt) { ::spill(st, cxt); }
  static void check_params(const SummaryState& a, const SummaryState& b) {
    if (a.params != b.params) params_differ(kSummary, "a group");
  }
  static void append_inline(SummaryState* a, const SummaryState& b) {
    for (int i = 0; i < b.n; ++i) {
      if (a->n > 0 && b.ts[i] < a->ts[a->n - 1]) a->sorted = false;
      a->ts[a->n++] = b.ts[i];
    }
  }
};

void summary_add(FunctionCallInfo fcinfo, SummaryState* st, int64_t ts) {
  if (st->big != nullptr) {
    st->big->value.add(ts);
    return;
  }
  if (st->n == SummaryState::kInline) {
    spill(st, agg_context(fcinfo, kSummary));
    st->big->value.add(ts);
    return;
  }
  if (st->n > 0 && ts < st->ts[st->n - 1]) st->sorted = false;
  st->ts[st->n++] = ts;
}

void sort_inline(SummaryState* st) {
  if (st->sorted) return;
  for (int i = 1; i < st->n; ++i) {  // insertion sort: at most kInline rows
    const int64_t x = st->ts[i];
    int j = i;
    while (j > 0 && st->ts[j - 1] > x) {
      st->ts[j] = st->ts[j - 1];
      --j;
    }
    st->ts[j] = x;
  }
  st->sorted = true;
}

}  // namespace

// ---------------------------------------------------- session_number / start

// (internal, ts, gap [, max_duration]) -> internal; timestamp and timestamptz.
CDP_FUNCTION(cdp_session_cursor_trans) {
  int kind = 0;
  MemoryContext cxt = agg_context(fcinfo, kCursorFn, &kind);
  SessionSite& s = session_site(fcinfo);
  if (!s.checked) {
    if (kind == AGG_CONTEXT_AGGREGATE) check_plain_call(fcinfo);
    s.checked = true;
  }
  const core::SessionParams& p = session_params(fcinfo, s, kCursorFn);
  CursorState* st = cursor_arg(fcinfo);
  if (st == nullptr) {
    void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(CursorState)); });
    st = new (mem) CursorState();
    st->cur = core::SessionCursor(p);
    st->window = kind == AGG_CONTEXT_WINDOW;
  } else if (st->cur.params() != p) {
    params_differ(kCursorFn, "a partition");
  }
  if (PG_ARGISNULL(1)) {
    st->cur.skip_null();
    st->null_since_mark = true;
  } else {
    st->cur.next(PG_GETARG_INT64(1));
    st->value_since_mark = true;
  }
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_session_number_final) {
  CursorState* st = nullptr;
  if (!cursor_value(fcinfo, "session_number", st)) PG_RETURN_NULL();
  const int64_t n = st->cur.number();
  if (n > INT32_MAX) throw Error("22003", "session_number out of range for type integer");
  PG_RETURN_INT32(static_cast<int32>(n));
}

// timestamptz and timestamp results (the same microseconds).
CDP_FUNCTION(cdp_session_start_final) {
  CursorState* st = nullptr;
  if (!cursor_value(fcinfo, "session_start", st)) PG_RETURN_NULL();
  PG_RETURN_INT64(st->cur.start());
}

CDP_FUNCTION(cdp_session_cursor_combine) { not_combinable("combined"); }
CDP_FUNCTION(cdp_session_cursor_serialize) { not_combinable("serialized"); }
CDP_FUNCTION(cdp_session_cursor_deserialize) { not_combinable("deserialized"); }

// --------------------------------------------------------- session_summary

// (internal, ts, gap [, max_duration]) -> internal; timestamp and timestamptz.
CDP_FUNCTION(cdp_session_summary_trans) {
  const core::SessionParams& p = session_params(fcinfo, session_site(fcinfo), kSummary);
  SummaryState* st = summary_arg(fcinfo, 0);
  if (st == nullptr)
    st = new_summary_state(agg_context(fcinfo, kSummary), p);
  else if (st->params != p)
    params_differ(kSummary, "a group");
  if (!PG_ARGISNULL(1)) summary_add(fcinfo, st, PG_GETARG_INT64(1));
  PG_RETURN_POINTER(st);
}

// -> cdp_session_summary (timestamptz fields) or cdp_session_summary_ts
// (timestamp fields): the same bytes, the declared result type decides.
CDP_FUNCTION(cdp_session_summary_final) {
  SummaryState* st = summary_arg(fcinfo, 0);
  if (st == nullptr || (st->big == nullptr && st->n == 0) ||
      (st->big != nullptr && st->big->value.empty()))
    PG_RETURN_NULL();  // no rows
  core::SessionSummary s;
  if (st->big != nullptr) {
    s = st->big->value.summarize();
  } else {
    sort_inline(st);
    s = core::summarize_sorted_sessions(st->ts, st->n, st->params);
  }
  if (s.sessions > INT32_MAX)  // bounces <= sessions
    throw Error("22003", "session_summary: sessions out of range for type integer");
  // The result's tuple descriptor, once per call site.
  FmgrInfo* fl = fcinfo->flinfo;
  if (fl->fn_extra == nullptr) {
    fl->fn_extra = call([fcinfo, fl] {
      MemoryContext old = MemoryContextSwitchTo(fl->fn_mcxt);
      TupleDesc td = nullptr;
      if (get_call_result_type(fcinfo, nullptr, &td) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "session_summary: the result type is not a composite type");
      td = BlessTupleDesc(td);
      MemoryContextSwitchTo(old);
      return static_cast<void*>(td);
    });
  }
  TupleDesc td = static_cast<TupleDesc>(fl->fn_extra);
  auto* total = static_cast<Interval*>(alloc(sizeof(Interval)));
  // Like ts - ts: days and a time of day below 24 hours.
  *total = us_interval(static_cast<uint64_t>(s.total_duration));
  Datum values[6] = {Int32GetDatum(static_cast<int32>(s.sessions)),
                     Int64GetDatum(s.events),
                     IntervalPGetDatum(total),
                     Int32GetDatum(static_cast<int32>(s.bounces)),
                     Int64GetDatum(s.first_start),
                     Int64GetDatum(s.last_end)};
  bool nulls[6] = {false, false, false, false, false, false};
  HeapTuple tup = call([td, &values, &nulls] { return heap_form_tuple(td, values, nulls); });
  PG_RETURN_DATUM(HeapTupleGetDatum(tup));
}

CDP_FUNCTION(cdp_session_summary_combine) {
  return combine_spilling<SummaryOps>(fcinfo, "session_summary combine");
}

CDP_FUNCTION(cdp_session_summary_serialize) {
  return serialize_spilling<SummaryOps>(fcinfo, "session_summary serialize");
}

CDP_FUNCTION(cdp_session_summary_deserialize) {
  return deserialize_spilling<SummaryOps>(fcinfo, "session_summary deserialize");
}
