#include "cdp/core/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cdp/core/error.h"

namespace {

using cdp::core::Error;
using cdp::core::interval_span_micros;
using cdp::core::session_numbers;
using cdp::core::SessionCursor;
using cdp::core::SessionParams;
using cdp::core::SessionSummary;
using cdp::core::SessionSummaryState;
using cdp::core::summarize_sorted_sessions;

constexpr int64_t kSec = 1000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

// Runs f, expects a cdp::core::Error with the SQLSTATE; returns it.
template <typename F>
Error expect_error(const char* sqlstate, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate) << e.what();
    return e;
  }
  ADD_FAILURE() << "no error, expected SQLSTATE " << sqlstate;
  return Error("XX000", "none");
}

std::vector<int64_t> numbers_of(const std::vector<int64_t>& ts, const SessionParams& p) {
  SessionCursor c(p);
  std::vector<int64_t> out;
  for (int64_t t : ts) out.push_back(c.next(t));
  return out;
}

std::vector<int64_t> starts_of(const std::vector<int64_t>& ts, const SessionParams& p) {
  SessionCursor c(p);
  std::vector<int64_t> out;
  for (int64_t t : ts) {
    c.next(t);
    out.push_back(c.start());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Parameters

TEST(SessionParams, Validation) {
  expect_error("22023", [] { SessionParams::make(0); });
  expect_error("22023", [] { SessionParams::make(-1); });
  expect_error("22023", [] { SessionParams::make(INT64_MIN); });
  expect_error("22023", [] { SessionParams::make(0, 10); });
  expect_error("22023", [] { SessionParams::make(30 * kMin, 30 * kMin - 1); });
  expect_error("22023", [] { SessionParams::make(30 * kMin, -1); });
  EXPECT_NO_THROW(SessionParams::make(1));
  EXPECT_NO_THROW(SessionParams::make(INT64_MAX));
  EXPECT_NO_THROW(SessionParams::make(30 * kMin, 30 * kMin));  // max == gap is allowed
  EXPECT_FALSE(SessionParams::make(30 * kMin).has_max_duration());
  EXPECT_TRUE(SessionParams::make(30 * kMin, kHour).has_max_duration());
}

TEST(SessionParams, IntervalSpan) {
  EXPECT_EQ(interval_span_micros(0, 0, 30 * kMin), 30 * kMin);
  EXPECT_EQ(interval_span_micros(0, 1, 0), kDay);
  EXPECT_EQ(interval_span_micros(1, 0, 0), 30 * kDay);  // 1 month = 30 days, as interval_cmp
  EXPECT_EQ(interval_span_micros(1, 2, 3), 32 * kDay + 3);
  EXPECT_EQ(interval_span_micros(0, -1, 25 * kHour), kHour);  // '-1 day 25 hours'
  EXPECT_EQ(interval_span_micros(INT32_MAX, INT32_MAX, INT64_MAX), INT64_MAX);
  EXPECT_EQ(interval_span_micros(INT32_MIN, INT32_MIN, INT64_MIN), INT64_MIN);
  EXPECT_EQ(interval_span_micros(0, 0, INT64_MAX), INT64_MAX);
  EXPECT_EQ(interval_span_micros(-1, 0, INT64_MAX), INT64_MAX - 30 * kDay);
}

// ---------------------------------------------------------------------------
// SessionCursor: every rule by hand

TEST(SessionCursor, GapBoundaryStays) {
  const auto p = SessionParams::make(30 * kMin);
  // 0, +30 min (exactly the gap: stays), +30 min + 1 µs (new), +30 min (stays)
  const std::vector<int64_t> ts = {0, 30 * kMin, 60 * kMin + 1, 90 * kMin + 1};
  EXPECT_EQ(numbers_of(ts, p), (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(starts_of(ts, p), (std::vector<int64_t>{0, 0, 60 * kMin + 1, 60 * kMin + 1}));
}

TEST(SessionCursor, GapIsBetweenConsecutiveRowsNotFromStart) {
  const auto p = SessionParams::make(30 * kMin);
  // A session can last long with no max_duration: steps of 20 min for 10 h.
  std::vector<int64_t> ts;
  for (int i = 0; i <= 30; ++i) ts.push_back(i * 20 * kMin);
  const auto n = numbers_of(ts, p);
  EXPECT_TRUE(std::all_of(n.begin(), n.end(), [](int64_t x) { return x == 1; }));
}

TEST(SessionCursor, EqualTimestampsShareASession) {
  const auto p = SessionParams::make(1);
  EXPECT_EQ(numbers_of({5, 5, 5, 7, 7, 8}, p), (std::vector<int64_t>{1, 1, 1, 2, 2, 2}));
  // 7 -> 8 is a gap of 1 = gap: stays.
}

TEST(SessionCursor, MaxDurationSplit) {
  const auto p = SessionParams::make(30 * kMin, 60 * kMin);
  // 0, 30, 60 (60 - 0 = max: stays), 60 (tie), 61 (61 - 0 > max: new), 90, 120 (120 - 61 <
  // max, gap 30: stays), 122 (122 - 61 > max: new)
  const std::vector<int64_t> ts = {0,        30 * kMin, 60 * kMin,  60 * kMin,
                                   61 * kMin, 90 * kMin, 120 * kMin, 122 * kMin};
  EXPECT_EQ(numbers_of(ts, p), (std::vector<int64_t>{1, 1, 1, 1, 2, 2, 2, 3}));
  EXPECT_EQ(starts_of(ts, p), (std::vector<int64_t>{0, 0, 0, 0, 61 * kMin, 61 * kMin,
                                                     61 * kMin, 122 * kMin}));
}

TEST(SessionCursor, TiesAtAMaxDurationSplitJoinTheNewSession) {
  const auto p = SessionParams::make(30 * kMin, 45 * kMin);
  // 50 - 0 > 45: the first row at 50 starts session 2, the tied row joins it.
  const std::vector<int64_t> ts = {0, 25 * kMin, 50 * kMin, 50 * kMin, 50 * kMin};
  EXPECT_EQ(numbers_of(ts, p), (std::vector<int64_t>{1, 1, 2, 2, 2}));
  EXPECT_EQ(starts_of(ts, p), (std::vector<int64_t>{0, 0, 50 * kMin, 50 * kMin, 50 * kMin}));
}

TEST(SessionCursor, MaxDurationEqualToGap) {
  const auto p = SessionParams::make(10, 10);
  EXPECT_EQ(numbers_of({0, 10, 11, 21, 22, 40}, p),
            (std::vector<int64_t>{1, 1, 2, 2, 3, 4}));
}

TEST(SessionCursor, GoingBackInTimeIsAnError) {
  SessionCursor c(SessionParams::make(30 * kMin));
  c.next(100);
  c.next(200);
  const Error e = expect_error("22023", [&] { c.next(199); });
  EXPECT_NE(std::string(e.hint()).find("ORDER BY ts"), std::string::npos) << e.hint();
  EXPECT_NE(std::string(e.what()).find("ascending timestamp order"), std::string::npos);
  // The state is unchanged: the caller can go on (or not).
  EXPECT_EQ(c.number(), 1);
  EXPECT_EQ(c.last(), 200);
  EXPECT_EQ(c.next(200), 1);
}

TEST(SessionCursor, EmptyAndFirstRow) {
  SessionCursor c(SessionParams::make(kMin));
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.number(), 0);
  EXPECT_EQ(c.next(-5), 1);  // negative (before 2000) timestamps are fine
  EXPECT_FALSE(c.empty());
  EXPECT_EQ(c.start(), -5);
}

TEST(SessionCursor, ExtremeTimestampsDoNotOverflow) {
  {
    // -infinity then infinity: the difference (2^64 - 1) exceeds every gap.
    SessionCursor c(SessionParams::make(INT64_MAX));
    EXPECT_EQ(c.next(INT64_MIN), 1);
    EXPECT_EQ(c.next(INT64_MAX), 2);
  }
  {
    SessionCursor c(SessionParams::make(INT64_MAX));
    EXPECT_EQ(c.next(0), 1);
    EXPECT_EQ(c.next(INT64_MAX), 1);  // difference INT64_MAX == gap: stays
  }
  {
    SessionCursor c(SessionParams::make(INT64_MAX - 1));
    EXPECT_EQ(c.next(-1), 1);
    EXPECT_EQ(c.next(INT64_MAX - 1), 2);  // difference INT64_MAX > gap
  }
  {
    // Valid PostgreSQL range: 4714 BC .. 294276 AD; span > INT64_MAX.
    SessionCursor c(SessionParams::make(kHour, INT64_MAX));
    EXPECT_EQ(c.next(-211813488000000000), 1);
    EXPECT_EQ(c.next(9223371331199999999), 2);
  }
}

TEST(SessionCursor, PeerCheck) {
  SessionCursor c(SessionParams::make(kMin));
  EXPECT_FALSE(c.mixed_since_mark());
  c.next(1);
  c.next(1);
  EXPECT_FALSE(c.mixed_since_mark());  // peers with one ts
  c.mark();
  c.next(2);  // first row after a mark: not mixed
  EXPECT_FALSE(c.mixed_since_mark());
  c.next(3);
  EXPECT_TRUE(c.mixed_since_mark());  // two timestamps in one peer group
  c.mark();
  EXPECT_FALSE(c.mixed_since_mark());
  EXPECT_EQ(c.number(), 1);  // the flags do not change the numbering
}

TEST(SessionCursor, NullRows) {
  SessionCursor c(SessionParams::make(kMin));
  c.skip_null();  // NULLS FIRST
  EXPECT_TRUE(c.null_last());
  EXPECT_TRUE(c.empty());
  c.next(10);
  EXPECT_FALSE(c.null_last());
  c.skip_null();  // NULLS LAST: the numbering is unaffected
  EXPECT_TRUE(c.null_last());
  EXPECT_EQ(c.number(), 1);
  EXPECT_EQ(c.next(10 + kMin), 1);
}

TEST(SessionCursor, BatchMatchesCursor) {
  const auto p = SessionParams::make(10, 25);
  const std::vector<int64_t> ts = {0, 5, 10, 21, 26, 30, 30, 52, 60, 70, 80};
  std::vector<int64_t> num(ts.size()), st(ts.size());
  session_numbers(ts.data(), ts.size(), p, num.data(), st.data());
  EXPECT_EQ(num, numbers_of(ts, p));
  EXPECT_EQ(st, starts_of(ts, p));
  session_numbers(ts.data(), ts.size(), p, nullptr, nullptr);  // outputs optional
  session_numbers(nullptr, 0, p, nullptr, nullptr);
  const std::vector<int64_t> bad = {1, 0};
  expect_error("22023", [&] { session_numbers(bad.data(), 2, p, num.data(), nullptr); });
}

// ---------------------------------------------------------------------------
// session_summary by hand

TEST(SessionSummary, HandExample) {
  SessionSummaryState s(SessionParams::make(30 * kMin));
  // Sessions: [0, 10, 20] (20 min), [100] (bounce), [200, 205] (5 min). Any order.
  for (int64_t m : {200, 10, 100, 0, 205, 20}) s.add(m * kMin);
  const SessionSummary r = s.summarize();
  EXPECT_EQ(r.sessions, 3);
  EXPECT_EQ(r.events, 6);
  EXPECT_EQ(r.total_duration, 25 * kMin);
  EXPECT_EQ(r.bounces, 1);
  EXPECT_EQ(r.first_start, 0);
  EXPECT_EQ(r.last_end, 205 * kMin);
}

TEST(SessionSummary, AllBouncesAndOneEvent) {
  SessionSummaryState s(SessionParams::make(kMin));
  s.add(0);
  SessionSummary r = s.summarize();
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(r.events, 1);
  EXPECT_EQ(r.total_duration, 0);
  EXPECT_EQ(r.bounces, 1);
  EXPECT_EQ(r.first_start, 0);
  EXPECT_EQ(r.last_end, 0);
  s.add(10 * kMin);
  s.add(5 * kMin);
  r = s.summarize();
  EXPECT_EQ(r.sessions, 3);
  EXPECT_EQ(r.bounces, 3);
  EXPECT_EQ(r.total_duration, 0);
  EXPECT_EQ(r.last_end, 10 * kMin);
}

TEST(SessionSummary, EqualTimestampsAreNotABounce) {
  SessionSummaryState s(SessionParams::make(kMin));
  s.add(7);
  s.add(7);
  const SessionSummary r = s.summarize();
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(r.events, 2);
  EXPECT_EQ(r.bounces, 0);  // one session with two events
  EXPECT_EQ(r.total_duration, 0);
}

TEST(SessionSummary, MaxDuration) {
  SessionSummaryState s(SessionParams::make(30 * kMin, kHour));
  // Steps of 20 min from 0 to 200: max_duration splits at 80 (80 > 60) and 160.
  for (int m = 0; m <= 200; m += 20) s.add(m * kMin);
  const SessionSummary r = s.summarize();
  EXPECT_EQ(r.sessions, 3);  // [0..60], [80..140], [160..200]
  EXPECT_EQ(r.events, 11);
  EXPECT_EQ(r.total_duration, (60 + 60 + 40) * kMin);
  EXPECT_EQ(r.bounces, 0);
}

TEST(SessionSummary, Empty) {
  SessionSummaryState s(SessionParams::make(kMin));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.summarize(), SessionSummary{});
  EXPECT_EQ(summarize_sorted_sessions(nullptr, 0, SessionParams::make(1)), SessionSummary{});
}

TEST(SessionSummary, TotalDurationSaturates) {
  SessionSummaryState s(SessionParams::make(INT64_MAX));
  s.add(INT64_MIN + 1);
  s.add(0);
  s.add(INT64_MAX);  // both differences are INT64_MAX == gap: one session
  const SessionSummary r = s.summarize();
  EXPECT_EQ(r.sessions, 1);
  EXPECT_EQ(r.total_duration, INT64_MAX);  // true sum 2^64 - 2, saturated
}

TEST(SessionSummary, ParamsMustMatch) {
  SessionSummaryState a(SessionParams::make(kMin));
  EXPECT_NO_THROW(a.check_params(SessionParams::make(kMin)));
  expect_error("22023", [&] { a.check_params(SessionParams::make(2 * kMin)); });
  expect_error("22023", [&] { a.check_params(SessionParams::make(kMin, kHour)); });
  SessionSummaryState b(SessionParams::make(kMin, kHour));
  b.add(1);
  expect_error("22023", [&] { a.combine(b); });
}

TEST(SessionSummary, SortedInputNeedsNoSortAndStaysValid) {
  SessionSummaryState s(SessionParams::make(10));
  for (int64_t t : {1, 2, 3, 50}) s.add(t);
  const SessionSummary r1 = s.summarize();
  s.add(4);  // add after a final: the state stays valid
  const SessionSummary r2 = s.summarize();
  EXPECT_EQ(r1.events, 4);
  EXPECT_EQ(r2.events, 5);
  EXPECT_EQ(r2.sessions, 2);
  EXPECT_EQ(s.sorted_timestamps(), (std::vector<int64_t>{1, 2, 3, 4, 50}));
}

// ---------------------------------------------------------------------------
// Serialization

std::string bytes_of(SessionSummaryState& s) {
  std::string out;
  s.serialize(out);
  return out;
}

SessionSummaryState decode(const std::string& b) {
  return SessionSummaryState::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
}

TEST(SessionSummarySerialize, RoundTrip) {
  for (const auto& p : {SessionParams::make(kMin), SessionParams::make(kMin, kHour)}) {
    SessionSummaryState s(p);
    std::string empty = bytes_of(s);
    SessionSummaryState e = decode(empty);
    EXPECT_TRUE(e.empty());
    EXPECT_EQ(e.params(), p);
    for (int64_t t : std::vector<int64_t>{INT64_MAX, 5, INT64_MIN, 5, -3, 0, 1000000000000}) s.add(t);
    const std::string b = bytes_of(s);
    SessionSummaryState d = decode(b);
    EXPECT_EQ(d.params(), p);
    EXPECT_EQ(d.sorted_timestamps(), s.sorted_timestamps());
    EXPECT_EQ(d.summarize(), s.summarize());
    EXPECT_EQ(bytes_of(d), b);
  }
}

TEST(SessionSummarySerialize, CompactForTypicalGaps) {
  SessionSummaryState s(SessionParams::make(30 * kMin));
  for (int i = 0; i < 1000; ++i) s.add(int64_t{800000000} * kSec + i * 97 * kSec);
  const std::string b = bytes_of(s);
  EXPECT_LT(b.size(), 1000u * 5);  // 97 s = 9.7e7 µs: a 4-byte varint per row
}

TEST(SessionSummarySerialize, RejectsEveryTruncationAndAppendedBytes) {
  SessionSummaryState s(SessionParams::make(kMin, kHour));
  for (int64_t t : std::vector<int64_t>{1, 300, 70000000000, -5}) s.add(t);
  const std::string b = bytes_of(s);
  for (size_t n = 0; n < b.size(); ++n)
    expect_error("22P02", [&] {
      SessionSummaryState::deserialize(reinterpret_cast<const uint8_t*>(b.data()), n);
    });
  expect_error("22P02", [&] { decode(b + std::string(1, '\0')); });
  expect_error("22P02", [&] { SessionSummaryState::deserialize(nullptr, 0); });
}

TEST(SessionSummarySerialize, RejectsMalformedFields) {
  SessionSummaryState s(SessionParams::make(kMin));
  s.add(10);
  s.add(20);
  const std::string good = bytes_of(s);
  // Layout: [0] version, [1..8] gap, [9..16] max, [17] count varint, [18..25] first, [26] delta
  ASSERT_EQ(good.size(), 27u);
  {
    std::string b = good;
    b[0] = 2;  // unknown version
    const Error e = expect_error("22P02", [&] { decode(b); });
    EXPECT_NE(e.hint().find("same version"), std::string::npos);
  }
  {
    std::string b = good;
    for (int i = 1; i <= 8; ++i) b[i] = 0;  // gap 0
    expect_error("22P02", [&] { decode(b); });
  }
  {
    std::string b = good;
    b[8] = static_cast<char>(0x80);  // gap > INT64_MAX
    expect_error("22P02", [&] { decode(b); });
  }
  {
    std::string b = good;
    for (int i = 9; i <= 16; ++i) b[i] = 0;  // max_duration 0 < gap
    expect_error("22P02", [&] { decode(b); });
  }
  {
    std::string b = good;
    b[17] = 3;  // count 3, only two values
    expect_error("22P02", [&] { decode(b); });
  }
  {
    // Huge count: rejected before any allocation.
    std::string b = good.substr(0, 17);
    for (int i = 0; i < 9; ++i) b.push_back(static_cast<char>(0xFF));
    b.push_back(1);
    b += good.substr(18);
    expect_error("22P02", [&] { decode(b); });
  }
  {
    // Non-canonical varint delta: 10 as 0x8A 0x00.
    std::string b = good.substr(0, 26);
    b.push_back(static_cast<char>(0x8A));
    b.push_back(0);
    expect_error("22P02", [&] { decode(b); });
  }
  {
    // Delta past INT64_MAX: first = INT64_MAX - 1, delta 2.
    std::string b = good.substr(0, 18);
    const uint64_t first = static_cast<uint64_t>(INT64_MAX) - 1;
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>(first >> (8 * i)));
    b.push_back(2);
    expect_error("22P02", [&] { decode(b); });
    b.back() = 1;  // exactly INT64_MAX: fine
    EXPECT_EQ(decode(b).sorted_timestamps().back(), INT64_MAX);
  }
  {
    // 11-byte varint.
    std::string b = good.substr(0, 26);
    for (int i = 0; i < 10; ++i) b.push_back(static_cast<char>(0x81));
    b.push_back(1);
    expect_error("22P02", [&] { decode(b); });
  }
}

TEST(SessionSummarySerialize, RandomCorruptionNeverCrashes) {
  std::mt19937_64 rng(7);
  SessionSummaryState s(SessionParams::make(kMin, kHour));
  for (int i = 0; i < 50; ++i) s.add(static_cast<int64_t>(rng() % 100000000000));
  const std::string good = bytes_of(s);
  int rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
    try {
      SessionSummaryState d = decode(b);
      // Accepted bytes decode to a valid state.
      const auto& ts = d.sorted_timestamps();
      EXPECT_TRUE(std::is_sorted(ts.begin(), ts.end()));
      d.summarize();
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), "22P02");
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
}

// ---------------------------------------------------------------------------
// Randomized: against naive references

// Naive session numbering in 128-bit arithmetic, the spec's words literally:
// a row starts a new session when its gap to the previous row exceeds `gap`
// or when its distance to the session's first row exceeds max_duration.
std::vector<int64_t> naive_numbers(const std::vector<int64_t>& sorted, __int128 gap,
                                   __int128 max_duration /* < 0: none */) {
  std::vector<int64_t> out;
  std::vector<std::vector<int64_t>> sessions;
  for (int64_t t : sorted) {
    bool fresh = sessions.empty();
    if (!fresh) {
      const auto& cur = sessions.back();
      const __int128 g = static_cast<__int128>(t) - cur.back();
      const __int128 d = static_cast<__int128>(t) - cur.front();
      fresh = g > gap || (max_duration >= 0 && d > max_duration);
    }
    if (fresh) sessions.emplace_back();
    sessions.back().push_back(t);
    out.push_back(static_cast<int64_t>(sessions.size()));
  }
  return out;
}

SessionSummary naive_summary(const std::vector<int64_t>& sorted, __int128 gap,
                             __int128 max_duration) {
  SessionSummary r;
  if (sorted.empty()) return r;
  const auto num = naive_numbers(sorted, gap, max_duration);
  __int128 total = 0;
  size_t i = 0;
  while (i < sorted.size()) {
    size_t j = i;
    while (j + 1 < sorted.size() && num[j + 1] == num[i]) ++j;
    total += static_cast<__int128>(sorted[j]) - sorted[i];
    if (i == j) ++r.bounces;
    ++r.sessions;
    i = j + 1;
  }
  r.events = static_cast<int64_t>(sorted.size());
  r.total_duration = total > INT64_MAX ? INT64_MAX : static_cast<int64_t>(total);
  r.first_start = sorted.front();
  r.last_end = sorted.back();
  return r;
}

struct Case {
  std::vector<int64_t> ts;  // unsorted
  SessionParams p;
  __int128 gap, max;
};

Case random_case(std::mt19937_64& rng) {
  Case c;
  const int kind = static_cast<int>(rng() % 4);
  const int n = static_cast<int>(rng() % 40);
  int64_t gap, max = -1;
  if (kind == 3) {
    // Extreme values: overflow checks.
    const int64_t pool[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX,
                            -211813488000000000, 9223371331199999999};
    for (int i = 0; i < n; ++i) c.ts.push_back(pool[rng() % 9]);
    const int64_t gaps[] = {1, INT64_MAX, INT64_MAX / 2, 1000};
    gap = gaps[rng() % 4];
    if (rng() % 2) max = gap + static_cast<int64_t>(rng() % 2 ? 0 : (INT64_MAX - gap) / 2);
  } else {
    const int64_t span = kind == 0 ? 50 : kind == 1 ? 1000 : 10 * kDay;
    const int64_t base = static_cast<int64_t>(rng() % 2000000) * kSec - 1000000 * kSec;
    for (int i = 0; i < n; ++i) c.ts.push_back(base + static_cast<int64_t>(rng() % span));
    gap = 1 + static_cast<int64_t>(rng() % (span / 5 + 1));
    if (rng() % 2) max = gap + static_cast<int64_t>(rng() % (span / 2 + 1));
  }
  c.p = max < 0 ? SessionParams::make(gap) : SessionParams::make(gap, max);
  c.gap = gap;
  c.max = max;
  return c;
}

TEST(SessionRandomized, CursorAndSummaryMatchNaive) {
  std::mt19937_64 rng(12345);
  int split_by_max = 0;  // cases where max_duration changes the answer
  for (int iter = 0; iter < 20000; ++iter) {
    Case c = random_case(rng);
    std::vector<int64_t> sorted = c.ts;
    std::sort(sorted.begin(), sorted.end());
    const auto expect = naive_numbers(sorted, c.gap, c.max);
    split_by_max += c.max >= 0 && expect != naive_numbers(sorted, c.gap, -1);
    ASSERT_EQ(numbers_of(sorted, c.p), expect) << "iter " << iter;
    // session_start = first ts with the same number.
    const auto st = starts_of(sorted, c.p);
    for (size_t i = 0; i < sorted.size(); ++i) {
      size_t j = i;
      while (j > 0 && expect[j - 1] == expect[i]) --j;
      ASSERT_EQ(st[i], sorted[j]);
    }
    SessionSummaryState s(c.p);
    for (int64_t t : c.ts) s.add(t);
    ASSERT_EQ(s.summarize(), naive_summary(sorted, c.gap, c.max)) << "iter " << iter;
  }
  EXPECT_GT(split_by_max, 20000 / 10);
}

TEST(SessionRandomized, CombineOfRandomSplitsEqualsWhole) {
  std::mt19937_64 rng(999);
  for (int iter = 0; iter < 5000; ++iter) {
    Case c = random_case(rng);
    SessionSummaryState whole(c.p);
    for (int64_t t : c.ts) whole.add(t);
    const SessionSummary expect = whole.summarize();
    // Split into 1..4 parts at random, optionally serialize each part (as a
    // parallel worker would), combine in random order.
    const int parts = 1 + static_cast<int>(rng() % 4);
    std::vector<SessionSummaryState> ps(parts, SessionSummaryState(c.p));
    for (int64_t t : c.ts) ps[rng() % parts].add(t);
    if (rng() % 2)
      for (auto& part : ps) part = decode(bytes_of(part));
    std::shuffle(ps.begin(), ps.end(), rng);
    // Into an empty state, or into the first part.
    SessionSummaryState acc(c.p);
    size_t first = 0;
    if (rng() % 2) acc = std::move(ps[first++]);
    for (size_t i = first; i < ps.size(); ++i) acc.combine(ps[i]);
    ASSERT_EQ(acc.summarize(), expect) << "iter " << iter;
  }
}

}  // namespace
