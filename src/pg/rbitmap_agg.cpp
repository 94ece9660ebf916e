// rbitmap aggregates: rb_build_agg, rb_or_agg, rb_and_agg, rb_xor_agg and
// their *_cardinality_agg forms. All share one `internal` state holding a
// core::Bitmap, with combine + serialize/deserialize so they run in parallel.
//
// The state is a C++ object made by make_in_context(): a reset callback on
// the aggregate memory context frees CRoaring's memory, also when the query
// fails half-way.
//
// Serialized state (sent between parallel workers): one format version byte
// (kStateVersion), then one portable Roaring bitmap, validated in full on
// the way in.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/bitmap.h"
#include "cdp/core/error.h"
#include "cdp/core/radix_sort.h"
#include "cdp/pg/rbitmap_datum.h"

namespace {

using cdp::core::Bitmap;
using namespace cdp::pg;

constexpr uint8_t kStateVersion = 1;
// rb_build_agg buffers ids and adds them sorted, in batches of this many:
// sorted add_many is several times faster than one add per row. A batch
// and its sort scratch (64 KB each) stay in the CPU caches.
constexpr size_t kBuildBatch = 16384;

// Sort scratch shared by every state of this backend (backends are single
// threaded; a state only needs it during flush()).
std::vector<uint32_t>& sort_scratch() {
  static std::vector<uint32_t> scratch;
  return scratch;
}

struct AggState {
  Bitmap bitmap;
  std::vector<uint32_t> pending;  // rb_build_agg: ids not yet in `bitmap`
  bool lazy = false;              // lazy ORs done, cardinalities stale

  AggState() = default;
  explicit AggState(Bitmap b) : bitmap(std::move(b)) {}

  void flush() {
    if (pending.empty()) return;
    cdp::core::radix_sort(pending, sort_scratch());
    bitmap.add_many(pending.data(), pending.size());
    pending.clear();
  }
  // Brings `bitmap` up to date; call before reading it.
  const Bitmap& settled() {
    flush();
    if (lazy) {
      bitmap.repair();
      lazy = false;
    }
    return bitmap;
  }
};

MemoryContext agg_context(FunctionCallInfo fcinfo, const char* fn) {
  MemoryContext cxt = nullptr;
  if (!AggCheckCallContext(fcinfo, &cxt))
    throw cdp::core::Error(cdp::core::sqlstate::kInternalError,
                           std::string(fn) + " called in non-aggregate context");
  return cxt;
}

AggState* arg_state(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<AggState*>(PG_GETARG_POINTER(n));
}

enum class Op { kOr, kAnd, kXor };

// Transition for the bitmap-input aggregates.
Datum bitmap_trans(FunctionCallInfo fcinfo, Op op, const char* fn) {
  MemoryContext cxt = agg_context(fcinfo, fn);
  AggState* st = arg_state(fcinfo, 0);
  if (PG_ARGISNULL(1)) {  // NULL inputs are skipped
    if (st == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(st);
  }
  Bitmap in = arg_bitmap(fcinfo, 1);
  if (st == nullptr) {
    st = make_in_context<AggState>(cxt, std::move(in));
    PG_RETURN_POINTER(st);
  }
  switch (op) {
    case Op::kOr:
      st->bitmap.lazy_or_inplace(in);
      st->lazy = true;
      break;
    case Op::kAnd:
      st->bitmap.and_inplace(in);
      break;
    case Op::kXor:
      st->bitmap.xor_inplace(in);
      break;
  }
  PG_RETURN_POINTER(st);
}

Datum combine(FunctionCallInfo fcinfo, Op op, const char* fn) {
  MemoryContext cxt = agg_context(fcinfo, fn);
  AggState* a = arg_state(fcinfo, 0);
  AggState* b = arg_state(fcinfo, 1);
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  const Bitmap& other = b->settled();
  if (a == nullptr) {
    // b lives in a shorter-lived context (it comes from deserialize): copy.
    a = make_in_context<AggState>(cxt, other.clone());
    PG_RETURN_POINTER(a);
  }
  a->flush();
  switch (op) {
    case Op::kOr:
      a->bitmap.lazy_or_inplace(other);
      a->lazy = true;
      break;
    case Op::kAnd:
      a->settled();
      a->bitmap.and_inplace(other);
      break;
    case Op::kXor:
      a->settled();
      a->bitmap.xor_inplace(other);
      break;
  }
  PG_RETURN_POINTER(a);
}

}  // namespace

// ---------------------------------------------------------------- transitions

CDP_FUNCTION(cdp_rb_build_trans) {
  // Runs once per input row: the aggregate context is only looked up when
  // the state is created.
  AggState* st = arg_state(fcinfo, 0);
  if (PG_ARGISNULL(1)) {
    if (st == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(st);
  }
  if (st == nullptr) st = make_in_context<AggState>(agg_context(fcinfo, "rb_build_agg"));
  st->pending.push_back(static_cast<uint32_t>(PG_GETARG_INT32(1)));
  if (st->pending.size() >= kBuildBatch) st->flush();
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_rb_or_trans) { return bitmap_trans(fcinfo, Op::kOr, "rb_or_agg"); }
CDP_FUNCTION(cdp_rb_and_trans) { return bitmap_trans(fcinfo, Op::kAnd, "rb_and_agg"); }
CDP_FUNCTION(cdp_rb_xor_trans) { return bitmap_trans(fcinfo, Op::kXor, "rb_xor_agg"); }

// ---------------------------------------------------------------- combine

CDP_FUNCTION(cdp_rb_or_combine) { return combine(fcinfo, Op::kOr, "rb_or_agg"); }
CDP_FUNCTION(cdp_rb_and_combine) { return combine(fcinfo, Op::kAnd, "rb_and_agg"); }
CDP_FUNCTION(cdp_rb_xor_combine) { return combine(fcinfo, Op::kXor, "rb_xor_agg"); }

// ---------------------------------------------------------------- serialize

CDP_FUNCTION(cdp_rb_agg_serialize) {
  agg_context(fcinfo, "rbitmap aggregate serialize");
  AggState* st = arg_state(fcinfo, 0);
  const Bitmap& b = st->settled();
  const size_t size = b.serialized_size();
  auto* v = static_cast<struct varlena*>(alloc(VARHDRSZ + 1 + size));
  VARDATA(v)[0] = static_cast<char>(kStateVersion);
  b.serialize_into(VARDATA(v) + 1);
  SET_VARSIZE(v, VARHDRSZ + 1 + size);
  PG_RETURN_BYTEA_P(v);
}

CDP_FUNCTION(cdp_rb_agg_deserialize) {
  agg_context(fcinfo, "rbitmap aggregate deserialize");
  const std::string_view bytes = arg_bytes(fcinfo, 0);
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kStateVersion)
    throw cdp::core::Error(
        cdp::core::sqlstate::kInvalidTextRepresentation,
        "invalid serialized rbitmap aggregate state",
        bytes.empty() ? std::string("empty state")
                      : "unknown format version " +
                            std::to_string(static_cast<uint8_t>(bytes[0])),
        "Parallel workers must run the same version of the cdp extension.");
  Bitmap b = Bitmap::deserialize_checked(bytes.data() + 1, bytes.size() - 1);
  PG_RETURN_POINTER(make_in_context<AggState>(CurrentMemoryContext, std::move(b)));
}

// ---------------------------------------------------------------- finals

CDP_FUNCTION(cdp_rb_agg_final) {
  AggState* st = arg_state(fcinfo, 0);
  if (st == nullptr) PG_RETURN_NULL();  // no (non-NULL) input rows
  st->settled();
  // Stored results are often dense id ranges: run containers shrink them.
  st->bitmap.run_optimize();
  return bitmap_datum(st->bitmap);
}

CDP_FUNCTION(cdp_rb_agg_cardinality_final) {
  AggState* st = arg_state(fcinfo, 0);
  if (st == nullptr) PG_RETURN_NULL();
  PG_RETURN_INT64(static_cast<int64>(st->settled().cardinality()));
}
