// rbitmap functions and operators (section 5 of the SQL contract).
//
// Elements are int4 in SQL and uint32 in the core: the cast keeps the bits,
// so -1 is 4294967295 and sorts last. Range arguments are bigint in the
// unsigned domain [0, 2^32], clamped as pg_roaringbitmap does.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "cdp/core/bitmap.h"
#include "cdp/core/error.h"
#include "cdp/core/portable_format.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
}

namespace {

using cdp::core::Bitmap;
using namespace cdp::pg;

uint32_t arg_u32(FunctionCallInfo fcinfo, int n) {
  return static_cast<uint32_t>(PG_GETARG_INT32(n));
}

[[noreturn]] void invalid_parameter(const std::string& msg, const std::string& hint = {}) {
  throw cdp::core::Error(cdp::core::sqlstate::kInvalidParameterValue, msg, {}, hint);
}

// Two stored values with identical bytes are the same set: skip decoding.
bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

// ---------------------------------------------------------------- building

CDP_FUNCTION(cdp_rb_build) {
  Datum d = PG_GETARG_DATUM(0);
  ArrayType* a = call([d] { return DatumGetArrayTypeP(d); });
  if (ARR_ELEMTYPE(a) != INT4OID)
    throw cdp::core::Error(cdp::core::sqlstate::kDatatypeMismatch,
                           "rb_build expects an int4 array");
  if (ARR_HASNULL(a) && call([a] { return array_contains_nulls(a); }))
    throw cdp::core::Error(cdp::core::sqlstate::kNullValueNotAllowed,
                           "rb_build: array must not contain NULL elements", {},
                           "Filter them out first, e.g. array_remove(arr, NULL).");
  const int n = call([a] { return ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)); });
  const auto* values = reinterpret_cast<const uint32_t*>(ARR_DATA_PTR(a));
  std::vector<uint32_t> sorted(values, values + n);
  std::sort(sorted.begin(), sorted.end());
  return bitmap_datum(Bitmap::of(sorted));
}

CDP_FUNCTION(cdp_rb_to_array) {
  const Bitmap b = arg_bitmap(fcinfo, 0);
  const uint64_t n = b.cardinality();
  if (n == 0) PG_RETURN_ARRAYTYPE_P(call([] { return construct_empty_array(INT4OID); }));
  // MaxArraySize: the largest array the array functions accept.
  if (n > MaxArraySize)
    throw cdp::core::Error(cdp::core::sqlstate::kProgramLimitExceeded,
                           "rbitmap has too many elements for an array",
                           "It has " + std::to_string(n) + " elements.",
                           "Use rb_iterate() or page through it with rb_select().");
  const size_t nbytes = ARR_OVERHEAD_NONULLS(1) + n * sizeof(int32);
  auto* a = static_cast<ArrayType*>(call([nbytes] { return palloc0(nbytes); }));
  SET_VARSIZE(a, nbytes);
  a->ndim = 1;
  a->dataoffset = 0;
  a->elemtype = INT4OID;
  ARR_DIMS(a)[0] = static_cast<int>(n);
  ARR_LBOUND(a)[0] = 1;
  const std::vector<uint32_t> v = b.to_vector();
  std::memcpy(ARR_DATA_PTR(a), v.data(), n * sizeof(uint32_t));
  PG_RETURN_ARRAYTYPE_P(a);
}

namespace {
// State of rb_iterate between calls; lives in the SRF's multi-call context.
struct IterateState {
  Bitmap bitmap;
  uint64_t next = 0;  // smallest value not yet returned (2^32 = done)
  uint32_t buf[1024];
  size_t count = 0, pos = 0;
  explicit IterateState(Bitmap b) : bitmap(std::move(b)) {}
  std::optional<uint32_t> take() {
    if (pos == count) {
      if (next > UINT32_MAX) return std::nullopt;
      count = bitmap.read_from(static_cast<uint32_t>(next), buf, 1024);
      pos = 0;
      if (count == 0) {
        next = uint64_t{1} << 32;
        return std::nullopt;
      }
      next = uint64_t{buf[count - 1]} + 1;
    }
    return buf[pos++];
  }
};
}  // namespace

CDP_FUNCTION(cdp_rb_iterate) {
  if (SRF_IS_FIRSTCALL()) {
    FuncCallContext* f = call([fcinfo] { return SRF_FIRSTCALL_INIT(); });
    MemoryContext cxt = f->multi_call_memory_ctx;
    // The state (and its decoded bitmap) lives as long as the SRF.
    f->user_fctx = make_in_context<IterateState>(cxt, arg_bitmap(fcinfo, 0));
  }
  FuncCallContext* f = call([fcinfo] { return SRF_PERCALL_SETUP(); });
  auto* st = static_cast<IterateState*>(f->user_fctx);
  if (std::optional<uint32_t> v = st->take()) {
    f->call_cntr++;
    ReturnSetInfo* rsi = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    rsi->isDone = ExprMultipleResult;
    return Int32GetDatum(static_cast<int32_t>(*v));
  }
  call([fcinfo, f] { end_MultiFuncCall(fcinfo, f); });
  ReturnSetInfo* rsi = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  rsi->isDone = ExprEndResult;
  PG_RETURN_NULL();
}

// ---------------------------------------------------------------- queries

namespace {
// Cardinality of stored argument n from the descriptive header alone. A
// large value lives out of line in TOAST: fetch only the slice holding the
// header (8 + 4 bytes per 65536-id chunk) instead of the whole value.
uint64_t stored_cardinality(FunctionCallInfo fcinfo, int n) {
  auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(PG_GETARG_DATUM(n)));
  std::string_view head;
  if (VARATT_IS_EXTERNAL(raw) || VARATT_IS_COMPRESSED(raw)) {
    struct varlena* first = call([raw] { return pg_detoast_datum_slice(raw, 0, 8); });
    const size_t need = cdp::core::portable::cardinality_header_bytes(
        VARDATA_ANY(first), VARSIZE_ANY_EXHDR(first));
    if (need > 8) {
      const int32 len = static_cast<int32>(need);
      first = call([raw, len] { return pg_detoast_datum_slice(raw, 0, len); });
    }
    head = {VARDATA_ANY(first), VARSIZE_ANY_EXHDR(first)};
  } else {
    head = arg_bytes(fcinfo, n);
  }
  uint64_t card = 0;
  if (!cdp::core::portable::header_cardinality(head.data(), head.size(), &card))
    card = arg_bitmap(fcinfo, n).cardinality();  // never for values we wrote
  return card;
}
}  // namespace

CDP_FUNCTION(cdp_rb_cardinality) {
  PG_RETURN_INT64(static_cast<int64>(stored_cardinality(fcinfo, 0)));
}

CDP_FUNCTION(cdp_rb_is_empty) { PG_RETURN_BOOL(stored_cardinality(fcinfo, 0) == 0); }

CDP_FUNCTION(cdp_rb_contains_int) {
  PG_RETURN_BOOL(arg_bitmap(fcinfo, 0).contains(arg_u32(fcinfo, 1)));
}

CDP_FUNCTION(cdp_rb_int_containedby) {
  PG_RETURN_BOOL(arg_bitmap(fcinfo, 1).contains(arg_u32(fcinfo, 0)));
}

CDP_FUNCTION(cdp_rb_contains) {
  // a @> b: b is a subset of a
  PG_RETURN_BOOL(Bitmap::is_subset(arg_bitmap(fcinfo, 1), arg_bitmap(fcinfo, 0)));
}

CDP_FUNCTION(cdp_rb_containedby) {
  PG_RETURN_BOOL(Bitmap::is_subset(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}

CDP_FUNCTION(cdp_rb_intersect) {
  PG_RETURN_BOOL(Bitmap::intersects(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}

CDP_FUNCTION(cdp_rb_min) {
  const std::optional<uint32_t> v = arg_bitmap(fcinfo, 0).min();
  if (!v) PG_RETURN_NULL();
  PG_RETURN_INT32(static_cast<int32_t>(*v));
}

CDP_FUNCTION(cdp_rb_max) {
  const std::optional<uint32_t> v = arg_bitmap(fcinfo, 0).max();
  if (!v) PG_RETURN_NULL();
  PG_RETURN_INT32(static_cast<int32_t>(*v));
}

CDP_FUNCTION(cdp_rb_rank) {
  PG_RETURN_INT64(static_cast<int64>(arg_bitmap(fcinfo, 0).rank(arg_u32(fcinfo, 1))));
}

CDP_FUNCTION(cdp_rb_index) {
  PG_RETURN_INT64(arg_bitmap(fcinfo, 0).index_of(arg_u32(fcinfo, 1)));
}

CDP_FUNCTION(cdp_rb_jaccard_index) {
  PG_RETURN_FLOAT8(Bitmap::jaccard_index(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}

CDP_FUNCTION(cdp_rb_range_cardinality) {
  const Bitmap b = arg_bitmap(fcinfo, 0);
  const uint64_t s = cdp::core::clamp_range_bound(PG_GETARG_INT64(1));
  const uint64_t e = cdp::core::clamp_range_bound(PG_GETARG_INT64(2));
  PG_RETURN_INT64(static_cast<int64>(b.range_cardinality(s, e)));
}

// ---------------------------------------------------------------- set algebra

CDP_FUNCTION(cdp_rb_and) {
  return bitmap_datum(Bitmap::and_(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}
CDP_FUNCTION(cdp_rb_or) {
  return bitmap_datum(Bitmap::or_(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}
CDP_FUNCTION(cdp_rb_xor) {
  return bitmap_datum(Bitmap::xor_(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}
CDP_FUNCTION(cdp_rb_andnot) {
  return bitmap_datum(Bitmap::andnot_(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1)));
}
CDP_FUNCTION(cdp_rb_and_cardinality) {
  PG_RETURN_INT64(static_cast<int64>(
      Bitmap::and_cardinality(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1))));
}
CDP_FUNCTION(cdp_rb_or_cardinality) {
  PG_RETURN_INT64(static_cast<int64>(
      Bitmap::or_cardinality(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1))));
}
CDP_FUNCTION(cdp_rb_xor_cardinality) {
  PG_RETURN_INT64(static_cast<int64>(
      Bitmap::xor_cardinality(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1))));
}
CDP_FUNCTION(cdp_rb_andnot_cardinality) {
  PG_RETURN_INT64(static_cast<int64>(
      Bitmap::andnot_cardinality(arg_bitmap(fcinfo, 0), arg_bitmap(fcinfo, 1))));
}

// ---------------------------------------------------------------- elements and ranges

CDP_FUNCTION(cdp_rb_add) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.add(arg_u32(fcinfo, 1));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_add_commuted) {  // int | rbitmap
  Bitmap b = arg_bitmap(fcinfo, 1);
  b.add(arg_u32(fcinfo, 0));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_remove) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.remove(arg_u32(fcinfo, 1));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_fill) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.fill(PG_GETARG_INT64(1), PG_GETARG_INT64(2));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_clear) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.clear_range(PG_GETARG_INT64(1), PG_GETARG_INT64(2));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_flip) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.flip(PG_GETARG_INT64(1), PG_GETARG_INT64(2));
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rb_range) {
  return bitmap_datum(
      arg_bitmap(fcinfo, 0).restrict_to(PG_GETARG_INT64(1), PG_GETARG_INT64(2)));
}

CDP_FUNCTION(cdp_rb_select) {
  const int64 limit = PG_GETARG_INT64(1);
  const int64 offset = PG_GETARG_INT64(2);
  if (limit < 0) invalid_parameter("rb_select: limit must not be negative");
  if (offset < 0) invalid_parameter("rb_select: offset must not be negative");
  return bitmap_datum(arg_bitmap(fcinfo, 0).select_page(
      static_cast<uint64_t>(limit), static_cast<uint64_t>(offset),
      PG_GETARG_BOOL(3), PG_GETARG_INT64(4), PG_GETARG_INT64(5)));
}

CDP_FUNCTION(cdp_rb_runoptimize) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  b.run_optimize();
  b.shrink_to_fit();
  return bitmap_datum(b);
}

// ---------------------------------------------------------------- comparison (btree, hash)

namespace {
int compare_args(FunctionCallInfo fcinfo) {
  const std::string_view a = arg_bytes(fcinfo, 0), b = arg_bytes(fcinfo, 1);
  if (same_bytes(a, b)) return 0;
  return Bitmap::compare(Bitmap::deserialize_trusted(a.data(), a.size()),
                         Bitmap::deserialize_trusted(b.data(), b.size()));
}

bool equal_args(FunctionCallInfo fcinfo) {
  const std::string_view a = arg_bytes(fcinfo, 0), b = arg_bytes(fcinfo, 1);
  if (same_bytes(a, b)) return true;
  return Bitmap::equals(Bitmap::deserialize_trusted(a.data(), a.size()),
                        Bitmap::deserialize_trusted(b.data(), b.size()));
}
}  // namespace

CDP_FUNCTION(cdp_rb_eq) { PG_RETURN_BOOL(equal_args(fcinfo)); }
CDP_FUNCTION(cdp_rb_ne) { PG_RETURN_BOOL(!equal_args(fcinfo)); }
CDP_FUNCTION(cdp_rb_lt) { PG_RETURN_BOOL(compare_args(fcinfo) < 0); }
CDP_FUNCTION(cdp_rb_le) { PG_RETURN_BOOL(compare_args(fcinfo) <= 0); }
CDP_FUNCTION(cdp_rb_gt) { PG_RETURN_BOOL(compare_args(fcinfo) > 0); }
CDP_FUNCTION(cdp_rb_ge) { PG_RETURN_BOOL(compare_args(fcinfo) >= 0); }
CDP_FUNCTION(cdp_rb_cmp) { PG_RETURN_INT32(compare_args(fcinfo)); }

CDP_FUNCTION(cdp_rb_hash) {
  PG_RETURN_INT32(static_cast<int32>(arg_bitmap(fcinfo, 0).hash(0)));
}

CDP_FUNCTION(cdp_rb_hash_extended) {
  const uint64_t seed = static_cast<uint64_t>(PG_GETARG_INT64(1));
  PG_RETURN_INT64(static_cast<int64>(arg_bitmap(fcinfo, 0).hash(seed)));
}
