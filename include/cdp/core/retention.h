// Retention: the pure C++ core of retention, retention_periods and
// retention_counts (section 2 of the SQL API spec). No PostgreSQL.
//
// Timestamps are int64 microseconds since 2000-01-01 00:00 (PostgreSQL's
// timestamp representation; civil dates below are days since 2000-01-01,
// PostgreSQL's date). INT64_MIN / INT64_MAX are -infinity / infinity.
//
// retention(c1, ..., cN): element 1 = 1 if any row met c1; element k > 1 = 1
// if element 1 is 1 and any row met ck. State: a bitmask of the conditions
// met (RetentionConditions); combine = OR. N = 1 .. kMaxRetentionConditions
// (more -> 54000); N must be the same for every row of a group (22023).
//
// retention_periods(anchor, ts, active, period, periods [, mode]), the exact
// reading implemented here (pinned by tests):
//   - A = the earliest ts of the rows with `anchor` true. No such row ->
//     all zeros (length periods + 1).
//   - Element 1 = 1 when A exists.
//   - B(k) = A + k*period, PostgreSQL's `timestamp + interval` with the
//     interval k*period: add k*months (day of month clamped to the month's
//     length: Jan 31 + 1 month = Feb 28/29), then k*days, then k*micros.
//     Always measured from A (Jan 31 + 2 months = Mar 31, not Mar 28).
//   - Default (rolling): element k+1 (k = 1..periods) = 1 when some active row
//     has B(k) <= ts < B(k+1). Period 0, [A, B(1)), is not reported (element
//     1 is "has an anchor"): an active row at A itself, or the anchor row
//     being active too, only counts for period 0. Active rows before A are in
//     no period.
//   - on_or_after: element k+1 = 1 when some active row has ts >= B(k), i.e.
//     is in period k or any later period, reported or not (unbounded
//     retention). Only the latest active ts matters: constant state.
//   - calendar: period must be exactly 1 day (0 months, 1 day, 0 µs), 1 week
//     (0, 7, 0) or 1 month (1, 0, 0); anything else ('24 hours', '2 days',
//     '30 days') -> 22023. unit(t) = the day, ISO week (Monday to Sunday, as
//     date_trunc('week')) or month containing t. Element k+1 = 1 when some
//     active row has unit(ts) = unit(A) + k. With on_or_after too:
//     unit(ts) >= unit(A) + k. Active rows before A are in unit(A) or
//     earlier, so in no reported period.
//   - Infinite timestamps are in no period: an anchor at -infinity (the
//     earliest anchor) or +infinity gives element 1 = 1 and zeros after it in
//     every mode; active rows at +-infinity are ignored. Boundaries beyond
//     the int64 range saturate to INT64_MAX (no finite ts reaches them;
//     PostgreSQL would raise "timestamp out of range" there).
//   - period components must be >= 0 and not all 0 (so B(k) increases
//     strictly with k), else 22023. periods = 1 .. kMaxRetentionPeriods,
//     else 22023. period, periods and mode must be the same for every row of
//     a group, else 22023.
//   - Integer arithmetic throughout. (PostgreSQL's interval_mul multiplies
//     the micros in double precision, so it rounds once k*micros passes 2^53
//     µs, about 285 years; we do not.)
//
// Time zones: the core works on WALL-CLOCK microseconds. The glue passes
// `timestamp` values unchanged, and converts `timestamptz` to the wall clock
// of the session's TimeZone (the local time PostgreSQL would print) when the
// mode has `calendar` or the period has months or days: then '1 day' is a
// local calendar day (23 or 25 real hours on a DST change day), like
// timestamptz + interval '1 day', and calendar units are local days / weeks /
// months, like date_trunc in the session time zone. A period of pure time
// ('12 hours') on timestamptz is real elapsed time in PostgreSQL: the glue
// passes the UTC microseconds unchanged then (UTC has no DST, so wall clock =
// elapsed time). Remaining difference from PostgreSQL, documented: for a
// timestamptz period mixing days and time ('1 day 12 hours') PostgreSQL adds
// the time part in elapsed time after the days in local time; here both are
// wall clock, which differs by the DST shift when a DST change falls inside
// the time part; and rows inside the repeated hour of a fall-back change
// compare by wall clock.
//
// retention_counts(r int[]): element-wise sum into bigint; lengths must match
// (22023). RetentionCounts is the helper.
//
// States serialize with a version byte; deserialize checks every byte and
// throws 22P02 on anything malformed.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cdp::core {

// Microseconds in a wall-clock day (24 hours: the core sees no DST).
inline constexpr int64_t kDayMicros = int64_t{86400} * 1000000;

// ---------------------------------------------------------------------------
// Civil calendar (proleptic Gregorian, astronomical years: 0 = 1 BC), days
// relative to 2000-01-01 as PostgreSQL's date.

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

int64_t days_from_civil(int64_t year, int month, int day);
CivilDate civil_from_days(int64_t days);
int days_in_month(int64_t year, int month);
inline bool is_infinite_timestamp(int64_t ts) { return ts == INT64_MIN || ts == INT64_MAX; }
// floor(ts / kDayMicros): the wall-clock day of ts.
inline int64_t day_of_timestamp(int64_t ts) {
  int64_t q = ts / kDayMicros;
  if (ts % kDayMicros < 0) --q;
  return q;
}

// An interval as PostgreSQL stores it.
struct IntervalParts {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
  bool operator==(const IntervalParts& o) const {
    return months == o.months && days == o.days && micros == o.micros;
  }
};

// ts + k * iv on the wall clock: k*months (day clamped), then k*days, then
// k*micros, in exact integer arithmetic. +-infinity is returned unchanged;
// results outside the int64 range saturate to INT64_MIN / INT64_MAX.
int64_t add_interval(int64_t ts, const IntervalParts& iv, int64_t k = 1);

enum class CalendarUnit : uint8_t { kNone = 0, kDay = 1, kWeek = 2, kMonth = 3 };

// Index of the calendar unit holding wall-clock ts (finite): days since
// 2000-01-01; ISO weeks (Monday-based) with week 0 = 1999-12-27 .. 2000-01-02;
// months since 2000-01 (year * 12 + month - 1 - 24000).
int64_t calendar_unit_index(int64_t ts, CalendarUnit unit);

// ---------------------------------------------------------------------------
// retention(VARIADIC conds)

inline constexpr int kMaxRetentionConditions = 1024;

class RetentionConditions {
 public:
  // n < 1 -> 22023; n > kMaxRetentionConditions -> 54000.
  explicit RetentionConditions(int n);

  int size() const { return n_; }
  // A row with a different number of conditions -> 22023.
  void check_size(int n) const {
    if (n != n_) throw_size_mismatch(n);
  }
  // Condition i (0-based, 0 <= i < size()) was met by some row.
  void set(int i) { words()[i >> 6] |= uint64_t{1} << (i & 63); }
  bool test(int i) const { return (words()[i >> 6] >> (i & 63)) & 1u; }
  // ORs 64 conditions at once: bit j of bits = condition 64*word + j; bits
  // beyond size() must be 0.
  void or_word(size_t word, uint64_t bits) { words()[word] |= bits; }
  size_t num_words() const { return (static_cast<size_t>(n_) + 63) / 64; }

  // OR of the two states; different sizes -> 22023.
  void combine(const RetentionConditions& other);

  // The result array: out[0] = cond 1 met; out[k] = out[0] && cond k+1 met.
  void result(int32_t* out) const;  // size() values
  std::vector<int32_t> result() const;

  // byte 0 version, varint n, then num_words() little-endian uint64 words
  // (bits beyond n zero). deserialize: 22P02 on malformed bytes.
  void serialize(std::string& out) const;
  static RetentionConditions deserialize(const uint8_t* p, size_t n);
  static constexpr uint8_t kVersion = 1;

 private:
  [[noreturn]] void throw_size_mismatch(int n) const;
  uint64_t* words() { return n_ <= 64 ? &inline_ : heap_.data(); }
  const uint64_t* words() const { return n_ <= 64 ? &inline_ : heap_.data(); }

  int n_;
  uint64_t inline_ = 0;          // n_ <= 64
  std::vector<uint64_t> heap_;   // n_ > 64
};

// ---------------------------------------------------------------------------
// retention_periods

inline constexpr int kMaxRetentionPeriods = 10000;

struct RetentionMode {
  bool on_or_after = false;
  bool calendar = false;
  bool operator==(const RetentionMode& o) const {
    return on_or_after == o.on_or_after && calendar == o.calendar;
  }
};

// Comma-separated flags `on_or_after`, `calendar` (case-sensitive, spaces
// around flags allowed, repeats allowed); "" is the default (rolling). Empty
// or unknown flag -> 22023 naming it.
RetentionMode parse_retention_mode(std::string_view text);

// Validated parameters; plain data.
struct RetentionPeriodsParams {
  IntervalParts period;
  int32_t periods = 0;
  RetentionMode mode;
  CalendarUnit unit = CalendarUnit::kNone;  // set when mode.calendar

  // Negative component or zero period -> 22023; periods < 1 or >
  // kMaxRetentionPeriods -> 22023; calendar with a period other than 1 day,
  // 1 week (7 days) or 1 month -> 22023.
  static RetentionPeriodsParams make(const IntervalParts& period, int64_t periods,
                                     RetentionMode mode);
  bool operator==(const RetentionPeriodsParams& o) const {
    return period == o.period && periods == o.periods && mode == o.mode;
  }
  bool operator!=(const RetentionPeriodsParams& o) const { return !(*this == o); }
};

// Per-user state. Memory: constant with on_or_after (earliest anchor, latest
// active ts); otherwise 8 bytes per distinct active value: the ts (rolling)
// or its calendar unit index (calendar), consecutive repeats dropped on
// input, and, when the buffer is full (32 values or more), sorted,
// deduplicated and pruned of values past the last reported period of the
// current earliest anchor (anchors only move earlier, so boundaries only
// move earlier: monotone) before it grows.
//
// Final cost: O(values) with no sort when the period has no months (B(k) is
// linear: one division per value) and under calendar; with months, a sort
// and a galloping walk over k.
class RetentionPeriodsState {
 public:
  explicit RetentionPeriodsState(const RetentionPeriodsParams& p) : params_(p) {}

  const RetentionPeriodsParams& params() const { return params_; }
  // Different period / periods / mode on a later row -> 22023.
  void check_params(const RetentionPeriodsParams& p) const;

  // One row (ts not NULL; the glue maps NULL booleans to false).
  void add(bool anchor, int64_t ts, bool active) {
    if (anchor && (!has_anchor_ || ts < anchor_)) {
      anchor_ = ts;
      has_anchor_ = true;
    }
    if (active && !is_infinite_timestamp(ts)) add_active(ts);
  }

  // Merges other into this state. Different params -> 22023.
  void combine(const RetentionPeriodsState& other);

  bool has_anchor() const { return has_anchor_; }
  int64_t anchor() const { return anchor_; }
  size_t num_values() const { return values_.size(); }
  size_t memory_bytes() const { return values_.capacity() * sizeof(int64_t); }

  // periods + 1 values. May sort the stored values (the state stays valid;
  // the final function may declare FINALFUNC_MODIFY = READ_ONLY).
  void result(int32_t* out);
  std::vector<int32_t> result();

  // Layout (little-endian):
  //   byte 0      version (kVersion)
  //   byte 1      flags: bit 0 has anchor, bit 1 on_or_after, bit 2 calendar
  //   4+4+8+4     period months, days, micros; periods
  //   8           anchor (0 when none)
  //   8           latest active ts (INT64_MIN when none; on_or_after only)
  //   varint n, then n strictly increasing values: the first as 8 bytes,
  //   the others as varint deltas (>= 1)
  // Sorts and deduplicates the values first. deserialize: 22P02 on malformed
  // bytes (including parameters that make() rejects).
  void serialize(std::string& out);
  static RetentionPeriodsState deserialize(const uint8_t* p, size_t n);
  static constexpr uint8_t kVersion = 1;

 private:
  void add_active(int64_t ts) {
    if (params_.mode.on_or_after) {
      if (ts > max_active_) max_active_ = ts;
      return;
    }
    const int64_t v =
        params_.unit == CalendarUnit::kNone ? ts : calendar_unit_index(ts, params_.unit);
    if (!values_.empty() && values_.back() == v) return;
    if (values_.size() == values_.capacity()) {
      if (values_.empty())
        values_.reserve(8);  // one allocation for a typical user, not 1, 2, 4, 8
      else if (values_.size() >= kCompactAt)
        compact();
    }
    values_.push_back(v);
  }
  void compact();
  void sort_unique();

  static constexpr size_t kCompactAt = 32;

  RetentionPeriodsParams params_;
  bool has_anchor_ = false;
  int64_t anchor_ = 0;
  int64_t max_active_ = INT64_MIN;  // on_or_after only; INT64_MIN = none
  std::vector<int64_t> values_;     // default and calendar modes
};

// ---------------------------------------------------------------------------
// retention_counts: element-wise sums.

class RetentionCounts {
 public:
  // The first call fixes the length (0 allowed); later lengths must match,
  // else 22023. An int64 overflow -> 22003.
  void add(const int32_t* r, size_t n);
  void add(const int64_t* r, size_t n);  // combine with another sum
  bool started() const { return started_; }
  const std::vector<int64_t>& sums() const { return sums_; }

 private:
  void start_or_check(size_t n);
  bool started_ = false;
  std::vector<int64_t> sums_;
};

}  // namespace cdp::core
