// attribution(model, channels, touch_ts, conversion_ts, value [, half_life |
// , first_weight, last_weight]) -> float8[] and its overloads without
// timestamps, plus the array helpers of cdp/pg/attribution.h shared by the
// attribution aggregates. The models are in src/core/attribution.cpp.
//
// Every SQL form is STRICT (a NULL argument gives NULL); an empty path gives
// NULL too. The timestamp and timestamptz forms share the C functions: both
// are int64 microseconds, compared as such.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/pg/event_state.h"  // interval_us
#include "cdp/pg/agg_util.h"     // new_fixed_array, agg_context
#include "cdp/pg/attribution.h"
#include "cdp/pg/rbitmap_datum.h"  // arg_bytes

extern "C" {
#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "catalog/pg_type_d.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

namespace cdp::pg {

using core::Error;
namespace sqlstate = core::sqlstate;

// ------------------------------------------------------------ arrays

ArrayType* array_arg(FunctionCallInfo fcinfo, int n, ShortArrayBuf& buf) {
  const Datum d = PG_GETARG_DATUM(n);
  auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(d));
  if (!VARATT_IS_EXTENDED(raw)) return reinterpret_cast<ArrayType*>(raw);
  if (VARATT_IS_SHORT(raw) && !VARATT_IS_EXTERNAL(raw)) {
    // What pg_detoast_datum would do, without the palloc: the array header
    // and its elements keep their offsets relative to the 4-byte header.
    const size_t len = VARSIZE_SHORT(raw) - VARHDRSZ_SHORT;
    static_assert(sizeof(buf.bytes) >= VARHDRSZ + 127, "short varlena buffer");
    SET_VARSIZE(buf.bytes, VARHDRSZ + len);
    std::memcpy(buf.bytes + VARHDRSZ, VARDATA_SHORT(raw), len);
    return reinterpret_cast<ArrayType*>(buf.bytes);
  }
  return reinterpret_cast<ArrayType*>(call([d] { return pg_detoast_datum(
      reinterpret_cast<struct varlena*>(DatumGetPointer(d))); }));
}

int array_length_1d(ArrayType* a, const char* fn, const char* what) {
  const int nd = ARR_NDIM(a);
  if (nd == 0) return 0;
  if (nd != 1)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(fn) + ": " + what + " must be a one-dimensional array",
                std::to_string(nd) + " dimensions.");
  return ARR_DIMS(a)[0];
}

namespace {

[[noreturn]] void null_element(const char* fn, const char* what, int i) {
  throw Error(sqlstate::kNullValueNotAllowed,
              std::string(fn) + ": " + what + " must not contain NULL",
              "Element " + std::to_string(i + 1) + " is NULL.");
}

}  // namespace

void text_array_views(ArrayType* a, int n, std::vector<std::string_view>& out, const char* fn,
                      const char* what) {
  out.resize(static_cast<size_t>(n));
  const bits8* nulls = ARR_NULLBITMAP(a);
  const char* p = ARR_DATA_PTR(a);
  // As array_iter_next: each element starts at its nominal (int) alignment.
  for (int i = 0; i < n; ++i) {
    if (nulls && !(nulls[i >> 3] & (1 << (i & 7)))) null_element(fn, what, i);
    if (VARATT_IS_EXTERNAL(p) || VARATT_IS_COMPRESSED(p))
      throw Error(sqlstate::kInternalError,
                  std::string(fn) + ": unexpected toasted array element");
    out[static_cast<size_t>(i)] = std::string_view(VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p));
    p = att_addlength_pointer(p, -1, p);
    p = reinterpret_cast<const char*>(att_align_nominal(p, TYPALIGN_INT));
  }
}

const int64_t* int64_array_elements(ArrayType* a, int n, const char* fn, const char* what) {
  if (ARR_HASNULL(a)) {
    const bits8* nulls = ARR_NULLBITMAP(a);
    for (int i = 0; i < n; ++i)
      if (!(nulls[i >> 3] & (1 << (i & 7)))) null_element(fn, what, i);
  }
  return reinterpret_cast<const int64_t*>(ARR_DATA_PTR(a));
}

ArrayType* new_float8_array(int n, double** data) {
  ArrayType* a = new_fixed_array(n, FLOAT8OID, sizeof(double));
  *data = reinterpret_cast<double*>(ARR_DATA_PTR(a));
  return a;
}

ArrayType* new_timestamptz_array(const int64_t* elems, size_t n) {
  if (n == 0) return call([] { return construct_empty_array(TIMESTAMPTZOID); });
  ArrayType* a = new_fixed_array(static_cast<int>(n), TIMESTAMPTZOID, sizeof(int64_t));
  std::memcpy(ARR_DATA_PTR(a), elems, n * sizeof(int64_t));
  return a;
}

ArrayType* new_text_array(const std::string_view* elems, size_t n) {
  if (n == 0) return call([] { return construct_empty_array(TEXTOID); });
  size_t size = ARR_OVERHEAD_NONULLS(1);
  for (size_t i = 0; i < n; ++i) size += INTALIGN(VARHDRSZ + elems[i].size());
  if (size > MaxAllocSize || n > static_cast<size_t>(MaxArraySize))
    throw Error(sqlstate::kProgramLimitExceeded, "array size exceeds the maximum allowed");
  auto* a = static_cast<ArrayType*>(call([size] { return palloc0(size); }));
  SET_VARSIZE(a, size);
  a->ndim = 1;
  a->dataoffset = 0;
  a->elemtype = TEXTOID;
  ARR_DIMS(a)[0] = static_cast<int>(n);
  ARR_LBOUND(a)[0] = 1;
  char* p = ARR_DATA_PTR(a);
  for (size_t i = 0; i < n; ++i) {
    SET_VARSIZE(p, VARHDRSZ + elems[i].size());
    if (!elems[i].empty()) std::memcpy(VARDATA(p), elems[i].data(), elems[i].size());
    p += INTALIGN(VARHDRSZ + elems[i].size());
  }
  return a;
}

Oid result_element_type(FunctionCallInfo fcinfo, const char* fn) {
  const Oid rettype = call([fcinfo] { return get_fn_expr_rettype(fcinfo->flinfo); });
  const Oid elem = rettype == InvalidOid ? InvalidOid
                                         : call([rettype] { return get_element_type(rettype); });
  if (elem == InvalidOid)
    throw Error(sqlstate::kInternalError,
                std::string(fn) + ": cannot determine the result type");
  return elem;
}

Datum channel_credit_array(FunctionCallInfo fcinfo,
                           const std::vector<core::ChannelCredit>& credits, const char* fn) {
  const Oid elem = result_element_type(fcinfo, fn);
  const core::ChannelCredit* c = credits.data();
  const int n = static_cast<int>(credits.size());
  // Plain data only below: the lambda may be left by a longjmp.
  return PointerGetDatum(call([elem, c, n] {
    if (n == 0) return construct_empty_array(elem);
    TupleDesc td = lookup_rowtype_tupdesc(elem, -1);
    if (td->natts != 3)
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("cdp_channel_credit must have 3 attributes")));
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    for (int i = 0; i < n; ++i) {
      Datum values[3];
      bool nulls[3] = {false, false, false};
      values[0] = PointerGetDatum(
          cstring_to_text_with_len(c[i].channel.data(), static_cast<int>(c[i].channel.size())));
      values[1] = Float8GetDatum(c[i].removal_effect);
      values[2] = Float8GetDatum(c[i].credit);
      elems[i] = HeapTupleGetDatum(heap_form_tuple(td, values, nulls));
    }
    ReleaseTupleDesc(td);
    int16 typlen;
    bool typbyval;
    char typalign;
    get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
    return construct_array(elems, n, elem, typlen, typbyval, typalign);
  }));
}

MemoryContext attribution_agg_context(FunctionCallInfo fcinfo, const char* fn) {
  return agg_context(fcinfo, fn);
}

std::vector<std::string_view>& channel_scratch() {
  static std::vector<std::string_view> v;
  return v;
}

struct varlena* new_state_bytea(size_t size, const char* fn) {
  if (size > MaxAllocSize - VARHDRSZ)
    throw Error(sqlstate::kProgramLimitExceeded, std::string(fn) + ": state too large");
  auto* v = static_cast<struct varlena*>(alloc(VARHDRSZ + size));
  SET_VARSIZE(v, VARHDRSZ + size);
  return v;
}

std::string_view serialized_state_arg(FunctionCallInfo fcinfo, const char* fn) {
  attribution_agg_context(fcinfo, fn);
  return arg_bytes(fcinfo, 0);
}

}  // namespace cdp::pg

// ------------------------------------------------------------ attribution()

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace sqlstate = cdp::core::sqlstate;

constexpr const char* kFn = "attribution";

// Where the optional arguments are (-1: absent).
struct Layout {
  int touch_ts;   // timestamp[] / timestamptz[]; conversion_ts follows
  int value;
  int half_life;  // interval
  int weights;    // first_weight float8, last_weight float8
};

Datum attribution_impl(FunctionCallInfo fcinfo, const Layout& l) {
  const cdp::core::AttributionModel model =
      cdp::core::parse_attribution_model(arg_bytes(fcinfo, 0));
  cdp::core::AttributionParams params;
  if (l.half_life >= 0) params.half_life = interval_us(*PG_GETARG_INTERVAL_P(l.half_life));
  if (l.weights >= 0) {
    params.first_weight = PG_GETARG_FLOAT8(l.weights);
    params.last_weight = PG_GETARG_FLOAT8(l.weights + 1);
  }
  const double value = PG_GETARG_FLOAT8(l.value);

  ShortArrayBuf cbuf, tbuf;
  ArrayType* ch = array_arg(fcinfo, 1, cbuf);
  const int n = array_length_1d(ch, kFn, "channels");
  std::vector<std::string_view>& views = channel_scratch();
  text_array_views(ch, n, views, kFn, "channels");

  const int64_t* ts = nullptr;
  size_t n_ts = 0;
  int64_t conversion_ts = 0;
  if (l.touch_ts >= 0) {
    ArrayType* ta = array_arg(fcinfo, l.touch_ts, tbuf);
    const int nt = array_length_1d(ta, kFn, "touch_ts");
    ts = int64_array_elements(ta, nt, kFn, "touch_ts");
    n_ts = static_cast<size_t>(nt);
    conversion_ts = PG_GETARG_INT64(l.touch_ts + 1);
  }

  double* out = nullptr;
  // Checks first (they also cover the empty path), then the result array.
  if (n == 0) {
    double dummy = 0;
    cdp::core::attribution_into(model, views.data(), 0, ts, n_ts, conversion_ts, value, params,
                                &dummy);
    PG_RETURN_NULL();
  }
  ArrayType* result = new_float8_array(n, &out);
  cdp::core::attribution_into(model, views.data(), static_cast<size_t>(n), ts, n_ts,
                              conversion_ts, value, params, out);
  PG_RETURN_ARRAYTYPE_P(result);
}

}  // namespace

// (model, channels, touch_ts, conversion_ts, value)
CDP_FUNCTION(cdp_attribution) { return attribution_impl(fcinfo, {2, 4, -1, -1}); }
// (model, channels, touch_ts, conversion_ts, value, half_life)
CDP_FUNCTION(cdp_attribution_half_life) { return attribution_impl(fcinfo, {2, 4, 5, -1}); }
// (model, channels, touch_ts, conversion_ts, value, first_weight, last_weight)
CDP_FUNCTION(cdp_attribution_weights) { return attribution_impl(fcinfo, {2, 4, -1, 5}); }
// (model, channels, value)
CDP_FUNCTION(cdp_attribution_no_ts) { return attribution_impl(fcinfo, {-1, 2, -1, -1}); }
// (model, channels, value, first_weight, last_weight)
CDP_FUNCTION(cdp_attribution_no_ts_weights) {
  return attribution_impl(fcinfo, {-1, 2, -1, 3});
}
