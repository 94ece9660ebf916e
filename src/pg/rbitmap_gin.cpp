// GIN operator class for rbitmap (SQL contract section 5; version 1.4).
//
// Keys are the int4 elements of a bitmap, compared with btint4cmp. The
// strategy semantics and the handling of empty queries follow PostgreSQL's
// own array support (src/backend/access/gin/ginarrayproc.c):
//
//   1  rbitmap && rbitmap   any key matches; exact (no recheck). An empty
//                           query matches nothing (GIN_SEARCH_MODE_DEFAULT
//                           with no keys is unsatisfiable).
//   2  rbitmap @> rbitmap   every key matches; exact. An empty query matches
//                           every row (GIN_SEARCH_MODE_ALL).
//   3  rbitmap <@ rbitmap   GIN can only find candidates: rows sharing at
//                           least one element with the query, plus rows with
//                           no element at all (GIN_SEARCH_MODE_INCLUDE_EMPTY);
//                           always rechecked against the heap value.
//   4  rbitmap =  rbitmap   every key matches, then recheck; an empty query
//                           looks at the empty rows only.
//   5  rbitmap @> int4      the one key matches; exact.
#include <cstdint>
#include <string>
#include <vector>

#include "cdp/core/bitmap.h"
#include "cdp/core/error.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "access/gin.h"
#include "access/stratnum.h"
}

namespace {

using cdp::core::Bitmap;
using namespace cdp::pg;

constexpr StrategyNumber kOverlap = 1;
constexpr StrategyNumber kContains = 2;
constexpr StrategyNumber kContained = 3;
constexpr StrategyNumber kEqual = 4;
constexpr StrategyNumber kContainsElem = 5;

[[noreturn]] void unknown_strategy(StrategyNumber s) {
  throw cdp::core::Error(cdp::core::sqlstate::kInternalError,
                         "rbitmap_gin_ops: unknown strategy number " + std::to_string(s));
}

// The elements of b as a palloc'd array of int4 Datums (nullptr when empty).
Datum* keys_of(const Bitmap& b, int32* n) {
  const uint64_t card = b.cardinality();
  if (card > static_cast<uint64_t>(INT32_MAX / sizeof(Datum)))
    throw cdp::core::Error(cdp::core::sqlstate::kProgramLimitExceeded,
                           "rbitmap has too many elements for a GIN index entry");
  *n = static_cast<int32>(card);
  if (card == 0) return nullptr;
  auto* keys = static_cast<Datum*>(alloc(sizeof(Datum) * card));
  size_t i = 0;
  b.for_each([&](uint32_t v) {
    keys[i++] = Int32GetDatum(static_cast<int32>(v));
    return true;
  });
  return keys;
}

}  // namespace

// extractValue(rbitmap, internal nentries, internal nullFlags) -> internal
CDP_FUNCTION(cdp_rb_gin_extract_value) {
  auto* nentries = reinterpret_cast<int32*>(PG_GETARG_POINTER(1));
  const Bitmap b = arg_bitmap(fcinfo, 0);
  PG_RETURN_POINTER(keys_of(b, nentries));
}

// extractQuery(query, internal nkeys, int2 strategy, internal, internal,
//              internal, internal searchMode) -> internal
CDP_FUNCTION(cdp_rb_gin_extract_query) {
  auto* nkeys = reinterpret_cast<int32*>(PG_GETARG_POINTER(1));
  const StrategyNumber strategy = PG_GETARG_UINT16(2);
  auto* search_mode = reinterpret_cast<int32*>(PG_GETARG_POINTER(6));

  if (strategy == kContainsElem) {
    auto* keys = static_cast<Datum*>(alloc(sizeof(Datum)));
    keys[0] = Int32GetDatum(PG_GETARG_INT32(0));
    *nkeys = 1;
    *search_mode = GIN_SEARCH_MODE_DEFAULT;
    PG_RETURN_POINTER(keys);
  }

  const Bitmap q = arg_bitmap(fcinfo, 0);
  Datum* keys = keys_of(q, nkeys);
  switch (strategy) {
    case kOverlap:
      *search_mode = GIN_SEARCH_MODE_DEFAULT;  // no keys: matches nothing
      break;
    case kContains:
      // everything contains the empty set
      *search_mode = *nkeys > 0 ? GIN_SEARCH_MODE_DEFAULT : GIN_SEARCH_MODE_ALL;
      break;
    case kContained:
      // the empty set is contained in everything
      *search_mode = GIN_SEARCH_MODE_INCLUDE_EMPTY;
      break;
    case kEqual:
      *search_mode = *nkeys > 0 ? GIN_SEARCH_MODE_DEFAULT : GIN_SEARCH_MODE_INCLUDE_EMPTY;
      break;
    default:
      unknown_strategy(strategy);
  }
  PG_RETURN_POINTER(keys);
}

// consistent(internal check, int2 strategy, query, int4 nkeys, internal,
//            internal recheck, internal, internal) -> bool
CDP_FUNCTION(cdp_rb_gin_consistent) {
  const bool* check = reinterpret_cast<bool*>(PG_GETARG_POINTER(0));
  const StrategyNumber strategy = PG_GETARG_UINT16(1);
  const int32 nkeys = PG_GETARG_INT32(3);
  bool* recheck = reinterpret_cast<bool*>(PG_GETARG_POINTER(5));
  switch (strategy) {
    case kOverlap:
      *recheck = false;
      for (int32 i = 0; i < nkeys; ++i)
        if (check[i]) PG_RETURN_BOOL(true);
      PG_RETURN_BOOL(false);
    case kContains:
    case kContainsElem:
    case kEqual:
      *recheck = strategy == kEqual;
      for (int32 i = 0; i < nkeys; ++i)
        if (!check[i]) PG_RETURN_BOOL(false);
      PG_RETURN_BOOL(true);
    case kContained:
      *recheck = true;
      PG_RETURN_BOOL(true);
    default:
      unknown_strategy(strategy);
  }
}

// triConsistent(internal check, int2 strategy, query, int4 nkeys, internal,
//               internal, internal) -> char
CDP_FUNCTION(cdp_rb_gin_triconsistent) {
  const GinTernaryValue* check = reinterpret_cast<GinTernaryValue*>(PG_GETARG_POINTER(0));
  const StrategyNumber strategy = PG_GETARG_UINT16(1);
  const int32 nkeys = PG_GETARG_INT32(3);
  GinTernaryValue res;
  switch (strategy) {
    case kOverlap:
      res = GIN_FALSE;
      for (int32 i = 0; i < nkeys; ++i) {
        if (check[i] == GIN_TRUE) { res = GIN_TRUE; break; }
        if (check[i] == GIN_MAYBE) res = GIN_MAYBE;
      }
      break;
    case kContains:
    case kContainsElem:
      res = GIN_TRUE;
      for (int32 i = 0; i < nkeys; ++i) {
        if (check[i] == GIN_FALSE) { res = GIN_FALSE; break; }
        if (check[i] == GIN_MAYBE) res = GIN_MAYBE;
      }
      break;
    case kEqual:
      res = GIN_MAYBE;  // a true answer always needs the recheck
      for (int32 i = 0; i < nkeys; ++i)
        if (check[i] == GIN_FALSE) { res = GIN_FALSE; break; }
      break;
    case kContained:
      res = GIN_MAYBE;
      break;
    default:
      unknown_strategy(strategy);
  }
  PG_RETURN_GIN_TERNARY_VALUE(res);
}
