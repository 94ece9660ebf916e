// shapley_attribution(path text[], conversions bigint, non_conversions bigint)
// -> cdp_channel_credit[] (SQL API section 4). The closed form is in
// src/core/shapley.cpp.
//
// State: a core::ShapleyCounts (conversions per channel and channel-set
// size; it owns malloc'd memory, so it is made by make_in_context). Combine
// adds counts; serialize writes the core's portable bytes (version byte,
// kind byte, ...), deserialize validates them (22P02).
//
// NULL handling as markov_attribution: a row with a NULL path or count is
// skipped, a NULL path element -> 22004, no rows -> an empty array.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/core/error.h"
#include "cdp/core/shapley.h"
#include "cdp/pg/attribution.h"

namespace {

using namespace cdp::pg;
using cdp::core::ShapleyCounts;

constexpr const char* kFn = "shapley_attribution";

ShapleyCounts* state_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<ShapleyCounts*>(PG_GETARG_POINTER(n));
}

}  // namespace

// (state, path, conversions, non_conversions)
CDP_FUNCTION(cdp_shapley_trans) {
  ShapleyCounts* st = state_arg(fcinfo, 0);
  if (st == nullptr) st = make_in_context<ShapleyCounts>(attribution_agg_context(fcinfo, kFn));
  if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3)) PG_RETURN_POINTER(st);
  ShortArrayBuf buf;
  ArrayType* arr = array_arg(fcinfo, 1, buf);
  const int n = array_length_1d(arr, kFn, "path");
  std::vector<std::string_view>& views = channel_scratch();
  text_array_views(arr, n, views, kFn, "path");
  st->add_path(views.data(), static_cast<size_t>(n), PG_GETARG_INT64(2), PG_GETARG_INT64(3));
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_shapley_combine) {
  return combine_counts<ShapleyCounts>(fcinfo, kFn, [](MemoryContext cxt, const ShapleyCounts&) {
    return make_in_context<ShapleyCounts>(cxt);
  });
}

CDP_FUNCTION(cdp_shapley_serialize) { return serialize_counts<ShapleyCounts>(fcinfo, kFn); }
CDP_FUNCTION(cdp_shapley_deserialize) { return deserialize_counts<ShapleyCounts>(fcinfo, kFn); }

CDP_FUNCTION(cdp_shapley_final) {
  const ShapleyCounts* st = state_arg(fcinfo, 0);
  if (st == nullptr) return channel_credit_array(fcinfo, {}, kFn);
  return channel_credit_array(fcinfo, cdp::core::shapley_attribution(*st), kFn);
}
