// Sessions: the pure C++ core of session_number, session_start and
// session_summary (section 3 of the SQL API spec). No PostgreSQL.
//
// Timestamps are int64 microseconds, PostgreSQL's representation of timestamp
// and timestamptz. The glue passes the values unchanged (no time zone
// conversion): a gap is elapsed time, so for timestamptz a 30-minute gap is 30
// real minutes across a DST change, exactly like `ts - lag(ts) > gap` in SQL.
// INT64_MIN / INT64_MAX (-infinity / infinity) are ordinary, extreme values
// here. All differences are taken in unsigned 64-bit arithmetic: for ts >=
// prev, ts - prev always fits (it can exceed INT64_MAX), so no gap or
// timestamp overflows.
//
// The rule (one definition, shared by SessionCursor and SessionSummaryState):
// rows are taken in ascending ts order. The first row starts session 1. A
// later row at ts, after a row at prev, in the session that started at start,
// starts a new session when
//     ts - prev  > gap                  (a gap of exactly `gap` stays), or
//     ts - start > max_duration         (when a max_duration is given).
// So a session lasts at most max_duration (last - first <= max_duration), and
// a session split by max_duration restarts its clock at the splitting row.
// Rows with equal timestamps always share a session: for ts == prev the gap is
// 0 < gap, and ts - start == prev - start <= max_duration because prev is in
// the session. This needs no special case and holds for ties at a
// max_duration split too (all tied rows join the new session).
//
// Intervals: `gap` and `max_duration` are intervals in SQL. The glue converts
// them with interval_span_micros (1 month = 30 days, 1 day = 24 hours), the
// same rule PostgreSQL uses to compare intervals, so `ts - prev > gap` means
// what it means in SQL. gap <= 0 or max_duration < gap -> 22023.
//
// Rows that go back in time (window without ORDER BY ts) -> 22023, message
// "rows are not in ascending timestamp order", HINT "Add ORDER BY ts to the
// window: OVER (PARTITION BY user_id ORDER BY ts)." (kSessionOrderSqlstate).
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace cdp::core {

// SQLSTATE of "rows go back in time". 22023 (invalid_parameter_value): the
// call is wrong (the window does not order by ts), like other bad arguments.
inline constexpr const char* kSessionOrderSqlstate = "22023";

// interval -> microseconds with PostgreSQL's interval comparison rule
// (months * 30 days + days * 24 h + micros), saturated to the int64 range.
// Negative parts are allowed ('-1 day 25 hours' is 1 hour).
int64_t interval_span_micros(int32_t months, int32_t days, int64_t micros);

// Validated session parameters. Plain data: copy it into the aggregate state.
struct SessionParams {
  uint64_t gap = 0;          // > 0
  uint64_t max_duration = 0; // >= gap, or kNoMax
  static constexpr uint64_t kNoMax = UINT64_MAX;

  // gap <= 0 -> 22023.
  static SessionParams make(int64_t gap);
  // gap <= 0 -> 22023; max_duration < gap -> 22023.
  static SessionParams make(int64_t gap, int64_t max_duration);

  bool has_max_duration() const { return max_duration != kNoMax; }
  bool operator==(const SessionParams& o) const {
    return gap == o.gap && max_duration == o.max_duration;
  }
  bool operator!=(const SessionParams& o) const { return !(*this == o); }

  // The rule above, for ts >= prev >= start.
  bool starts_new_session(int64_t start, int64_t prev, int64_t ts) const {
    return static_cast<uint64_t>(ts) - static_cast<uint64_t>(prev) > gap ||
           static_cast<uint64_t>(ts) - static_cast<uint64_t>(start) > max_duration;
  }
};

// Throws the "rows go back in time" error (22023 with the ORDER BY hint).
[[noreturn]] void throw_session_order_error(int64_t prev, int64_t ts);

// ---------------------------------------------------------------------------
// Streaming sessionizer for the window functions session_number and
// session_start: constant state, O(1) per row (a few ns, inline).
//
// Use as the transition state of an aggregate used as a window function with
// OVER (PARTITION BY user ORDER BY ts): next(ts) per row (skip NULL ts), then
// number() / start() in the final function, which does not modify the cursor
// (FINALFUNC_MODIFY = READ_ONLY; PostgreSQL calls the final function once per
// peer group under the default RANGE frame, after every row of the group was
// fed: peers have equal ts, hence one session, so the value is right for each
// of them).
//
// Peer check (for the glue, window context only): PostgreSQL feeds the rows
// of the current row's peer group, then calls the final function once for
// the group. Under OVER (PARTITION BY u ORDER BY ts) (default RANGE frame) or
// ROWS UNBOUNDED PRECEDING, the rows fed between two final calls therefore
// all have the same ts. If they do not, the window is wrong and the answer
// would be silently wrong: no ORDER BY (the whole partition is one peer
// group), ORDER BY another column, a frame ending after the current row, or
// a moving frame head (the executor restarts the aggregate from the frame
// head: several rows before one final call). mixed_since_mark() reports it;
// mark() starts the next group. The final function would call both: it then
// writes two flags of the state, which changes no result, so the aggregate
// can still be declared FINALFUNC_MODIFY = READ_ONLY (PostgreSQL requires
// READ_ONLY for aggregates used as window functions). Do not apply the check
// outside window context (AggCheckCallContext != AGG_CONTEXT_WINDOW): a plain
// aggregate `session_number(ts, gap ORDER BY ts)` sees every row before its
// one final call.
//
// Trivially copyable: the glue may keep it in palloc'd memory with no
// destructor.
class SessionCursor {
 public:
  SessionCursor() = default;
  explicit SessionCursor(const SessionParams& p) : params_(p) {}

  const SessionParams& params() const { return params_; }

  // Feeds the next row. ts < the previous row's ts -> 22023 (the hint says
  // to add ORDER BY ts to the window). Returns the row's session number.
  int64_t next(int64_t ts) {
    if (number_ == 0) {
      number_ = 1;
      start_ = ts;
    } else {
      if (ts < prev_) throw_session_order_error(prev_, ts);
      mixed_ |= pending_ & (ts != prev_);
      if (params_.starts_new_session(start_, prev_, ts)) {
        ++number_;
        start_ = ts;
      }
    }
    pending_ = true;
    null_ = false;
    prev_ = ts;
    return number_;
  }

  // A row with a NULL ts: it takes no part in the sessions; null_last()
  // stays true until the next next(), so the final function can return NULL
  // for it (NULL rows are peers only of each other under ORDER BY ts).
  void skip_null() { null_ = true; }
  bool null_last() const { return null_; }

  bool empty() const { return number_ == 0; }
  // 1-based session number of the last row fed; 0 before the first row.
  int64_t number() const { return number_; }
  // Start (first row's ts) of the last row's session; only when !empty().
  int64_t start() const { return start_; }
  // Timestamp of the last row fed; only when !empty().
  int64_t last() const { return prev_; }

  // Peer check, see above.
  bool mixed_since_mark() const { return mixed_; }
  void mark() {
    mixed_ = false;
    pending_ = false;
  }

 private:
  SessionParams params_;
  int64_t prev_ = 0;
  int64_t start_ = 0;
  int64_t number_ = 0;
  bool pending_ = false;  // a row was fed since the last mark()
  bool mixed_ = false;    // rows with different ts were fed since then
  bool null_ = false;     // the last row had a NULL ts
};
static_assert(std::is_trivially_copyable_v<SessionCursor>,
              "SessionCursor must stay trivially copyable");

// Session numbers and starts of rows already in ascending ts order (out[i]
// for ts[i]; either output may be null). Same rule and errors as the cursor.
void session_numbers(const int64_t* ts, size_t n, const SessionParams& p, int64_t* number_out,
                     int64_t* start_out);

// ---------------------------------------------------------------------------
// session_summary: per-user aggregate, rows in any order.

// The final value. `sessions` and `bounces` are int in SQL; they cannot
// exceed the row count. total_duration = sum over sessions of (last - first),
// saturated at INT64_MAX (only reachable with spans of ~292,000 years or
// infinite timestamps: the sum is at most last_end - first_start).
struct SessionSummary {
  int64_t sessions = 0;
  int64_t events = 0;
  int64_t total_duration = 0;  // microseconds
  int64_t bounces = 0;         // sessions with one event
  int64_t first_start = 0;     // ts of the first event
  int64_t last_end = 0;        // ts of the last event
  bool operator==(const SessionSummary& o) const {
    return sessions == o.sessions && events == o.events &&
           total_duration == o.total_duration && bounces == o.bounces &&
           first_start == o.first_start && last_end == o.last_end;
  }
};

// Summary of rows already in ascending ts order; n == 0 -> all zeros (the SQL
// result is NULL then). Rows out of order -> the 22023 order error.
SessionSummary summarize_sorted_sessions(const int64_t* ts, size_t n, const SessionParams& p);

// The aggregate state: the parameters and the rows' timestamps (8 bytes per
// row), kept as a sorted prefix plus an unsorted tail. Input that arrives in
// ts order (common: events appended in time order) stays sorted at the cost
// of one comparison per row, and the final needs no sort.
//
// Parallel query: serialize() sorts the rows, so partial states arrive
// sorted, and combine() merges sorted runs in linear time.
class SessionSummaryState {
 public:
  explicit SessionSummaryState(const SessionParams& p) : params_(p) {}

  const SessionParams& params() const { return params_; }
  // The SQL gap / max_duration arguments must be the same for every row of a
  // group: different params -> 22023.
  void check_params(const SessionParams& p) const;

  void add(int64_t ts) {
    if (sorted_ == ts_.size() && (ts_.empty() || ts >= ts_.back())) ++sorted_;
    // Start at 8 rows: one allocation for a typical user instead of 1, 2, 4, 8.
    if (ts_.capacity() == 0) ts_.reserve(8);
    ts_.push_back(ts);
  }
  // Adds other's rows (other is left sorted). Different params -> 22023.
  void combine(SessionSummaryState& other);

  bool empty() const { return ts_.empty(); }
  size_t size() const { return ts_.size(); }
  size_t memory_bytes() const { return ts_.capacity() * sizeof(int64_t); }

  // Sorts the rows in place (the multiset is unchanged, so the state stays
  // valid for more add/combine calls: the final function may declare
  // FINALFUNC_MODIFY = READ_ONLY) and summarizes them. Empty -> all zeros.
  SessionSummary summarize();

  // Sorted rows (sorts first).
  const std::vector<int64_t>& sorted_timestamps() {
    normalize();
    return ts_;
  }

  // Appends the serialized state to out (sorts the rows first). Format:
  //   byte 0        version (kVersion)
  //   bytes 1..8    gap, little-endian uint64
  //   bytes 9..16   max_duration, little-endian uint64 (UINT64_MAX: none)
  //   varint        number of rows n
  //   if n > 0:     first ts (8 bytes little-endian), then n-1 varint deltas
  //                 to the previous row (sorted, so >= 0)
  // Varints are LEB128, canonical (no superfluous 0x80 bytes), at most 10
  // bytes. About 5 bytes per row for events seconds to hours apart.
  void serialize(std::string& out);
  // Bounds-checked decode of exactly [p, p + n). Unknown version, truncated
  // or trailing bytes, invalid params, non-canonical varints, deltas past
  // INT64_MAX -> 22P02 (with a DETAIL; the HINT for an unknown version says
  // every worker must run the same extension version).
  static SessionSummaryState deserialize(const uint8_t* p, size_t n);
  static constexpr uint8_t kVersion = 1;

 private:
  void normalize();

  SessionParams params_;
  std::vector<int64_t> ts_;
  size_t sorted_ = 0;  // ts_[0, sorted_) is in ascending order
};

}  // namespace cdp::core
