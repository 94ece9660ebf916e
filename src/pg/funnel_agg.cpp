// window_funnel and window_funnel_times: the aggregate entry points. The
// per-user event list (state, combine, serialize) is in event_state.cpp, the
// algorithm in src/core/funnel.cpp.
//
// The conditions are declared VARIADIC "any": they arrive as separate
// arguments (no boolean[] built per row), are checked to be boolean once
// per call site, and a call with an explicit VARIADIC boolean[] works too
// (for more conditions than PostgreSQL's 100 function arguments).
#include <cstdint>
#include <vector>

#include "cdp/core/error.h"
#include "cdp/core/funnel.h"
#include "cdp/pg/event_state.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
}

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace sqlstate = cdp::core::sqlstate;

constexpr const char* kFn = "window_funnel";

// Arguments: 0 state, 1 window, [2 mode,] ts, conditions...
Datum funnel_trans(FunctionCallInfo fcinfo, bool with_mode) {
  const int ts_arg = with_mode ? 3 : 2;
  CallSite& cs = call_site(fcinfo);
  const CondArgs& ca = cond_args(fcinfo, cs, ts_arg + 1, kFn);
  const int64_t window = window_arg(fcinfo, cs, 1, kFn);
  static const cdp::core::FunnelMode kDefault;
  const cdp::core::FunnelMode& mode = with_mode ? mode_arg(fcinfo, cs, 2) : kDefault;
  uint64_t mask = 0;
  std::vector<int>& idx = condition_scratch();
  const int n = read_conditions(fcinfo, ca, kFn, mask, idx);

  EventState* st = event_arg_state(fcinfo, 0);
  if (st == nullptr) {
    st = new_event_state(event_agg_context(fcinfo, kFn), EventKind::kFunnel, n);
    st->window = window;
    st->mode = mode;
    st->keep_unmatched = cdp::core::funnel_needs_unmatched_rows(mode);
  } else {
    if (n != st->nconds)
      throw Error(sqlstate::kInvalidParameterValue,
                  "window_funnel: the number of steps must be the same for every row of a "
                  "group");
    if (window != st->window)
      throw Error(sqlstate::kInvalidParameterValue,
                  "window_funnel: the window must be the same for every row of a group", {},
                  "Pass a constant.");
    if (!(mode == st->mode))
      throw Error(sqlstate::kInvalidParameterValue,
                  "window_funnel: the mode must be the same for every row of a group", {},
                  "Pass a constant.");
  }
  if (!PG_ARGISNULL(ts_arg)) append_row(st, PG_GETARG_INT64(ts_arg), mask, idx);
  PG_RETURN_POINTER(st);
}

int level_of(EventState* st) {
  st->sort();
  if (st->is_wide()) return cdp::core::window_funnel_sorted(*st->wide, st->window, st->mode);
  return cdp::core::window_funnel_sorted(st->rows.data(), st->rows.size(), st->nconds,
                                         st->window, st->mode);
}

}  // namespace

CDP_FUNCTION(cdp_window_funnel_trans) { return funnel_trans(fcinfo, false); }
CDP_FUNCTION(cdp_window_funnel_mode_trans) { return funnel_trans(fcinfo, true); }

CDP_FUNCTION(cdp_window_funnel_final) {
  EventState* st = event_arg_state(fcinfo, 0);
  if (st == nullptr) PG_RETURN_INT32(0);  // no rows
  PG_RETURN_INT32(level_of(st));
}

CDP_FUNCTION(cdp_window_funnel_times_final) {
  EventState* st = event_arg_state(fcinfo, 0);
  std::vector<int64_t> times;
  if (st != nullptr) {
    st->sort();
    times = st->is_wide()
                ? cdp::core::window_funnel_times_sorted(*st->wide, st->window, st->mode)
                : cdp::core::window_funnel_times_sorted(st->rows.data(), st->rows.size(),
                                                        st->nconds, st->window, st->mode);
  }
  const int n = static_cast<int>(times.size());
  if (n == 0) return PointerGetDatum(call([] { return construct_empty_array(INTERVALOID); }));
  auto* ivs = static_cast<Interval*>(alloc(sizeof(Interval) * n));
  auto* ds = static_cast<Datum*>(alloc(sizeof(Datum) * n));
  for (int i = 0; i < n; ++i) {
    ivs[i] = us_interval(static_cast<uint64_t>(times[i]));  // see funnel.h
    ds[i] = PointerGetDatum(&ivs[i]);
  }
  return PointerGetDatum(call([ds, n] {
    return construct_array(ds, n, INTERVALOID, sizeof(Interval), false, TYPALIGN_DOUBLE);
  }));
}

CDP_FUNCTION(cdp_event_combine) { return event_combine(fcinfo); }
CDP_FUNCTION(cdp_event_serialize) { return event_serialize(fcinfo); }
CDP_FUNCTION(cdp_event_deserialize) { return event_deserialize(fcinfo); }
