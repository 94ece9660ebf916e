// The event-list state shared by window_funnel, window_funnel_times,
// sequence_match and sequence_count: argument checks, per-row reading of the
// conditions, combine, serialize / deserialize. See cdp/pg/event_state.h.
#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "cdp/core/bitmap.h"  // via rbitmap_datum.h; core headers come first
#include "cdp/core/error.h"
#include "cdp/core/funnel.h"
#include "cdp/core/session.h"  // interval_span_micros
#include "cdp/pg/event_state.h"
#include "cdp/pg/rbitmap_datum.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace cdp::pg {

using core::Error;
using core::FunnelEvent;
namespace sqlstate = core::sqlstate;

namespace {

constexpr uint8_t kEventStateVersion = 1;

std::string type_name(Oid t) {
  const char* s = call([t] { return format_type_be(t); });
  return s;
}

uint8_t mode_bits(const core::FunnelMode& m) {
  return static_cast<uint8_t>(m.strict_once | m.strict_increase << 1 |
                              m.strict_deduplication << 2 | m.strict_order << 3 |
                              m.allow_reentry << 4);
}

core::FunnelMode mode_from_bits(uint8_t b) {
  core::FunnelMode m;
  m.strict_once = b & 1;
  m.strict_increase = b & 2;
  m.strict_deduplication = b & 4;
  m.strict_order = b & 8;
  m.allow_reentry = b & 16;
  return m;
}

std::string_view text_arg(FunctionCallInfo fcinfo, int n) { return arg_bytes(fcinfo, n); }

void check_nconds(int n, const char* fn) {
  if (n < 1)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(fn) + " needs at least one condition");
  if (n > core::kMaxFunnelSteps)
    throw Error(sqlstate::kProgramLimitExceeded,
                std::string(fn) + ": too many conditions (" + std::to_string(n) + ")",
                {}, "At most " + std::to_string(core::kMaxFunnelSteps) +
                        " conditions are supported.");
}

[[noreturn]] void config_mismatch(const char* fn, const char* what) {
  throw Error(sqlstate::kInvalidParameterValue,
              std::string(fn) + ": the " + what + " must be the same for every row of a group",
              {}, "Pass a constant.");
}

// ------------------------------------------------------------ byte reader

struct Reader {
  const char* p;
  size_t left;
  [[noreturn]] static void bad(const std::string& why) {
    throw Error(sqlstate::kInvalidTextRepresentation,
                "invalid serialized event aggregate state", why,
                "Parallel workers must run the same version of the cdp extension.");
  }
  template <class T>
  T get() {
    if (left < sizeof(T)) bad("truncated");
    T v;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    left -= sizeof(T);
    return v;
  }
  const char* take(size_t n) {
    if (left < n) bad("truncated");
    const char* r = p;
    p += n;
    left -= n;
    return r;
  }
};

}  // namespace

// ------------------------------------------------------------ state

void EventRows::grow(size_t need) {
  size_t cap = cap_ * 2;
  while (cap < need) cap *= 2;
  if (cap > (size_t{1} << 31)) throw std::bad_alloc();  // sizes are uint32
  void* p = MemoryContextAllocExtended(cxt_, cap * sizeof(core::FunnelEvent),
                                       MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, data_, size_ * sizeof(core::FunnelEvent));
  if (data_ != inline_) pfree(data_);
  data_ = static_cast<core::FunnelEvent*>(p);
  cap_ = static_cast<uint32_t>(cap);
}

EventState::EventState(MemoryContext cxt, EventKind k, int n)
    : rows(cxt), nconds(n), kind(k) {
  if (n > core::kInlineFunnelSteps) wide = std::make_unique<core::FunnelEvents>(n);
}

void EventState::sort() {
  if (sorted) return;
  if (wide)
    core::sort_funnel_rows(*wide);
  else
    core::sort_funnel_rows(rows.data(), rows.size(), nconds);
  sorted = true;
}

void EventState::merge(EventState& o) {
  if (o.kind != kind || o.nconds != nconds)
    throw Error(sqlstate::kInvalidParameterValue,
                "event aggregate: the number of conditions must be the same for every row "
                "of a group");
  if (kind == EventKind::kFunnel) {
    if (o.window != window) config_mismatch("window_funnel", "window");
    if (!(o.mode == mode)) config_mismatch("window_funnel", "mode");
  } else if (o.program != program &&
             sequence_program_text(*o.program) != sequence_program_text(*program)) {
    config_mismatch("sequence_match", "pattern");
  }
  if (wide) {
    core::FunnelEvents& a = *wide;
    const core::FunnelEvents& b = *o.wide;
    a.rows.reserve(a.rows.size() + b.rows.size());
    const uint64_t shift = a.pool.size();
    a.pool.insert(a.pool.end(), b.pool.begin(), b.pool.end());
    if (a.pool.size() >= (uint64_t{1} << 53))
      throw Error(sqlstate::kProgramLimitExceeded, "event aggregate state too large");
    for (const FunnelEvent& e : b.rows) a.rows.push_back(FunnelEvent{e.ts, e.mask + (shift << 11)});
    sorted = false;
    return;
  }
  const size_t mid = rows.size();
  rows.append(o.rows.data(), o.rows.size());
  if (sorted && o.sorted) {
    std::inplace_merge(rows.begin(), rows.begin() + mid, rows.end(), core::funnel_row_less);
  } else {
    sorted = false;
  }
}

EventState* new_event_state(MemoryContext cxt, EventKind kind, int nconds) {
  // Wide states own malloc'd memory (core::FunnelEvents): their destructor
  // runs from a reset callback. A narrow state keeps everything in `cxt`
  // (ContextAllocator), so resetting the context frees it all and no
  // callback is needed: that saves a callback per user.
  if (nconds > core::kInlineFunnelSteps) return make_in_context<EventState>(cxt, cxt, kind, nconds);
  void* mem = call([cxt] { return MemoryContextAlloc(cxt, sizeof(EventState)); });
  return new (mem) EventState(cxt, kind, nconds);
}

namespace {
// Frees a narrow state made by new_event_state (no callback registered).
void release_event_state(EventState* st) {
  st->rows.release();  // returns the heap chunk to the context
  st->~EventState();
  pfree(st);
}
}  // namespace

MemoryContext event_agg_context(FunctionCallInfo fcinfo, const char* fn) {
  MemoryContext cxt = nullptr;
  if (!AggCheckCallContext(fcinfo, &cxt))
    throw Error(sqlstate::kInternalError, std::string(fn) + " called in non-aggregate context");
  return cxt;
}

EventState* event_arg_state(FunctionCallInfo fcinfo, int n) {
  return PG_ARGISNULL(n) ? nullptr : reinterpret_cast<EventState*>(PG_GETARG_POINTER(n));
}

// ------------------------------------------------------------ arguments

CallSite& call_site(FunctionCallInfo fcinfo) {
  FmgrInfo* fl = fcinfo->flinfo;
  if (fl->fn_extra == nullptr) fl->fn_extra = make_in_context<CallSite>(fl->fn_mcxt);
  return *static_cast<CallSite*>(fl->fn_extra);
}

const CondArgs& cond_args(FunctionCallInfo fcinfo, CallSite& cs, int first, const char* fn) {
  if (cs.cond_ready) return cs.cond;
  FmgrInfo* fl = fcinfo->flinfo;
  CondArgs c;
  c.first = first;
  const int nargs = PG_NARGS();
  if (nargs <= first) check_nconds(0, fn);
  if (get_fn_expr_variadic(fl)) {
    const Oid t = get_fn_expr_argtype(fl, first);
    if (t != BOOLARRAYOID)
      throw Error(sqlstate::kDatatypeMismatch,
                  std::string(fn) + ": the VARIADIC conditions must be boolean[], not " +
                      type_name(t));
    c.array = true;
  } else {
    for (int i = first; i < nargs; ++i) {
      const Oid t = get_fn_expr_argtype(fl, i);
      if (t == InvalidOid)
        throw Error(sqlstate::kInternalError,
                    std::string(fn) + ": cannot determine the argument types");
      if (t != BOOLOID)
        throw Error(sqlstate::kDatatypeMismatch,
                    std::string(fn) + ": condition " + std::to_string(i - first + 1) +
                        " must be boolean, not " + type_name(t),
                    {}, "Write each condition as a boolean expression, e.g. event = 'signup'.");
    }
    c.n = nargs - first;
    check_nconds(c.n, fn);
  }
  cs.cond = c;
  cs.cond_ready = true;
  return cs.cond;
}

std::vector<int>& condition_scratch() {
  static std::vector<int> v;  // backends are single threaded
  return v;
}

int read_conditions(FunctionCallInfo fcinfo, const CondArgs& ca, const char* fn,
                    uint64_t& mask, std::vector<int>& idx) {
  if (!ca.array) {
    const NullableDatum* a = fcinfo->args + ca.first;
    const int n = ca.n;
    if (n <= core::kInlineFunnelSteps) {
      uint64_t m = 0;
      for (int i = 0; i < n; ++i)
        m |= static_cast<uint64_t>(!a[i].isnull & DatumGetBool(a[i].value)) << i;
      mask = m;
    } else {
      idx.clear();
      for (int i = 0; i < n; ++i)
        if (!a[i].isnull && DatumGetBool(a[i].value)) idx.push_back(i);
    }
    return n;
  }
  // VARIADIC ARRAY[...]: one boolean[] argument.
  if (PG_ARGISNULL(ca.first))
    throw Error(sqlstate::kNullValueNotAllowed,
                std::string(fn) + ": the conditions array must not be NULL");
  const Datum d = PG_GETARG_DATUM(ca.first);
  ArrayType* arr = call([d] { return DatumGetArrayTypeP(d); });
  if (ARR_NDIM(arr) > 1)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(fn) + ": the conditions array must have one dimension");
  const int n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
  check_nconds(n, fn);
  const bits8* nulls = ARR_NULLBITMAP(arr);
  const bool* data = reinterpret_cast<const bool*>(ARR_DATA_PTR(arr));
  uint64_t m = 0;
  idx.clear();
  for (int i = 0, k = 0; i < n; ++i) {
    if (nulls && !(nulls[i / 8] & (1 << (i % 8)))) continue;  // NULL: false
    if (data[k++]) {
      if (n <= core::kInlineFunnelSteps)
        m |= uint64_t{1} << i;
      else
        idx.push_back(i);
    }
  }
  mask = m;
  return n;
}

void append_row(EventState* st, int64_t ts, uint64_t mask, const std::vector<int>& idx) {
  if (!st->is_wide()) {
    if (mask == 0 && !st->keep_unmatched) return;
    st->add(ts, mask);
  } else {
    if (idx.empty() && !st->keep_unmatched) return;
    st->add_wide(ts, idx.data(), idx.size());
  }
}

int64_t interval_us(const Interval& iv) {
  return core::interval_span_micros(iv.month, iv.day, iv.time);
}

Interval us_interval(uint64_t us) {
  // Any difference of two valid timestamps (< 2^64 us) fits: < 2.2e8 days.
  Interval iv{};
  iv.day = static_cast<int32>(us / USECS_PER_DAY);
  iv.time = static_cast<int64>(us % USECS_PER_DAY);
  return iv;
}

int64_t window_arg(FunctionCallInfo fcinfo, CallSite& cs, int n, const char* fn) {
  if (PG_ARGISNULL(n))
    throw Error(sqlstate::kNullValueNotAllowed, std::string(fn) + ": the window must not be NULL");
  const Interval* iv = PG_GETARG_INTERVAL_P(n);
  if (cs.window_ready && std::memcmp(iv, &cs.window_iv, sizeof(Interval)) == 0)
    return cs.window_us;
  const int64_t us = interval_us(*iv);
  if (us < 0)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(fn) + ": the window must not be negative");
  cs.window_iv = *iv;
  cs.window_us = us;
  cs.window_ready = true;
  return us;
}

const core::FunnelMode& mode_arg(FunctionCallInfo fcinfo, CallSite& cs, int n) {
  if (PG_ARGISNULL(n))
    throw Error(sqlstate::kNullValueNotAllowed, "window_funnel: the mode must not be NULL",
                {}, "Pass '' for the default mode.");
  const std::string_view t = text_arg(fcinfo, n);
  if (cs.mode_ready && t == cs.mode_text) return cs.mode;
  cs.mode_ready = false;
  cs.mode = core::parse_funnel_mode(t);
  cs.mode_text.assign(t.data(), t.size());
  cs.mode_ready = true;
  return cs.mode;
}

const SequenceProgram* program_for(CallSite& cs, std::string_view text, int nconds) {
  for (const auto& p : cs.programs)
    if (sequence_program_text(*p) == text && sequence_program_nconds(*p) == nconds)
      return cs.last_program = p.get();
  cs.programs.push_back(compile_sequence_program(text, nconds));
  return cs.last_program = cs.programs.back().get();
}

const SequenceProgram* program_arg(FunctionCallInfo fcinfo, CallSite& cs, int n, int nconds) {
  if (PG_ARGISNULL(n))
    throw Error(sqlstate::kNullValueNotAllowed, "sequence pattern must not be NULL");
  const std::string_view t = text_arg(fcinfo, n);
  const SequenceProgram* last = cs.last_program;
  if (last != nullptr && sequence_program_nconds(*last) == nconds &&
      sequence_program_text(*last) == t)
    return last;
  return program_for(cs, t, nconds);
}

// ------------------------------------------------------------ combine etc.

Datum event_combine(FunctionCallInfo fcinfo) {
  MemoryContext cxt = event_agg_context(fcinfo, "event aggregate combine");
  EventState* a = event_arg_state(fcinfo, 0);
  EventState* b = event_arg_state(fcinfo, 1);
  if (b == nullptr) {
    if (a == nullptr) PG_RETURN_NULL();
    PG_RETURN_POINTER(a);
  }
  // b comes from event_deserialize (made in this aggregate context: then it
  // is ours to keep or free) or, without serialization (e.g. partitionwise
  // aggregation), from another Agg node that may reset it: then copy.
  const bool ours = !b->is_wide() && b->rows.context() == cxt;
  if (a == nullptr) {
    if (ours) PG_RETURN_POINTER(b);
    a = new_event_state(cxt, b->kind, b->nconds);
    a->window = b->window;
    a->mode = b->mode;
    a->keep_unmatched = b->keep_unmatched;
    a->program = b->program;
  }
  a->merge(*b);
  if (ours) release_event_state(b);
  PG_RETURN_POINTER(a);
}

Datum event_serialize(FunctionCallInfo fcinfo) {
  event_agg_context(fcinfo, "event aggregate serialize");
  EventState* st = event_arg_state(fcinfo, 0);
  st->sort();  // sorted states merge in linear time
  const std::string* text =
      st->kind == EventKind::kSequence ? &sequence_program_text(*st->program) : nullptr;
  const FunnelEvent* rows = st->is_wide() ? st->wide->rows.data() : st->rows.data();
  const size_t nrows = st->size();
  const size_t npool = st->is_wide() ? st->wide->pool.size() : 0;
  const size_t size = 2 + 4 + (text ? 4 + text->size() : 8 + 1) + 8 +
                      (st->is_wide() ? 8 : 0) + nrows * sizeof(FunnelEvent) +
                      npool * sizeof(uint16_t);
  // One allocation, written in place (a parallel plan serializes a state
  // per user and worker).
  auto* v = static_cast<struct varlena*>(alloc(VARHDRSZ + size));
  SET_VARSIZE(v, VARHDRSZ + size);
  char* p = VARDATA(v);
  auto put = [&p](const void* src, size_t n) {
    std::memcpy(p, src, n);
    p += n;
  };
  const uint8_t head[2] = {kEventStateVersion, static_cast<uint8_t>(st->kind)};
  put(head, 2);
  const int32_t nconds = st->nconds;
  put(&nconds, 4);
  if (text) {
    const uint32_t len = static_cast<uint32_t>(text->size());
    put(&len, 4);
    put(text->data(), len);
  } else {
    put(&st->window, 8);
    const uint8_t bits = mode_bits(st->mode);
    put(&bits, 1);
  }
  const uint64_t n64 = nrows;
  put(&n64, 8);
  if (st->is_wide()) {
    const uint64_t p64 = npool;
    put(&p64, 8);
  }
  put(rows, nrows * sizeof(FunnelEvent));
  if (npool) put(st->wide->pool.data(), npool * sizeof(uint16_t));
  PG_RETURN_BYTEA_P(v);
}

Datum event_deserialize(FunctionCallInfo fcinfo) {
  const std::string_view bytes = arg_bytes(fcinfo, 0);
  Reader r{bytes.data(), bytes.size()};
  const uint8_t version = r.get<uint8_t>();
  if (version != kEventStateVersion)
    Reader::bad("unknown format version " + std::to_string(version));
  const uint8_t kind = r.get<uint8_t>();
  if (kind != static_cast<uint8_t>(EventKind::kFunnel) &&
      kind != static_cast<uint8_t>(EventKind::kSequence))
    Reader::bad("unknown state kind " + std::to_string(kind));
  const int32_t nconds = r.get<int32_t>();
  if (nconds < 1 || nconds > core::kMaxFunnelSteps)
    Reader::bad("number of conditions out of range");
  // Made in the aggregate context: the combine function then adopts the
  // first state of each group instead of copying it.
  MemoryContext cxt = event_agg_context(fcinfo, "event aggregate deserialize");
  EventState* st = new_event_state(cxt, static_cast<EventKind>(kind), nconds);
  if (st->kind == EventKind::kFunnel) {
    st->window = r.get<int64_t>();
    if (st->window < 0) Reader::bad("negative window");
    const uint8_t bits = r.get<uint8_t>();
    if (bits >= 32) Reader::bad("unknown mode flags");
    st->mode = mode_from_bits(bits);
    if (st->mode.allow_reentry && !st->mode.strict_order) Reader::bad("invalid mode flags");
    st->keep_unmatched = core::funnel_needs_unmatched_rows(st->mode);
  } else {
    const uint32_t len = r.get<uint32_t>();
    const char* text = r.take(len);
    st->program = program_for(call_site(fcinfo), std::string_view(text, len), nconds);
  }
  const uint64_t nrows = r.get<uint64_t>();
  if (!st->is_wide()) {
    if (nrows > r.left / sizeof(FunnelEvent)) Reader::bad("truncated rows");
    st->rows.resize_uninitialized(nrows);
    std::memcpy(st->rows.data(), r.take(nrows * sizeof(FunnelEvent)), nrows * sizeof(FunnelEvent));
    const uint64_t keep = nconds == 64 ? ~uint64_t{0} : (uint64_t{1} << nconds) - 1;
    for (size_t i = 0; i < nrows; ++i) {
      const FunnelEvent& e = st->rows[i];
      if (e.mask & ~keep) Reader::bad("condition bit beyond the conditions");
      if (e.mask == 0 && !st->keep_unmatched) Reader::bad("row matching no condition");
      if (i > 0 && core::funnel_row_less(e, st->rows[i - 1])) Reader::bad("rows out of order");
    }
  } else {
    const uint64_t npool = r.get<uint64_t>();
    if (nrows > r.left / sizeof(FunnelEvent)) Reader::bad("truncated rows");
    core::FunnelEvents& e = *st->wide;
    e.rows.resize(nrows);
    std::memcpy(e.rows.data(), r.take(nrows * sizeof(FunnelEvent)), nrows * sizeof(FunnelEvent));
    if (npool > r.left / sizeof(uint16_t)) Reader::bad("truncated condition lists");
    e.pool.resize(npool);
    std::memcpy(e.pool.data(), r.take(npool * sizeof(uint16_t)), npool * sizeof(uint16_t));
    for (const FunnelEvent& row : e.rows) {
      const uint64_t off = row.mask >> 11, cnt = row.mask & 2047u;
      if (off > npool || cnt > npool - off) Reader::bad("condition list out of bounds");
      if (cnt == 0 && !st->keep_unmatched) Reader::bad("row matching no condition");
      for (uint64_t j = 0; j < cnt; ++j) {
        const uint16_t c = e.pool[off + j];
        if (c >= nconds || (j > 0 && c <= e.pool[off + j - 1]))
          Reader::bad("invalid condition list");
      }
    }
    st->sorted = false;  // wide rows are re-sorted at the end (cheap check skipped)
  }
  if (r.left != 0) Reader::bad("trailing bytes");
  PG_RETURN_POINTER(st);
}

}  // namespace cdp::pg
