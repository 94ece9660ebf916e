// markov_attribution aggregates (SQL API section 4):
//   markov_attribution(path text[], conversions bigint, non_conversions bigint)
//   markov_attribution(path, conversions, non_conversions, conversion_value float8)
//   markov_attribution("order" int, path, conversions, non_conversions [, conversion_value])
// -> cdp_channel_credit[]. The chain and its exact solve are in
// src/core/markov.cpp.
//
// State: a core::MarkovCounts (transition counts; it owns malloc'd memory,
// so it is made by make_in_context and destroyed by a reset callback of the
// aggregate context). Combine merges counts; serialize writes the core's
// portable bytes (which start with the core's version byte and a kind
// byte), deserialize validates them in full (22P02 on anything malformed).
//
// NULL handling: a row with a NULL path, count or value is skipped (as a
// strict aggregate would); a NULL element inside a path -> 22004; a NULL
// order -> 22004. No rows (or only rows with empty paths) -> an empty array.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/core/error.h"
#include "cdp/core/markov.h"
#include "cdp/pg/attribution.h"

namespace {

using namespace cdp::pg;
using cdp::core::Error;
using cdp::core::MarkovCounts;
namespace sqlstate = cdp::core::sqlstate;

constexpr const char* kFn = "markov_attribution";

MarkovCounts* state_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<MarkovCounts*>(PG_GETARG_POINTER(n));
}

// Arguments: 0 state, [order_arg: order,] path, conversions, non_conversions
// [, conversion_value].
Datum markov_trans(FunctionCallInfo fcinfo, bool with_order, bool with_value) {
  int order = 1;
  int a = 1;
  if (with_order) {
    if (PG_ARGISNULL(1))
      throw Error(sqlstate::kNullValueNotAllowed, std::string(kFn) + ": order must not be NULL");
    order = PG_GETARG_INT32(1);
    a = 2;
  }
  MarkovCounts* st = state_arg(fcinfo, 0);
  if (st == nullptr) {
    st = make_in_context<MarkovCounts>(attribution_agg_context(fcinfo, kFn), order);
  } else if (st->order() != order) {
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) + ": order must be the same for every row of a group", {},
                "Pass a constant.");
  }
  if (PG_ARGISNULL(a) || PG_ARGISNULL(a + 1) || PG_ARGISNULL(a + 2) ||
      (with_value && PG_ARGISNULL(a + 3)))
    PG_RETURN_POINTER(st);
  ShortArrayBuf buf;
  ArrayType* arr = array_arg(fcinfo, a, buf);
  const int n = array_length_1d(arr, kFn, "path");
  std::vector<std::string_view>& views = channel_scratch();
  text_array_views(arr, n, views, kFn, "path");
  st->add_path(views.data(), static_cast<size_t>(n), PG_GETARG_INT64(a + 1),
               PG_GETARG_INT64(a + 2), with_value ? PG_GETARG_FLOAT8(a + 3) : 0.0);
  PG_RETURN_POINTER(st);
}

Datum markov_final(FunctionCallInfo fcinfo, bool by_value) {
  const MarkovCounts* st = state_arg(fcinfo, 0);
  if (st == nullptr) return channel_credit_array(fcinfo, {}, kFn);
  return channel_credit_array(fcinfo, cdp::core::markov_attribution(*st, by_value), kFn);
}

}  // namespace

CDP_FUNCTION(cdp_markov_trans) { return markov_trans(fcinfo, false, false); }
CDP_FUNCTION(cdp_markov_value_trans) { return markov_trans(fcinfo, false, true); }
CDP_FUNCTION(cdp_markov_order_trans) { return markov_trans(fcinfo, true, false); }
CDP_FUNCTION(cdp_markov_order_value_trans) { return markov_trans(fcinfo, true, true); }

CDP_FUNCTION(cdp_markov_combine) {
  return combine_counts<MarkovCounts>(fcinfo, kFn, [](MemoryContext cxt, const MarkovCounts& b) {
    return make_in_context<MarkovCounts>(cxt, b.order());
  });
}

CDP_FUNCTION(cdp_markov_serialize) { return serialize_counts<MarkovCounts>(fcinfo, kFn); }
CDP_FUNCTION(cdp_markov_deserialize) { return deserialize_counts<MarkovCounts>(fcinfo, kFn); }

CDP_FUNCTION(cdp_markov_final) { return markov_final(fcinfo, false); }
CDP_FUNCTION(cdp_markov_value_final) { return markov_final(fcinfo, true); }
