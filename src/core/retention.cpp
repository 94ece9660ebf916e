// Retention core; see include/cdp/core/retention.h.
#include "cdp/core/retention.h"

#include <algorithm>
#include <climits>
#include <string>

#include "cdp/core/byte_codec.h"
#include "cdp/core/text_util.h"
#include "cdp/core/error.h"

namespace cdp::core {

namespace {

// Days from 0000-03-01 to 1970-01-01, and from 1970-01-01 to 2000-01-01.
constexpr int64_t kCivilShift = 719468;
constexpr int64_t kPgEpochDays = 10957;
// Beyond +-400,000 years from year 0 every timestamp is outside int64.
constexpr __int128 kMaxMonthIndex = static_cast<__int128>(400000) * 12;

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

inline int64_t clamp128(__int128 v) {
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}


using byte_codec::malformed;
using byte_codec::put_u32;
using byte_codec::put_u64;
using byte_codec::put_varint;
using byte_codec::Reader;

[[noreturn]] void bad_version(const char* what, unsigned version) {
  throw Error(sqlstate::kInvalidTextRepresentation, std::string("invalid ") + what + " state",
              "unknown state format version " + std::to_string(version),
              "All parallel workers (and Citus nodes) must run the same version of the cdp "
              "extension.");
}

[[noreturn]] void params_differ() {
  throw Error(sqlstate::kInvalidParameterValue,
              "retention_periods period, periods and mode must be the same for every row of a "
              "group");
}

}  // namespace

// ---------------------------------------------------------------------------
// Civil calendar (H. Hinnant's algorithms, shifted to 2000-01-01).

int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;                                          // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
  return era * 146097 + doe - kCivilShift - kPgEpochDays;
}

CivilDate civil_from_days(int64_t z) {
  z += kCivilShift + kPgEpochDays;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

int64_t add_interval(int64_t ts, const IntervalParts& iv, int64_t k) {
  if (is_infinite_timestamp(ts) || k == 0) return ts;
  int64_t t = ts;
  // 1. months, the day of month clamped to the target month's length.
  if (iv.months != 0) {
    const __int128 dm = static_cast<__int128>(iv.months) * k;
    const int64_t day = day_of_timestamp(t);
    const int64_t tod = t - day * kDayMicros;
    const CivilDate c = civil_from_days(day);
    const __int128 idx = static_cast<__int128>(c.year) * 12 + (c.month - 1) + dm;
    if (idx > kMaxMonthIndex) return INT64_MAX;
    if (idx < -kMaxMonthIndex) return INT64_MIN;
    const int64_t i = static_cast<int64_t>(idx);
    const int64_t y = floor_div(i, 12);
    const int m = static_cast<int>(i - y * 12) + 1;
    const int d = std::min(c.day, days_in_month(y, m));
    const __int128 r =
        static_cast<__int128>(days_from_civil(y, m, d)) * kDayMicros + tod;
    t = clamp128(r);
    if (is_infinite_timestamp(t)) return t;
  }
  // 2. days (exact multiples of 24 wall-clock hours), 3. micros.
  __int128 r = t;
  if (iv.days != 0) {
    const __int128 dd = static_cast<__int128>(iv.days) * k;  // |dd| < 2^95
    if (dd > static_cast<__int128>(INT64_MAX)) return INT64_MAX;
    if (dd < static_cast<__int128>(INT64_MIN)) return INT64_MIN;
    r += dd * kDayMicros;  // |.| < 2^101
    if (r >= INT64_MAX) return INT64_MAX;
    if (r <= INT64_MIN) return INT64_MIN;
  }
  r += static_cast<__int128>(iv.micros) * k;  // |.| < 2^127
  return clamp128(r);
}

int64_t calendar_unit_index(int64_t ts, CalendarUnit unit) {
  const int64_t day = day_of_timestamp(ts);
  switch (unit) {
    case CalendarUnit::kDay:
      return day;
    case CalendarUnit::kWeek:
      // 2000-01-01 (day 0) is a Saturday; Monday 1999-12-27 is day -5.
      return floor_div(day + 5, 7);
    case CalendarUnit::kMonth: {
      const CivilDate c = civil_from_days(day);
      return (c.year - 2000) * 12 + (c.month - 1);
    }
    case CalendarUnit::kNone:
      break;
  }
  throw Error(sqlstate::kInternalError, "calendar_unit_index called without a unit");
}

// ---------------------------------------------------------------------------
// retention

RetentionConditions::RetentionConditions(int n) : n_(n) {
  if (n > kMaxRetentionConditions)
    throw Error(sqlstate::kProgramLimitExceeded,
                "retention supports at most " + std::to_string(kMaxRetentionConditions) +
                    " conditions, got " + std::to_string(n));
  if (n < 1)
    throw Error(sqlstate::kInvalidParameterValue, "retention needs at least one condition");
  if (n > 64) heap_.assign(num_words(), 0);
}

void RetentionConditions::throw_size_mismatch(int n) const {
  throw Error(sqlstate::kInvalidParameterValue,
              "retention needs the same number of conditions on every row of a group",
              "got " + std::to_string(n) + " conditions after " + std::to_string(n_));
}

void RetentionConditions::combine(const RetentionConditions& other) {
  check_size(other.n_);
  uint64_t* w = words();
  const uint64_t* o = other.words();
  for (size_t i = 0, nw = num_words(); i < nw; ++i) w[i] |= o[i];
}

void RetentionConditions::result(int32_t* out) const {
  const bool first = test(0);
  out[0] = first;
  for (int i = 1; i < n_; ++i) out[i] = first && test(i);
}

std::vector<int32_t> RetentionConditions::result() const {
  std::vector<int32_t> out(static_cast<size_t>(n_));
  result(out.data());
  return out;
}

void RetentionConditions::serialize(std::string& out) const {
  out.push_back(static_cast<char>(kVersion));
  put_varint(out, static_cast<uint64_t>(n_));
  const uint64_t* w = words();
  for (size_t i = 0, nw = num_words(); i < nw; ++i) put_u64(out, w[i]);
}

RetentionConditions RetentionConditions::deserialize(const uint8_t* p, size_t n) {
  const char* what = "retention";
  if (p == nullptr || n == 0) malformed(what, "empty state");
  Reader r{p, p + n, what};
  const uint8_t version = r.u8();
  if (version != kVersion) bad_version(what, version);
  const uint64_t count = r.varint();
  if (count < 1 || count > static_cast<uint64_t>(kMaxRetentionConditions))
    malformed(what, "invalid number of conditions " + std::to_string(count));
  RetentionConditions s(static_cast<int>(count));
  uint64_t* w = s.words();
  const size_t nw = s.num_words();
  for (size_t i = 0; i < nw; ++i) w[i] = r.u64();
  const int tail = static_cast<int>(count % 64);
  if (tail != 0 && (w[nw - 1] >> tail) != 0) malformed(what, "bits set beyond the conditions");
  if (r.left() != 0) malformed(what, "trailing bytes after the state");
  return s;
}

// ---------------------------------------------------------------------------
// retention_periods

RetentionMode parse_retention_mode(std::string_view text) {
  RetentionMode m;
  if (trim(text).empty()) return m;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view tok = trim(text.substr(
        pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (tok == "on_or_after") {
      m.on_or_after = true;
    } else if (tok == "calendar") {
      m.calendar = true;
    } else if (tok.empty()) {
      throw Error(sqlstate::kInvalidParameterValue, "empty retention_periods mode flag",
                  "mode: \"" + std::string(text) + "\"");
    } else {
      throw Error(sqlstate::kInvalidParameterValue,
                  "unknown retention_periods mode flag \"" + std::string(tok) + "\"", {},
                  "Valid flags: on_or_after, calendar (comma-separated).");
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return m;
}

RetentionPeriodsParams RetentionPeriodsParams::make(const IntervalParts& period,
                                                    int64_t periods, RetentionMode mode) {
  if (periods < 1 || periods > kMaxRetentionPeriods)
    throw Error(sqlstate::kInvalidParameterValue,
                "retention_periods periods must be between 1 and " +
                    std::to_string(kMaxRetentionPeriods) + ", got " + std::to_string(periods));
  if (period.months < 0 || period.days < 0 || period.micros < 0 ||
      (period.months == 0 && period.days == 0 && period.micros == 0))
    throw Error(sqlstate::kInvalidParameterValue, "retention_periods period must be positive",
                "Every part of the interval (months, days, time) must be zero or positive, "
                "and one of them positive.");
  RetentionPeriodsParams p;
  p.period = period;
  p.periods = static_cast<int32_t>(periods);
  p.mode = mode;
  if (mode.calendar) {
    if (period == IntervalParts{0, 1, 0}) {
      p.unit = CalendarUnit::kDay;
    } else if (period == IntervalParts{0, 7, 0}) {
      p.unit = CalendarUnit::kWeek;
    } else if (period == IntervalParts{1, 0, 0}) {
      p.unit = CalendarUnit::kMonth;
    } else {
      throw Error(sqlstate::kInvalidParameterValue,
                  "retention_periods mode \"calendar\" needs a period of 1 day, 1 week or 1 "
                  "month",
                  {}, "Use interval '1 day', '1 week' or '1 month'.");
    }
  }
  return p;
}

void RetentionPeriodsState::check_params(const RetentionPeriodsParams& p) const {
  if (p != params_) params_differ();
}

void RetentionPeriodsState::sort_unique() {
  std::sort(values_.begin(), values_.end());
  values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
}

void RetentionPeriodsState::compact() {
  const size_t cap = values_.capacity();
  sort_unique();
  // Drop values past the last reported period of the current earliest
  // anchor: later anchors can only be earlier, and boundaries are monotone in
  // the anchor, so those values can never be reported.
  if (has_anchor_ && !is_infinite_timestamp(anchor_)) {
    if (params_.unit != CalendarUnit::kNone) {
      const int64_t limit = calendar_unit_index(anchor_, params_.unit) + params_.periods;
      values_.erase(std::upper_bound(values_.begin(), values_.end(), limit), values_.end());
    } else {
      const int64_t end = add_interval(anchor_, params_.period, params_.periods + 1);
      values_.erase(std::lower_bound(values_.begin(), values_.end(), end), values_.end());
    }
  }
  // Leave room for at least a quarter of the buffer before the next compaction.
  if (values_.size() > cap / 4 * 3) values_.reserve(cap * 2);
}

void RetentionPeriodsState::combine(const RetentionPeriodsState& other) {
  check_params(other.params_);
  if (other.has_anchor_ && (!has_anchor_ || other.anchor_ < anchor_)) {
    anchor_ = other.anchor_;
    has_anchor_ = true;
  }
  if (other.max_active_ > max_active_) max_active_ = other.max_active_;
  if (other.values_.empty()) return;
  values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  if (values_.size() >= kCompactAt) compact();
}

void RetentionPeriodsState::result(int32_t* out) {
  const int64_t P = params_.periods;
  std::fill(out, out + P + 1, 0);
  if (!has_anchor_) return;
  out[0] = 1;
  if (is_infinite_timestamp(anchor_)) return;
  const int64_t a = anchor_;

  // Marks periods 1..min(K, P) (on_or_after).
  auto mark_through = [&](int64_t K) {
    for (int64_t k = 1; k <= std::min(K, P); ++k) out[k] = 1;
  };

  if (params_.unit != CalendarUnit::kNone) {
    const int64_t ua = calendar_unit_index(a, params_.unit);
    if (params_.mode.on_or_after) {
      if (max_active_ == INT64_MIN) return;
      const int64_t u = calendar_unit_index(max_active_, params_.unit);
      if (u > ua) mark_through(u - ua);
      return;
    }
    for (const int64_t v : values_) {
      if (v <= ua) continue;
      const uint64_t k = static_cast<uint64_t>(v) - static_cast<uint64_t>(ua);
      if (k <= static_cast<uint64_t>(P)) out[k] = 1;
    }
    return;
  }

  if (params_.period.months == 0) {
    // B(k) = a + k * len exactly (days are 24 wall-clock hours): one
    // division per value.
    const __int128 len = static_cast<__int128>(params_.period.days) * kDayMicros +
                         params_.period.micros;  // >= 1
    const bool wide = len > static_cast<__int128>(UINT64_MAX);
    const uint64_t l = wide ? 0 : static_cast<uint64_t>(len);
    auto index = [&](int64_t v) -> uint64_t {  // v >= a
      const uint64_t diff = static_cast<uint64_t>(v) - static_cast<uint64_t>(a);
      return wide ? 0 : diff / l;
    };
    if (params_.mode.on_or_after) {
      if (max_active_ == INT64_MIN || max_active_ < a) return;
      const uint64_t K = index(max_active_);
      mark_through(K > static_cast<uint64_t>(P) ? P : static_cast<int64_t>(K));
      return;
    }
    for (const int64_t v : values_) {
      if (v < a) continue;
      const uint64_t k = index(v);
      if (k >= 1 && k <= static_cast<uint64_t>(P)) out[k] = 1;
    }
    return;
  }

  // Periods with months: B(k) is not linear. Largest k in [lo, P + 1] with
  // B(k) <= v, given B(lo) <= v: gallop, then bisect.
  const IntervalParts iv = params_.period;
  auto bound = [&](int64_t k) { return add_interval(a, iv, k); };
  const int64_t cap = P + 1;
  auto last_k = [&](int64_t v, int64_t lo) {
    int64_t k = lo, step = 1, hi;
    while (true) {
      const int64_t probe = k + step;
      if (probe > cap) {
        hi = cap + 1;
        break;
      }
      if (bound(probe) <= v) {
        k = probe;
        step *= 2;
      } else {
        hi = probe;
        break;
      }
    }
    while (hi - k > 1) {
      const int64_t mid = k + (hi - k) / 2;
      if (bound(mid) <= v)
        k = mid;
      else
        hi = mid;
    }
    return k;
  };
  if (params_.mode.on_or_after) {
    if (max_active_ == INT64_MIN || max_active_ < a) return;
    mark_through(last_k(max_active_, 0));
    return;
  }
  sort_unique();
  int64_t k = 0;
  int64_t next = bound(1);  // B(k + 1)
  for (const int64_t v : values_) {
    if (v < a) continue;
    if (v >= next) {
      k = last_k(v, k + 1);
      if (k > P) break;
      next = bound(k + 1);
    }
    if (k >= 1) out[k] = 1;
  }
}

std::vector<int32_t> RetentionPeriodsState::result() {
  std::vector<int32_t> out(static_cast<size_t>(params_.periods) + 1);
  result(out.data());
  return out;
}

void RetentionPeriodsState::serialize(std::string& out) {
  sort_unique();
  out.push_back(static_cast<char>(kVersion));
  const uint8_t flags = (has_anchor_ ? 1 : 0) | (params_.mode.on_or_after ? 2 : 0) |
                        (params_.mode.calendar ? 4 : 0);
  out.push_back(static_cast<char>(flags));
  put_u32(out, static_cast<uint32_t>(params_.period.months));
  put_u32(out, static_cast<uint32_t>(params_.period.days));
  put_u64(out, static_cast<uint64_t>(params_.period.micros));
  put_u32(out, static_cast<uint32_t>(params_.periods));
  put_u64(out, static_cast<uint64_t>(has_anchor_ ? anchor_ : 0));
  put_u64(out, static_cast<uint64_t>(max_active_));
  put_varint(out, values_.size());
  if (values_.empty()) return;
  put_u64(out, static_cast<uint64_t>(values_[0]));
  for (size_t i = 1; i < values_.size(); ++i)
    put_varint(out, static_cast<uint64_t>(values_[i]) - static_cast<uint64_t>(values_[i - 1]));
}

RetentionPeriodsState RetentionPeriodsState::deserialize(const uint8_t* p, size_t n) {
  const char* what = "retention_periods";
  if (p == nullptr || n == 0) malformed(what, "empty state");
  Reader r{p, p + n, what};
  const uint8_t version = r.u8();
  if (version != kVersion) bad_version(what, version);
  const uint8_t flags = r.u8();
  if (flags > 7) malformed(what, "unknown flags");
  IntervalParts iv;
  iv.months = static_cast<int32_t>(r.u32());
  iv.days = static_cast<int32_t>(r.u32());
  iv.micros = static_cast<int64_t>(r.u64());
  const int32_t periods = static_cast<int32_t>(r.u32());
  RetentionMode mode;
  mode.on_or_after = flags & 2;
  mode.calendar = flags & 4;
  RetentionPeriodsParams params;
  try {
    params = RetentionPeriodsParams::make(iv, periods, mode);
  } catch (const Error& e) {
    malformed(what, std::string("invalid parameters: ") + e.what());
  }
  RetentionPeriodsState s(params);
  s.has_anchor_ = flags & 1;
  s.anchor_ = static_cast<int64_t>(r.u64());
  if (!s.has_anchor_ && s.anchor_ != 0) malformed(what, "anchor without the anchor flag");
  s.max_active_ = static_cast<int64_t>(r.u64());
  if (s.max_active_ != INT64_MIN && (!mode.on_or_after || s.max_active_ == INT64_MAX))
    malformed(what, "invalid latest active timestamp");
  const uint64_t count = r.varint();
  if (count > 0 && mode.on_or_after) malformed(what, "values in an on_or_after state");
  if (count > 0 && (r.left() < 8 || count - 1 > r.left() - 8)) malformed(what, "truncated state");
  if (count > 0) {
    s.values_.resize(count);
    int64_t prev = static_cast<int64_t>(r.u64());
    if (prev == INT64_MIN) malformed(what, "value out of range");
    s.values_[0] = prev;
    for (uint64_t i = 1; i < count; ++i) {
      const uint64_t d = r.varint();
      const uint64_t room = static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(prev);
      if (d == 0) malformed(what, "values not strictly increasing");
      if (d >= room) malformed(what, "value out of range");  // INT64_MAX is infinite
      prev = static_cast<int64_t>(static_cast<uint64_t>(prev) + d);
      s.values_[i] = prev;
    }
    if (count == 1 && prev == INT64_MAX) malformed(what, "value out of range");
  }
  if (r.left() != 0) malformed(what, "trailing bytes after the state");
  return s;
}

// ---------------------------------------------------------------------------
// retention_counts

void RetentionCounts::start_or_check(size_t n) {
  if (!started_) {
    started_ = true;
    sums_.assign(n, 0);
    return;
  }
  if (n != sums_.size())
    throw Error(sqlstate::kInvalidParameterValue,
                "retention_counts needs arrays of the same length",
                "got an array of " + std::to_string(n) + " elements after arrays of " +
                    std::to_string(sums_.size()));
}

void RetentionCounts::add(const int32_t* r, size_t n) {
  start_or_check(n);
  for (size_t i = 0; i < n; ++i)
    if (__builtin_add_overflow(sums_[i], int64_t{r[i]}, &sums_[i]))
      throw Error("22003", "retention_counts sum out of range for type bigint");
}

void RetentionCounts::add(const int64_t* r, size_t n) {
  start_or_check(n);
  for (size_t i = 0; i < n; ++i)
    if (__builtin_add_overflow(sums_[i], r[i], &sums_[i]))
      throw Error("22003", "retention_counts sum out of range for type bigint");
}

}  // namespace cdp::core
