// Sessions core; see include/cdp/core/session.h.
#include "cdp/core/session.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "cdp/core/byte_codec.h"
#include "cdp/core/error.h"

namespace cdp::core {

namespace {

constexpr int64_t kUsPerDay = int64_t{86400} * 1000000;

int64_t saturate(__int128 v) {
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}

using byte_codec::put_u64;
using byte_codec::put_varint;
using Reader = byte_codec::Reader;

constexpr const char* kSummaryState = "session_summary";

[[noreturn]] void malformed(const std::string& detail) {
  byte_codec::malformed(kSummaryState, detail);
}

}  // namespace

int64_t interval_span_micros(int32_t months, int32_t days, int64_t micros) {
  const __int128 v = static_cast<__int128>(months) * 30 * kUsPerDay +
                     static_cast<__int128>(days) * kUsPerDay + micros;
  return saturate(v);
}

SessionParams SessionParams::make(int64_t gap) {
  if (gap <= 0)
    throw Error(sqlstate::kInvalidParameterValue, "session gap must be positive", {},
                "Use an interval such as '30 minutes'.");
  SessionParams p;
  p.gap = static_cast<uint64_t>(gap);
  p.max_duration = kNoMax;
  return p;
}

SessionParams SessionParams::make(int64_t gap, int64_t max_duration) {
  SessionParams p = make(gap);
  if (max_duration < gap)
    throw Error(sqlstate::kInvalidParameterValue,
                "session max_duration must not be shorter than the gap", {},
                "A session may last max_duration; the gap must fit in it.");
  p.max_duration = static_cast<uint64_t>(max_duration);
  return p;
}

void throw_session_order_error(int64_t prev, int64_t ts) {
  (void)prev;
  (void)ts;
  throw Error(kSessionOrderSqlstate, "rows are not in ascending timestamp order",
              "Session functions read the rows of a window partition in ts order; a row "
              "went back in time.",
              "Add ORDER BY ts to the window: OVER (PARTITION BY user_id ORDER BY ts).");
}

void session_numbers(const int64_t* ts, size_t n, const SessionParams& p, int64_t* number_out,
                     int64_t* start_out) {
  if (n == 0) return;
  int64_t number = 1, start = ts[0], prev = ts[0];
  if (number_out) number_out[0] = 1;
  if (start_out) start_out[0] = start;
  for (size_t i = 1; i < n; ++i) {
    const int64_t t = ts[i];
    if (t < prev) throw_session_order_error(prev, t);
    if (p.starts_new_session(start, prev, t)) {
      ++number;
      start = t;
    }
    prev = t;
    if (number_out) number_out[i] = number;
    if (start_out) start_out[i] = start;
  }
}

SessionSummary summarize_sorted_sessions(const int64_t* ts, size_t n, const SessionParams& p) {
  SessionSummary s;
  if (n == 0) return s;
  // Durations are summed in unsigned arithmetic: each is exact, and the sum
  // is at most last - first (sessions do not overlap), below 2^64.
  uint64_t total = 0;
  int64_t sessions = 1, bounces = 0;
  int64_t start = ts[0], prev = ts[0];
  size_t count = 1;  // rows of the current session
  for (size_t i = 1; i < n; ++i) {
    const int64_t t = ts[i];
    if (t < prev) throw_session_order_error(prev, t);
    if (p.starts_new_session(start, prev, t)) {
      total += static_cast<uint64_t>(prev) - static_cast<uint64_t>(start);
      bounces += count == 1;
      ++sessions;
      start = t;
      count = 0;
    }
    ++count;
    prev = t;
  }
  total += static_cast<uint64_t>(prev) - static_cast<uint64_t>(start);
  bounces += count == 1;
  s.sessions = sessions;
  s.events = static_cast<int64_t>(n);
  s.total_duration = total > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX
                                                              : static_cast<int64_t>(total);
  s.bounces = bounces;
  s.first_start = ts[0];
  s.last_end = prev;
  return s;
}

void SessionSummaryState::check_params(const SessionParams& p) const {
  if (p != params_)
    throw Error(sqlstate::kInvalidParameterValue,
                "session_summary gap and max_duration must be the same for every row of a "
                "group");
}

namespace {

// Insertion sort of v[from, n) into the sorted v[0, from): no allocation, the
// fastest way for the few rows of a typical user.
void insert_tail(int64_t* v, size_t from, size_t n) {
  for (size_t i = from; i < n; ++i) {
    const int64_t x = v[i];
    size_t j = i;
    while (j > 0 && v[j - 1] > x) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

constexpr size_t kSmall = 48;

// v[0, mid) and v[mid, n) sorted -> v sorted, in linear time for long runs.
void merge_runs(std::vector<int64_t>& v, size_t mid) {
  if (mid == 0 || mid == v.size() || v[mid - 1] <= v[mid]) return;
  if (v.size() <= kSmall) {
    insert_tail(v.data(), mid, v.size());
    return;
  }
  std::inplace_merge(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
}

}  // namespace

void SessionSummaryState::normalize() {
  const size_t n = ts_.size();
  if (sorted_ == n) return;
  if (n <= kSmall) {
    insert_tail(ts_.data(), sorted_, n);
  } else {
    std::sort(ts_.begin() + static_cast<std::ptrdiff_t>(sorted_), ts_.end());
    merge_runs(ts_, sorted_);
  }
  sorted_ = n;
}

void SessionSummaryState::combine(SessionSummaryState& other) {
  check_params(other.params_);
  if (other.ts_.empty()) return;
  other.normalize();
  normalize();
  const size_t old = ts_.size();
  ts_.insert(ts_.end(), other.ts_.begin(), other.ts_.end());
  merge_runs(ts_, old);
  sorted_ = ts_.size();
}

SessionSummary SessionSummaryState::summarize() {
  normalize();
  return summarize_sorted_sessions(ts_.data(), ts_.size(), params_);
}

void SessionSummaryState::serialize(std::string& out) {
  normalize();
  out.reserve(out.size() + 1 + 16 + 10 + 8 + 5 * ts_.size());
  out.push_back(static_cast<char>(kVersion));
  put_u64(out, params_.gap);
  put_u64(out, params_.max_duration);
  put_varint(out, ts_.size());
  if (ts_.empty()) return;
  put_u64(out, static_cast<uint64_t>(ts_[0]));
  for (size_t i = 1; i < ts_.size(); ++i)
    put_varint(out, static_cast<uint64_t>(ts_[i]) - static_cast<uint64_t>(ts_[i - 1]));
}

SessionSummaryState SessionSummaryState::deserialize(const uint8_t* p, size_t n) {
  if (n == 0 || p == nullptr) malformed("empty state");
  Reader r{p, p + n, kSummaryState};
  const uint8_t version = r.u8();
  if (version != kVersion)
    throw Error(sqlstate::kInvalidTextRepresentation, "invalid session_summary state",
                "unknown state format version " + std::to_string(version),
                "All parallel workers (and Citus nodes) must run the same version of the cdp "
                "extension.");
  const uint64_t gap = r.u64();
  const uint64_t max_duration = r.u64();
  if (gap == 0 || gap > static_cast<uint64_t>(INT64_MAX)) malformed("invalid gap");
  if (max_duration != SessionParams::kNoMax &&
      (max_duration < gap || max_duration > static_cast<uint64_t>(INT64_MAX)))
    malformed("invalid max_duration");
  SessionParams params;
  params.gap = gap;
  params.max_duration = max_duration;
  const uint64_t count = r.varint();
  // n - 1 deltas of at least one byte each after an 8-byte first value: a
  // count the bytes cannot hold is rejected before allocating.
  if (count > 0 && (r.left() < 8 || count - 1 > r.left() - 8)) malformed("truncated state");
  SessionSummaryState s(params);
  if (count > 0) {
    s.ts_.resize(count);
    int64_t prev = static_cast<int64_t>(r.u64());
    s.ts_[0] = prev;
    for (uint64_t i = 1; i < count; ++i) {
      const uint64_t d = r.varint();
      // Room below INT64_MAX, exact in modular arithmetic (0 .. 2^64 - 1).
      const uint64_t room = static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(prev);
      if (d > room) malformed("timestamp out of range");
      prev = static_cast<int64_t>(static_cast<uint64_t>(prev) + d);
      s.ts_[i] = prev;
    }
  }
  if (r.left() != 0) malformed("trailing bytes after the state");
  s.sorted_ = s.ts_.size();
  return s;
}

}  // namespace cdp::core
