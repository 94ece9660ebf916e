// path_after(ts, event text, start boolean, max_len int) -> text[]
//
// The events of a group in time order, starting at the first row where
// `start` is true, at most max_len of them; empty when no row starts.
// Order of rows with equal timestamps (deterministic, whatever the input
// order): start rows first, then by event text (byte order), NULL events
// last. Rows with a NULL timestamp are ignored; a NULL `start` is false;
// NULL events stay in the path as NULL elements.
//
// State (`internal`): every row (ts, flags, event text in one buffer). Rows
// cannot be dropped early: a row before the first start seen so far may
// follow an earlier start that another row (or parallel worker) brings.
// Serialized: u8 version, i32 max_len, u64 nrows, u64 text bytes, then per
// row (i64 ts, u32 length, u8 flags) and the texts; checked on the way in.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/pg/rbitmap_datum.h"
#include "cdp/pg/context_allocator.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
}

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace sqlstate = cdp::core::sqlstate;

constexpr uint8_t kPathStateVersion = 1;
constexpr uint8_t kStart = 1, kNullEvent = 2;

struct PathRow {
  int64_t ts;
  uint32_t off;
  uint32_t len;
  uint8_t flags;
};

// Buffers come from the aggregate's memory context (ContextAllocator), so
// PostgreSQL counts them: a hash aggregate over many users spills to disk
// instead of growing past work_mem.
using PathRows = std::vector<PathRow, ContextAllocator<PathRow>>;
using PathText = std::basic_string<char, std::char_traits<char>, ContextAllocator<char>>;

struct PathState {
  explicit PathState(MemoryContext cxt)
      : rows(ContextAllocator<PathRow>(cxt)), text(ContextAllocator<char>(cxt)) {}
  int32_t max_len = 0;
  bool has_start = false;
  int64_t first_start = INT64_MAX;  // earliest start timestamp seen (if has_start)
  PathRows rows;
  PathText text;

  void add(int64_t ts, std::string_view ev, uint8_t flags) {
    if (text.size() + ev.size() > UINT32_MAX)
      throw Error(sqlstate::kProgramLimitExceeded, "path_after: too much event text in a group");
    rows.push_back(PathRow{ts, static_cast<uint32_t>(text.size()),
                           static_cast<uint32_t>(ev.size()), flags});
    text.append(ev.data(), ev.size());
    if ((flags & kStart) && (!has_start || ts < first_start)) {
      first_start = ts;
      has_start = true;
    }
  }
  std::string_view event(const PathRow& r) const { return {text.data() + r.off, r.len}; }
  // False for rows before the earliest start: they can never be in the path.
  // Only the final function may use it: a partial state (parallel worker)
  // cannot know whether another one holds an earlier start.
  bool keep(const PathRow& r) const { return !has_start || r.ts >= first_start; }
};

bool row_less(const PathState& s, const PathRow& a, const PathRow& b) {
  if (a.ts != b.ts) return a.ts < b.ts;
  if ((a.flags & kStart) != (b.flags & kStart)) return (a.flags & kStart) != 0;
  if ((a.flags & kNullEvent) != (b.flags & kNullEvent)) return (b.flags & kNullEvent) != 0;
  return s.event(a) < s.event(b);
}

PathState* state_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<PathState*>(PG_GETARG_POINTER(n));
}

MemoryContext path_context(FunctionCallInfo fcinfo) {
  MemoryContext cxt = nullptr;
  if (!AggCheckCallContext(fcinfo, &cxt))
    throw Error(sqlstate::kInternalError, "path_after called in non-aggregate context");
  return cxt;
}

int32_t max_len_arg(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(4))
    throw Error(sqlstate::kNullValueNotAllowed, "path_after: max_len must not be NULL");
  const int32_t m = PG_GETARG_INT32(4);
  if (m < 0)
    throw Error(sqlstate::kInvalidParameterValue, "path_after: max_len must not be negative");
  return m;
}

[[noreturn]] void bad_state(const char* why) {
  throw Error(sqlstate::kInvalidTextRepresentation, "invalid serialized path_after state", why,
              "Parallel workers must run the same version of the cdp extension.");
}

}  // namespace

// (state, ts, event, start, max_len) -> state
CDP_FUNCTION(cdp_path_after_trans) {
  const int32_t max_len = max_len_arg(fcinfo);
  PathState* st = state_arg(fcinfo, 0);
  if (st == nullptr) {
    MemoryContext cxt = path_context(fcinfo);
    st = make_in_context<PathState>(cxt, cxt);
    st->max_len = max_len;
  } else if (st->max_len != max_len) {
    throw Error(sqlstate::kInvalidParameterValue,
                "path_after: max_len must be the same for every row of a group", {},
                "Pass a constant.");
  }
  if (PG_ARGISNULL(1) || max_len == 0) PG_RETURN_POINTER(st);
  const int64_t ts = PG_GETARG_INT64(1);
  const bool start = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
  if (PG_ARGISNULL(2)) {
    st->add(ts, {}, static_cast<uint8_t>((start ? kStart : 0) | kNullEvent));
  } else {
    st->add(ts, arg_bytes(fcinfo, 2), start ? kStart : 0);
  }
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_path_after_combine) {
  MemoryContext cxt = path_context(fcinfo);
  PathState* a = state_arg(fcinfo, 0);
  PathState* b = state_arg(fcinfo, 1);
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  if (a == nullptr) {
    a = make_in_context<PathState>(cxt, cxt);
    a->max_len = b->max_len;
  } else if (a->max_len != b->max_len) {
    throw Error(sqlstate::kInvalidParameterValue,
                "path_after: max_len must be the same for every row of a group");
  }
  for (const PathRow& r : b->rows) a->add(r.ts, b->event(r), r.flags);
  PG_RETURN_POINTER(a);
}

CDP_FUNCTION(cdp_path_after_serialize) {
  path_context(fcinfo);
  const PathState* st = state_arg(fcinfo, 0);
  std::string out;
  auto put = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  out.push_back(static_cast<char>(kPathStateVersion));
  put(&st->max_len, 4);
  uint64_t nrows = st->rows.size(), nbytes = st->text.size();
  put(&nrows, 8);
  put(&nbytes, 8);
  for (const PathRow& r : st->rows) {
    put(&r.ts, 8);
    put(&r.len, 4);
    put(&r.flags, 1);
  }
  for (const PathRow& r : st->rows) put(st->text.data() + r.off, r.len);
  return varlena_datum(out);
}

CDP_FUNCTION(cdp_path_after_deserialize) {
  path_context(fcinfo);
  const std::string_view b = arg_bytes(fcinfo, 0);
  const char* p = b.data();
  size_t left = b.size();
  auto take = [&](void* dst, size_t n) {
    if (left < n) bad_state("truncated");
    std::memcpy(dst, p, n);
    p += n;
    left -= n;
  };
  uint8_t version = 0;
  take(&version, 1);
  if (version != kPathStateVersion) bad_state("unknown format version");
  PathState* st = make_in_context<PathState>(CurrentMemoryContext, CurrentMemoryContext);
  take(&st->max_len, 4);
  if (st->max_len < 0) bad_state("negative max_len");
  uint64_t nrows = 0, nbytes = 0;
  take(&nrows, 8);
  take(&nbytes, 8);
  if (nrows > left / 13 || nbytes > left) bad_state("truncated");
  std::vector<PathRow> rows(nrows);
  uint64_t total = 0;
  for (PathRow& r : rows) {
    take(&r.ts, 8);
    take(&r.len, 4);
    take(&r.flags, 1);
    if (r.flags > (kStart | kNullEvent) || ((r.flags & kNullEvent) && r.len != 0))
      bad_state("invalid row flags");
    total += r.len;
  }
  if (total != nbytes || left != nbytes) bad_state("text size mismatch");
  for (PathRow& r : rows) {
    st->add(r.ts, std::string_view(p, r.len), r.flags);
    p += r.len;
  }
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_path_after_final) {
  PathState* st = state_arg(fcinfo, 0);
  std::vector<const PathRow*> path;
  if (st != nullptr && st->has_start) {
    std::vector<PathRow> rows;
    rows.reserve(st->rows.size());
    for (const PathRow& r : st->rows)
      if (st->keep(r)) rows.push_back(r);
    std::sort(rows.begin(), rows.end(),
              [st](const PathRow& a, const PathRow& b) { return row_less(*st, a, b); });
    // The first row is the earliest start (start rows sort first among ties).
    const size_t n = std::min<size_t>(rows.size(), static_cast<size_t>(st->max_len));
    if (n > 0) {
      auto* ds = static_cast<Datum*>(alloc(sizeof(Datum) * n));
      auto* nulls = static_cast<bool*>(alloc(n));
      for (size_t i = 0; i < n; ++i) {
        nulls[i] = (rows[i].flags & kNullEvent) != 0;
        ds[i] = nulls[i] ? Datum(0) : varlena_datum(st->event(rows[i]));
      }
      int dims[1] = {static_cast<int>(n)};
      int lbs[1] = {1};
      return PointerGetDatum(call([&] {
        return construct_md_array(ds, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
      }));
    }
  }
  return PointerGetDatum(call([] { return construct_empty_array(TEXTOID); }));
}
