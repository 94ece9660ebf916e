// attribution_paths: the path builder of SQL API section 4.
//
//   attribution_paths(ts timestamptz, channel text, is_conversion boolean,
//                     value float8 [, lookback interval, max_touches int,
//                     collapse_repeats boolean]) -> cdp_path[]
//
// Grouped by user over the user's touches (is_conversion false: ts,
// channel) and conversions (is_conversion true: ts, value), it returns one
// cdp_path per conversion, in conversion order, built by core::build_paths
// (src/core/attribution.cpp): the touches with
//     conversion_ts - lookback < touch.ts <= conversion_ts
// that come after the user's previous conversion, consecutive repeats of a
// channel collapsed into the first when collapse_repeats, then the last
// max_touches of them (0 = all). Its fields feed attribution() (path,
// touch_ts, conversion_ts, value) and markov_attribution /
// shapley_attribution (path, conversions, non_conversions) directly.
//
// Non-converting journeys: when the user's latest touch is later than every
// conversion (or there is no conversion), one more cdp_path holds the
// touches after the last conversion, built by the same rules with the
// latest touch standing in for the conversion time (so the lookback counts
// back from the latest touch): conversion_ts and value NULL, conversions 0,
// non_conversions 1. It is built by giving build_paths one extra
// conversion at that instant, which sorts after every real one.
//
// NULLs: rows with a NULL ts are ignored, and touch rows with a NULL
// channel; a NULL is_conversion is false; a conversion with a NULL value
// gives a path with a NULL value (a NaN value -> 22023). A NULL lookback
// or max_touches means no limit; a NULL collapse_repeats -> 22004. The
// options must be the same for every row of a group (22023).
//
// State (`internal`): the rows, in vectors whose memory comes from the
// aggregate context (ContextAllocator), so the state needs no reset
// callback (one per user would cost). Serialized (native byte order, the
// states only travel between processes of one server):
//   u8 version, u8 collapse, i64 lookback (us), i32 max_touches,
//   u64 touches, u64 conversions, u64 text bytes,
//   touches x (i64 ts, u32 length), conversions x (i64 ts, f64 value),
//   the channel texts
// and checked field by field on the way in (22P02).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/core/funnel.h"  // via event_state.h
#include "cdp/pg/attribution.h"
#include "cdp/pg/context_allocator.h"
#include "cdp/pg/event_state.h"  // interval_us
#include "cdp/pg/rbitmap_datum.h"  // arg_bytes

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type_d.h"
#include "funcapi.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace sqlstate = cdp::core::sqlstate;

constexpr const char* kFn = "attribution_paths";
constexpr uint8_t kPathsStateVersion = 1;
constexpr double kNullValue = std::numeric_limits<double>::quiet_NaN();

template <class T>
using CVec = std::vector<T, ContextAllocator<T>>;

struct TouchRow {
  int64_t ts;
  uint32_t off;
  uint32_t len;
};
struct ConvRow {
  int64_t ts;
  double value;  // NaN = NULL
};

struct Options {
  int64_t lookback = INT64_MAX;  // us; INT64_MAX = no limit
  int32_t max_touches = 0;       // 0 = no limit
  bool collapse = false;
  bool operator==(const Options& o) const {
    return lookback == o.lookback && max_touches == o.max_touches && collapse == o.collapse;
  }
};

// Lives in the aggregate context; all its memory too (no destructor needed).
struct PathsState {
  explicit PathsState(MemoryContext c)
      : cxt(c),
        touches(ContextAllocator<TouchRow>(c)),
        convs(ContextAllocator<ConvRow>(c)),
        text(ContextAllocator<char>(c)) {}

  MemoryContext cxt;
  Options opt;
  CVec<TouchRow> touches;
  CVec<ConvRow> convs;
  CVec<char> text;

  void add_touch(int64_t ts, std::string_view ch) {
    if (text.size() + ch.size() > UINT32_MAX)
      throw Error(sqlstate::kProgramLimitExceeded,
                  std::string(kFn) + ": too much channel text for one group");
    touches.push_back(TouchRow{ts, static_cast<uint32_t>(text.size()),
                               static_cast<uint32_t>(ch.size())});
    text.insert(text.end(), ch.begin(), ch.end());
  }
  std::string_view channel(const TouchRow& r) const { return {text.data() + r.off, r.len}; }
};

PathsState* new_state(MemoryContext cxt, const Options& opt) {
  void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(PathsState)); });
  auto* st = new (mem) PathsState(cxt);
  st->opt = opt;
  return st;
}

// Frees a state made by new_state (its vectors give their chunks back).
void release_state(PathsState* st) {
  st->~PathsState();
  pfree(st);
}

PathsState* state_arg(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<PathsState*>(PG_GETARG_POINTER(n));
}

void check_options(const Options& o) {
  if (o.lookback <= 0)
    throw Error(sqlstate::kInvalidParameterValue, std::string(kFn) + ": lookback must be positive",
                {}, "Pass NULL for no limit.");
  if (o.max_touches < 0)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) + ": max_touches must not be negative", {},
                "Pass 0 or NULL for no limit.");
}

// Options of the 7-argument form: arguments 5, 6, 7.
Options options_arg(FunctionCallInfo fcinfo) {
  Options o;
  if (PG_NARGS() < 8) return o;
  if (!PG_ARGISNULL(5)) o.lookback = interval_us(*PG_GETARG_INTERVAL_P(5));
  if (!PG_ARGISNULL(6)) o.max_touches = PG_GETARG_INT32(6);
  if (PG_ARGISNULL(7))
    throw Error(sqlstate::kNullValueNotAllowed,
                std::string(kFn) + ": collapse_repeats must not be NULL");
  o.collapse = PG_GETARG_BOOL(7);
  return o;
}

[[noreturn]] void bad_state(const std::string& why) {
  throw Error(sqlstate::kInvalidTextRepresentation, "invalid serialized attribution_paths state",
              why, "Parallel workers must run the same version of the cdp extension.");
}

// Per final-function cache (fn_extra, in fn_mcxt): the cdp_path type.
struct PathType {
  Oid elem;
  TupleDesc td;
  int16 typlen;
  bool typbyval;
  char typalign;
};

const PathType& path_type(FunctionCallInfo fcinfo) {
  FmgrInfo* fl = fcinfo->flinfo;
  if (fl->fn_extra != nullptr) return *static_cast<PathType*>(fl->fn_extra);
  const Oid elem = result_element_type(fcinfo, kFn);
  fl->fn_extra = call([fl, elem] {
    MemoryContext old = MemoryContextSwitchTo(fl->fn_mcxt);
    auto* pt = static_cast<PathType*>(palloc(sizeof(PathType)));
    pt->elem = elem;
    pt->td = lookup_rowtype_tupdesc_copy(elem, -1);
    get_typlenbyvalalign(elem, &pt->typlen, &pt->typbyval, &pt->typalign);
    MemoryContextSwitchTo(old);
    if (pt->td->natts != 6)
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("cdp_path must have 6 attributes")));
    return static_cast<void*>(pt);
  });
  return *static_cast<PathType*>(fl->fn_extra);
}

}  // namespace

// (state, ts, channel, is_conversion, value [, lookback, max_touches, collapse_repeats])
CDP_FUNCTION(cdp_attribution_paths_trans) {
  const Options opt = options_arg(fcinfo);
  PathsState* st = state_arg(fcinfo, 0);
  if (st == nullptr) {
    check_options(opt);
    st = new_state(attribution_agg_context(fcinfo, kFn), opt);
  } else if (!(st->opt == opt)) {
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) +
                    ": lookback, max_touches and collapse_repeats must be the same for every "
                    "row of a group",
                {}, "Pass constants.");
  }
  if (PG_ARGISNULL(1)) PG_RETURN_POINTER(st);
  const int64_t ts = PG_GETARG_INT64(1);
  const bool is_conversion = !PG_ARGISNULL(3) && PG_GETARG_BOOL(3);
  if (is_conversion) {
    double v = kNullValue;
    if (!PG_ARGISNULL(4)) {
      v = PG_GETARG_FLOAT8(4);
      if (std::isnan(v))
        throw Error(sqlstate::kInvalidParameterValue,
                    std::string(kFn) + ": a conversion value must not be NaN");
    }
    st->convs.push_back(ConvRow{ts, v});
  } else if (!PG_ARGISNULL(2)) {
    st->add_touch(ts, arg_bytes(fcinfo, 2));
  }
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_attribution_paths_combine) {
  MemoryContext cxt = attribution_agg_context(fcinfo, kFn);
  PathsState* a = state_arg(fcinfo, 0);
  PathsState* b = state_arg(fcinfo, 1);
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  // b comes from deserialize (made in this aggregate context: ours to adopt
  // or free) or from another Agg node that may reset it (copy).
  const bool ours = b->cxt == cxt;
  if (a == nullptr) {
    if (ours) PG_RETURN_POINTER(b);
    a = new_state(cxt, b->opt);
  } else if (!(a->opt == b->opt)) {
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) +
                    ": lookback, max_touches and collapse_repeats must be the same for every "
                    "row of a group");
  }
  a->convs.insert(a->convs.end(), b->convs.begin(), b->convs.end());
  a->touches.reserve(a->touches.size() + b->touches.size());
  for (const TouchRow& r : b->touches) a->add_touch(r.ts, b->channel(r));
  if (ours) release_state(b);
  PG_RETURN_POINTER(a);
}

CDP_FUNCTION(cdp_attribution_paths_serialize) {
  attribution_agg_context(fcinfo, kFn);
  const PathsState* st = state_arg(fcinfo, 0);
  const size_t nt = st->touches.size(), nc = st->convs.size(), nb = st->text.size();
  const size_t size = 2 + 8 + 4 + 3 * 8 + nt * 12 + nc * 16 + nb;
  struct varlena* v = new_state_bytea(size, kFn);
  char* p = VARDATA(v);
  auto put = [&p](const void* src, size_t n) {
    if (n) std::memcpy(p, src, n);
    p += n;
  };
  const uint8_t head[2] = {kPathsStateVersion, static_cast<uint8_t>(st->opt.collapse)};
  put(head, 2);
  put(&st->opt.lookback, 8);
  put(&st->opt.max_touches, 4);
  const uint64_t counts[3] = {nt, nc, nb};
  put(counts, sizeof counts);
  for (const TouchRow& r : st->touches) {
    put(&r.ts, 8);
    put(&r.len, 4);
  }
  for (const ConvRow& c : st->convs) {
    put(&c.ts, 8);
    put(&c.value, 8);
  }
  put(st->text.data(), nb);
  PG_RETURN_BYTEA_P(v);
}

CDP_FUNCTION(cdp_attribution_paths_deserialize) {
  MemoryContext cxt = attribution_agg_context(fcinfo, kFn);
  const std::string_view bytes = arg_bytes(fcinfo, 0);
  const char* p = bytes.data();
  size_t left = bytes.size();
  auto take = [&](void* dst, size_t n) {
    if (left < n) bad_state("truncated");
    if (n) std::memcpy(dst, p, n);
    p += n;
    left -= n;
  };
  uint8_t head[2];
  take(head, 2);
  if (head[0] != kPathsStateVersion) bad_state("unknown format version " + std::to_string(head[0]));
  if (head[1] > 1) bad_state("invalid flags");
  Options opt;
  opt.collapse = head[1] != 0;
  take(&opt.lookback, 8);
  take(&opt.max_touches, 4);
  if (opt.lookback <= 0 || opt.max_touches < 0) bad_state("invalid options");
  uint64_t counts[3];
  take(counts, sizeof counts);
  const uint64_t nt = counts[0], nc = counts[1], nb = counts[2];
  if (nt > left / 12 || nc > (left - nt * 12) / 16 || nb != left - nt * 12 - nc * 16)
    bad_state("sizes do not match the data");
  if (nt >= UINT32_MAX) bad_state("too many touches");
  PathsState* st = new_state(cxt, opt);
  st->touches.resize(nt);
  uint64_t off = 0;
  for (TouchRow& r : st->touches) {
    take(&r.ts, 8);
    take(&r.len, 4);
    r.off = static_cast<uint32_t>(off);
    off += r.len;
    if (off > nb) bad_state("channel text out of bounds");
  }
  if (off != nb) bad_state("channel text size mismatch");
  st->convs.resize(nc);
  for (ConvRow& c : st->convs) {
    take(&c.ts, 8);
    take(&c.value, 8);
    if (std::isnan(c.value)) c.value = kNullValue;
  }
  st->text.resize(nb);
  take(st->text.data(), nb);
  PG_RETURN_POINTER(st);
}

CDP_FUNCTION(cdp_attribution_paths_final) {
  const PathType& pt = path_type(fcinfo);
  const PathsState* st = state_arg(fcinfo, 0);
  if (st == nullptr || (st->touches.empty() && st->convs.empty()))
    return PointerGetDatum(call([&pt] { return construct_empty_array(pt.elem); }));

  std::vector<cdp::core::PathTouch> touches(st->touches.size());
  int64_t last_touch = INT64_MIN;
  for (size_t i = 0; i < touches.size(); ++i) {
    touches[i] = {st->touches[i].ts, st->channel(st->touches[i])};
    last_touch = std::max(last_touch, touches[i].ts);
  }
  std::vector<cdp::core::PathConversion> convs(st->convs.size());
  int64_t last_conv = INT64_MIN;
  for (size_t i = 0; i < convs.size(); ++i) {
    convs[i] = {st->convs[i].ts, st->convs[i].value};
    last_conv = std::max(last_conv, convs[i].ts);
  }
  // The non-converting tail: a stand-in conversion at the latest touch,
  // strictly after every real conversion, so it sorts last and takes only
  // touches after the last real one.
  const size_t n_real = convs.size();
  if (!touches.empty() && (convs.empty() || last_touch > last_conv))
    convs.push_back({last_touch, kNullValue});

  cdp::core::PathBuilderOptions bo;
  bo.lookback = st->opt.lookback;
  bo.max_touches = st->opt.max_touches;
  bo.collapse_repeats = st->opt.collapse;
  const std::vector<cdp::core::BuiltPath> built =
      cdp::core::build_paths(touches.data(), touches.size(), convs.data(), convs.size(), bo);

  const int n = static_cast<int>(built.size());
  auto* elems = static_cast<Datum*>(alloc(sizeof(Datum) * static_cast<size_t>(n)));
  std::vector<std::string_view> names;
  std::vector<int64_t> times;
  for (int k = 0; k < n; ++k) {
    const cdp::core::BuiltPath& b = built[static_cast<size_t>(k)];
    names.clear();
    times.clear();
    for (uint32_t t : b.touches) {
      names.push_back(touches[t].channel);
      times.push_back(touches[t].ts);
    }
    Datum values[6];
    bool nulls[6] = {false, false, false, false, false, false};
    values[0] = PointerGetDatum(new_text_array(names.data(), names.size()));
    values[1] = PointerGetDatum(new_timestamptz_array(times.data(), times.size()));
    const bool converted = b.conversion < n_real;
    if (converted) {
      values[2] = Int64GetDatum(convs[b.conversion].ts);
      const double v = convs[b.conversion].value;
      nulls[3] = std::isnan(v);
      values[3] = Float8GetDatum(nulls[3] ? 0.0 : v);
    } else {
      nulls[2] = nulls[3] = true;
      values[2] = values[3] = Datum(0);
    }
    values[4] = Int64GetDatum(converted ? 1 : 0);
    values[5] = Int64GetDatum(converted ? 0 : 1);
    TupleDesc td = pt.td;
    Datum* vp = values;
    bool* np = nulls;
    elems[k] = call([td, vp, np] { return HeapTupleGetDatum(heap_form_tuple(td, vp, np)); });
  }
  return PointerGetDatum(call([&pt, elems, n] {
    return construct_array(elems, n, pt.elem, pt.typlen, pt.typbyval, pt.typalign);
  }));
}
