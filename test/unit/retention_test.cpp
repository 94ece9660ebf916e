#include "cdp/core/retention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cdp/core/error.h"

namespace {

using cdp::core::add_interval;
using cdp::core::calendar_unit_index;
using cdp::core::CalendarUnit;
using cdp::core::civil_from_days;
using cdp::core::CivilDate;
using cdp::core::days_from_civil;
using cdp::core::days_in_month;
using cdp::core::Error;
using cdp::core::IntervalParts;
using cdp::core::kMaxRetentionConditions;
using cdp::core::kMaxRetentionPeriods;
using cdp::core::parse_retention_mode;
using cdp::core::RetentionConditions;
using cdp::core::RetentionCounts;
using cdp::core::RetentionMode;
using cdp::core::RetentionPeriodsParams;
using cdp::core::RetentionPeriodsState;

constexpr int64_t kSec = 1000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kUnixToPg = 946684800;  // seconds from 1970-01-01 to 2000-01-01

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

// Wall-clock timestamp (PostgreSQL µs) from a civil date and time.
int64_t ts(int64_t y, int mo, int d, int h = 0, int mi = 0, int64_t s = 0, int64_t us = 0) {
  return days_from_civil(y, mo, d) * kDay + h * kHour + mi * kMin + s * kSec + us;
}

IntervalParts iv(int32_t months, int32_t days, int64_t micros) {
  IntervalParts p;
  p.months = months;
  p.days = days;
  p.micros = micros;
  return p;
}

RetentionMode mode(const char* text) { return parse_retention_mode(text); }

struct Row {
  bool anchor;
  int64_t ts;
  bool active;
};

std::vector<int32_t> run(const std::vector<Row>& rows, IntervalParts period, int periods,
                         const char* m = "") {
  RetentionPeriodsState s(RetentionPeriodsParams::make(period, periods, mode(m)));
  for (const Row& r : rows) s.add(r.anchor, r.ts, r.active);
  return s.result();
}

using V = std::vector<int32_t>;

// ---------------------------------------------------------------------------
// Civil calendar

TEST(RetentionCivil, KnownDays) {
  EXPECT_EQ(days_from_civil(2000, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1970, 1, 1), -10957);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 60);  // 2000 is a leap year
  EXPECT_EQ(days_from_civil(2026, 1, 1), 9497);
  EXPECT_EQ(days_from_civil(-4713, 11, 24), -2451545);  // PostgreSQL's first date (4714 BC)
  const CivilDate c = civil_from_days(-2451545);
  EXPECT_EQ(c.year, -4713);
  EXPECT_EQ(c.month, 11);
  EXPECT_EQ(c.day, 24);
}

TEST(RetentionCivil, RoundTripAndAgreesWithTimegm) {
  for (int64_t d = -800000; d <= 800000; d += 7) {
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, days_in_month(c.year, c.month));
  }
  for (int64_t d = -30000; d <= 30000; ++d) {  // 1918 .. 2082
    const time_t t = static_cast<time_t>(d * 86400 + kUnixToPg);
    struct tm g;
    gmtime_r(&t, &g);
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(c.year, g.tm_year + 1900);
    ASSERT_EQ(c.month, g.tm_mon + 1);
    ASSERT_EQ(c.day, g.tm_mday);
  }
}

TEST(RetentionCivil, DaysInMonth) {
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2025, 2), 28);
  EXPECT_EQ(days_in_month(0, 2), 29);  // 1 BC
  EXPECT_EQ(days_in_month(-100, 2), 28);
  EXPECT_EQ(days_in_month(2025, 4), 30);
  EXPECT_EQ(days_in_month(2025, 12), 31);
}

TEST(RetentionCivil, AddIntervalLikePostgres) {
  // Month clamping: Jan 31 + 1 month.
  EXPECT_EQ(add_interval(ts(2024, 1, 31, 10), iv(1, 0, 0)), ts(2024, 2, 29, 10));
  EXPECT_EQ(add_interval(ts(2025, 1, 31, 10), iv(1, 0, 0)), ts(2025, 2, 28, 10));
  // k * period is measured from the start: Jan 31 + 2 months = Mar 31.
  EXPECT_EQ(add_interval(ts(2025, 1, 31, 10), iv(1, 0, 0), 2), ts(2025, 3, 31, 10));
  // Months, then days: Jan 31 + '1 month 1 day' = Feb 28 + 1 day = Mar 1.
  EXPECT_EQ(add_interval(ts(2025, 1, 31), iv(1, 1, 0)), ts(2025, 3, 1));
  // k = 2 of '1 month 1 day' = '2 months 2 days': Mar 31 + 2 days = Apr 2.
  EXPECT_EQ(add_interval(ts(2025, 1, 31), iv(1, 1, 0), 2), ts(2025, 4, 2));
  EXPECT_EQ(add_interval(ts(2025, 3, 31), iv(-1, 0, 0)), ts(2025, 2, 28));
  EXPECT_EQ(add_interval(ts(2025, 12, 15, 1, 2, 3, 4), iv(1, 0, 0)), ts(2026, 1, 15, 1, 2, 3, 4));
  EXPECT_EQ(add_interval(ts(2025, 12, 15), iv(13, 0, 0)), ts(2027, 1, 15));
  EXPECT_EQ(add_interval(ts(2025, 1, 15), iv(-13, 0, 0)), ts(2023, 12, 15));
  EXPECT_EQ(add_interval(ts(2024, 2, 29), iv(12, 0, 0)), ts(2025, 2, 28));
  // Days and time are plain wall-clock arithmetic, also before 2000.
  EXPECT_EQ(add_interval(ts(1999, 12, 31, 23), iv(0, 0, kHour)), ts(2000, 1, 1));
  EXPECT_EQ(add_interval(ts(1999, 12, 31, 23, 30), iv(0, 1, 0)), ts(2000, 1, 1, 23, 30));
  // Jan 31 23:30 + 1 day = Feb 1 23:30, + 1 hour = Feb 2 00:30.
  EXPECT_EQ(add_interval(ts(1999, 12, 31, 23, 30), iv(1, 1, kHour)), ts(2000, 2, 2, 0, 30));
  EXPECT_EQ(add_interval(ts(1969, 1, 31, 5), iv(1, 0, 0)), ts(1969, 2, 28, 5));
  // k = 0 and infinities.
  EXPECT_EQ(add_interval(ts(2025, 1, 31), iv(1, 1, 1), 0), ts(2025, 1, 31));
  EXPECT_EQ(add_interval(INT64_MAX, iv(1, 1, 1), 5), INT64_MAX);
  EXPECT_EQ(add_interval(INT64_MIN, iv(1, 1, 1), 5), INT64_MIN);
  // Saturation instead of overflow.
  EXPECT_EQ(add_interval(0, iv(INT32_MAX, 0, 0), INT64_MAX), INT64_MAX);
  EXPECT_EQ(add_interval(0, iv(INT32_MAX, 0, 0), INT64_MIN), INT64_MIN);
  EXPECT_EQ(add_interval(0, iv(0, INT32_MAX, 0), INT64_MAX), INT64_MAX);
  EXPECT_EQ(add_interval(0, iv(0, 0, INT64_MAX), INT64_MAX), INT64_MAX);
  EXPECT_EQ(add_interval(0, iv(0, 0, INT64_MAX), INT64_MIN), INT64_MIN);
  EXPECT_EQ(add_interval(ts(294000, 1, 1), iv(0, 1000, 0), 1000), INT64_MAX);
  EXPECT_EQ(add_interval(9223371331199999999, iv(1, 0, 0)), INT64_MAX);
  // Mar 1 - 1 day = Feb 29 (leap year), - 1 µs.
  EXPECT_EQ(add_interval(ts(2000, 1, 1), iv(2, -1, -1)), ts(2000, 2, 28, 23, 59, 59, 999999));
}

TEST(RetentionCivil, CalendarUnits) {
  using U = CalendarUnit;
  EXPECT_EQ(calendar_unit_index(0, U::kDay), 0);
  EXPECT_EQ(calendar_unit_index(-1, U::kDay), -1);
  EXPECT_EQ(calendar_unit_index(kDay - 1, U::kDay), 0);
  EXPECT_EQ(calendar_unit_index(kDay, U::kDay), 1);
  // ISO weeks: 2000-01-01 (Sat) and 01-02 (Sun) are in the week of Mon 1999-12-27.
  EXPECT_EQ(calendar_unit_index(ts(1999, 12, 27), U::kWeek), 0);
  EXPECT_EQ(calendar_unit_index(ts(1999, 12, 26, 23, 59), U::kWeek), -1);
  EXPECT_EQ(calendar_unit_index(ts(2000, 1, 1), U::kWeek), 0);
  EXPECT_EQ(calendar_unit_index(ts(2000, 1, 2, 23, 59), U::kWeek), 0);
  EXPECT_EQ(calendar_unit_index(ts(2000, 1, 3), U::kWeek), 1);
  // 2026-01-01 is a Thursday: same week as Mon 2025-12-29 .. Sun 2026-01-04.
  const int64_t w = calendar_unit_index(ts(2025, 12, 29), U::kWeek);
  EXPECT_EQ(calendar_unit_index(ts(2026, 1, 1, 12), U::kWeek), w);
  EXPECT_EQ(calendar_unit_index(ts(2026, 1, 4, 23, 59, 59, 999999), U::kWeek), w);
  EXPECT_EQ(calendar_unit_index(ts(2026, 1, 5), U::kWeek), w + 1);
  EXPECT_EQ(calendar_unit_index(ts(2000, 1, 31), U::kMonth), 0);
  EXPECT_EQ(calendar_unit_index(ts(2000, 2, 1), U::kMonth), 1);
  EXPECT_EQ(calendar_unit_index(ts(1999, 12, 31, 23), U::kMonth), -1);
  EXPECT_EQ(calendar_unit_index(ts(2026, 1, 1), U::kMonth), 26 * 12);
}

// ---------------------------------------------------------------------------
// retention(VARIADIC conds)

TEST(Retention, Basics) {
  RetentionConditions r(3);
  EXPECT_EQ(r.result(), (V{0, 0, 0}));  // empty group: all zeros
  r.set(2);
  EXPECT_EQ(r.result(), (V{0, 0, 0}));  // cond 3 without cond 1
  r.set(0);
  EXPECT_EQ(r.result(), (V{1, 0, 1}));
  r.set(1);
  EXPECT_EQ(r.result(), (V{1, 1, 1}));
  RetentionConditions one(1);
  EXPECT_EQ(one.result(), (V{0}));
  one.set(0);
  EXPECT_EQ(one.result(), (V{1}));
}

TEST(Retention, Limits) {
  expect_error("22023", [] { RetentionConditions r(0); });
  expect_error("22023", [] { RetentionConditions r(-3); });
  expect_error("54000", [] { RetentionConditions r(kMaxRetentionConditions + 1); });
  for (int n : {63, 64, 65, 128, 129, kMaxRetentionConditions}) {
    RetentionConditions r(n);
    r.set(0);
    r.set(n - 1);
    std::vector<int32_t> expect(n, 0);
    expect[0] = 1;
    expect[n - 1] = 1;
    EXPECT_EQ(r.result(), expect) << n;
    RetentionConditions o(n);
    o.or_word((n - 1) / 64 == 0 ? 0 : 1, 1);  // condition 64 (0-based) when n > 64
    r.combine(o);
    if (n > 64) expect[64] = 1;
    else expect[0] = 1;
    EXPECT_EQ(r.result(), expect) << n;
  }
}

TEST(Retention, SizeMustMatch) {
  RetentionConditions a(3), b(4);
  EXPECT_NO_THROW(a.check_size(3));
  expect_error("22023", [&] { a.check_size(4); });
  expect_error("22023", [&] { a.combine(b); });
}

TEST(Retention, CombineIsOr) {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 2000; ++iter) {
    const int n = 1 + static_cast<int>(rng() % 200);
    RetentionConditions whole(n), a(n), b(n);
    for (int row = 0; row < 10; ++row) {
      RetentionConditions& part = rng() % 2 ? a : b;
      for (int i = 0; i < n; ++i)
        if (rng() % 7 == 0) {
          whole.set(i);
          part.set(i);
        }
    }
    a.combine(b);
    ASSERT_EQ(a.result(), whole.result());
  }
}

TEST(Retention, SerializeRoundTripAndRejects) {
  for (int n : {1, 5, 64, 65, 1024}) {
    RetentionConditions r(n);
    for (int i = 0; i < n; i += 3) r.set(i);
    std::string b;
    r.serialize(b);
    const auto* p = reinterpret_cast<const uint8_t*>(b.data());
    RetentionConditions d = RetentionConditions::deserialize(p, b.size());
    EXPECT_EQ(d.size(), n);
    EXPECT_EQ(d.result(), r.result());
    for (size_t len = 0; len < b.size(); ++len)
      expect_error("22P02", [&] { RetentionConditions::deserialize(p, len); });
    std::string longer = b + "x";
    expect_error("22P02", [&] {
      RetentionConditions::deserialize(reinterpret_cast<const uint8_t*>(longer.data()),
                                       longer.size());
    });
  }
  {
    RetentionConditions r(5);
    std::string b;
    r.serialize(b);
    b[2] = static_cast<char>(0x20);  // bit 5 set, beyond 5 conditions
    expect_error("22P02", [&] {
      RetentionConditions::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    });
    b[2] = 0;
    b[1] = 0;  // 0 conditions
    expect_error("22P02", [&] {
      RetentionConditions::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    });
    b[1] = 5;
    b[0] = 9;  // version
    expect_error("22P02", [&] {
      RetentionConditions::deserialize(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    });
  }
}

// ---------------------------------------------------------------------------
// retention_counts

TEST(RetentionCounts, IssueExample) {
  // 80 users met cond1; of them 50 met cond2 and 60 met cond3 -> {80, 50, 60}.
  RetentionCounts c;
  EXPECT_FALSE(c.started());
  for (int u = 0; u < 100; ++u) {
    const int32_t r[3] = {u < 80, u < 50, u >= 20 && u < 80};
    c.add(r, 3);
  }
  EXPECT_EQ(c.sums(), (std::vector<int64_t>{80, 50, 60}));
  RetentionCounts other;
  const int32_t r[3] = {1, 1, 0};
  other.add(r, 3);
  c.add(other.sums().data(), other.sums().size());  // combine
  EXPECT_EQ(c.sums(), (std::vector<int64_t>{81, 51, 60}));
}

TEST(RetentionCounts, Errors) {
  RetentionCounts c;
  const int32_t r[3] = {1, 0, 1};
  c.add(r, 3);
  expect_error("22023", [&] { c.add(r, 2); });
  const int64_t big[3] = {INT64_MAX, 0, 0};
  expect_error("22003", [&] { c.add(big, 3); });
  RetentionCounts empty;
  empty.add(static_cast<const int32_t*>(nullptr), 0);
  EXPECT_TRUE(empty.started());
  EXPECT_TRUE(empty.sums().empty());
  expect_error("22023", [&] { empty.add(r, 3); });
}

// ---------------------------------------------------------------------------
// retention_periods: parameters

TEST(RetentionPeriodsParams, Modes) {
  EXPECT_EQ(mode(""), RetentionMode{});
  EXPECT_EQ(mode("  "), RetentionMode{});
  EXPECT_TRUE(mode("on_or_after").on_or_after);
  EXPECT_FALSE(mode("on_or_after").calendar);
  EXPECT_TRUE(mode("calendar").calendar);
  const RetentionMode both = mode(" calendar , on_or_after ");
  EXPECT_TRUE(both.calendar && both.on_or_after);
  EXPECT_TRUE(mode("calendar,calendar").calendar);
  expect_error("22023", [] { mode("bogus"); });
  expect_error("22023", [] { mode("calendar,"); });
  expect_error("22023", [] { mode(",calendar"); });
  expect_error("22023", [] { mode("CALENDAR"); });
  expect_error("22023", [] { mode("calendar on_or_after"); });
}

TEST(RetentionPeriodsParams, Validation) {
  const RetentionMode def{}, cal = mode("calendar");
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 1, 0), 0, def); });
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 1, 0), -1, def); });
  expect_error("22023", [&] {
    RetentionPeriodsParams::make(iv(0, 1, 0), kMaxRetentionPeriods + 1, def);
  });
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 1, 0), INT64_MAX, def); });
  EXPECT_NO_THROW(RetentionPeriodsParams::make(iv(0, 1, 0), kMaxRetentionPeriods, def));
  EXPECT_NO_THROW(RetentionPeriodsParams::make(iv(0, 0, 1), 1, def));
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 0, 0), 5, def); });
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 0, -1), 5, def); });
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(0, 1, -kHour), 5, def); });
  expect_error("22023", [&] { RetentionPeriodsParams::make(iv(-1, 40, 0), 5, def); });
  EXPECT_EQ(RetentionPeriodsParams::make(iv(0, 1, 0), 5, cal).unit, CalendarUnit::kDay);
  EXPECT_EQ(RetentionPeriodsParams::make(iv(0, 7, 0), 5, cal).unit, CalendarUnit::kWeek);
  EXPECT_EQ(RetentionPeriodsParams::make(iv(1, 0, 0), 5, cal).unit, CalendarUnit::kMonth);
  EXPECT_EQ(RetentionPeriodsParams::make(iv(1, 0, 0), 5, def).unit, CalendarUnit::kNone);
  for (const IntervalParts& bad :
       {iv(0, 0, kDay), iv(0, 2, 0), iv(0, 30, 0), iv(1, 1, 0), iv(12, 0, 0), iv(0, 1, 1)}) {
    const Error e =
        expect_error("22023", [&] { RetentionPeriodsParams::make(bad, 5, cal); });
    EXPECT_NE(e.hint().find("1 week"), std::string::npos);
  }
}

TEST(RetentionPeriodsParams, MustBeTheSameOnEveryRow) {
  const auto p = RetentionPeriodsParams::make(iv(0, 1, 0), 7, {});
  RetentionPeriodsState s(p);
  EXPECT_NO_THROW(s.check_params(p));
  expect_error("22023",
               [&] { s.check_params(RetentionPeriodsParams::make(iv(0, 1, 0), 8, {})); });
  expect_error("22023",
               [&] { s.check_params(RetentionPeriodsParams::make(iv(0, 7, 0), 7, {})); });
  expect_error("22023", [&] {
    s.check_params(RetentionPeriodsParams::make(iv(0, 1, 0), 7, mode("calendar")));
  });
  RetentionPeriodsState o(RetentionPeriodsParams::make(iv(0, 1, 0), 7, mode("on_or_after")));
  expect_error("22023", [&] { s.combine(o); });
}

// ---------------------------------------------------------------------------
// retention_periods: hand-derived cases

TEST(RetentionPeriods, SpecExampleRollingVsCalendar) {
  // Anchor 2026-01-01 10:00, activity 2026-01-02 09:00, period 1 day.
  const std::vector<Row> rows = {{true, ts(2026, 1, 1, 10), false},
                                 {false, ts(2026, 1, 2, 9), true}};
  EXPECT_EQ(run(rows, iv(0, 1, 0), 3), (V{1, 0, 0, 0}));              // period 0: not reported
  EXPECT_EQ(run(rows, iv(0, 1, 0), 3, "calendar"), (V{1, 1, 0, 0}));  // period 1
  EXPECT_EQ(run(rows, iv(0, 0, 24 * kHour), 3), (V{1, 0, 0, 0}));
  // One hour later it is rolling period 1 as well.
  const std::vector<Row> later = {{true, ts(2026, 1, 1, 10), false},
                                  {false, ts(2026, 1, 2, 10), true}};
  EXPECT_EQ(run(later, iv(0, 1, 0), 3), (V{1, 1, 0, 0}));
}

TEST(RetentionPeriods, NoAnchor) {
  EXPECT_EQ(run({}, iv(0, 1, 0), 3), (V{0, 0, 0, 0}));
  EXPECT_EQ(run({{false, ts(2026, 1, 2), true}, {false, ts(2026, 1, 5), true}}, iv(0, 1, 0), 2,
                "on_or_after"),
            (V{0, 0, 0}));
  EXPECT_EQ(run({{false, ts(2026, 1, 2), true}}, iv(0, 1, 0), 1, "calendar"), (V{0, 0}));
}

TEST(RetentionPeriods, AnchorRowActiveIsPeriodZero) {
  const int64_t a = ts(2026, 3, 1, 8);
  EXPECT_EQ(run({{true, a, true}}, iv(0, 1, 0), 2), (V{1, 0, 0}));
  EXPECT_EQ(run({{true, a, true}}, iv(0, 1, 0), 2, "calendar"), (V{1, 0, 0}));
  EXPECT_EQ(run({{true, a, true}}, iv(0, 1, 0), 2, "on_or_after"), (V{1, 0, 0}));
}

TEST(RetentionPeriods, EarliestAnchorAndActivityBeforeIt) {
  const std::vector<Row> rows = {
      {true, ts(2026, 1, 10), false},
      {false, ts(2026, 1, 3, 12), true},  // before the earliest anchor (Jan 5)
      {true, ts(2026, 1, 5), false},
      {false, ts(2026, 1, 7, 1), true},  // Jan 5 + 2 days + 1 h: period 2
      {true, ts(2026, 1, 8), true},      // a later anchor is only activity
  };
  EXPECT_EQ(run(rows, iv(0, 1, 0), 4), (V{1, 0, 1, 1, 0}));
  EXPECT_EQ(run(rows, iv(0, 1, 0), 4, "calendar"), (V{1, 0, 1, 1, 0}));
  EXPECT_EQ(run(rows, iv(0, 1, 0), 4, "on_or_after"), (V{1, 1, 1, 1, 0}));
}

TEST(RetentionPeriods, BoundariesAreHalfOpen) {
  const int64_t a = ts(2026, 1, 1, 10);
  // Exactly anchor + 1 day: period 1; 1 µs before: period 0.
  EXPECT_EQ(run({{true, a, false}, {false, a + kDay - 1, true}}, iv(0, 1, 0), 2), (V{1, 0, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, a + kDay, true}}, iv(0, 1, 0), 2), (V{1, 1, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, a + 2 * kDay - 1, true}}, iv(0, 1, 0), 2),
            (V{1, 1, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, a + 3 * kDay - 1, true}}, iv(0, 1, 0), 2),
            (V{1, 0, 1}));
  EXPECT_EQ(run({{true, a, false}, {false, a + 3 * kDay, true}}, iv(0, 1, 0), 2), (V{1, 0, 0}));
  // Calendar day boundaries are midnights.
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 1, 1, 23, 59, 59, 999999), true}},
                iv(0, 1, 0), 2, "calendar"),
            (V{1, 0, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 1, 2), true}}, iv(0, 1, 0), 2, "calendar"),
            (V{1, 1, 0}));
}

TEST(RetentionPeriods, OnOrAfterIsUnbounded) {
  const int64_t a = ts(2026, 1, 1, 10);
  // Active on day 5 only, 7 periods: periods 1..5 count.
  EXPECT_EQ(run({{true, a, false}, {false, a + 5 * kDay + kHour, true}}, iv(0, 1, 0), 7,
                "on_or_after"),
            (V{1, 1, 1, 1, 1, 1, 0, 0}));
  // Active far beyond the last period: every period counts.
  EXPECT_EQ(run({{true, a, false}, {false, a + 100 * kDay, true}}, iv(0, 1, 0), 3,
                "on_or_after"),
            (V{1, 1, 1, 1}));
  EXPECT_EQ(run({{true, a, false}, {false, a + 100 * kDay, true}}, iv(0, 1, 0), 3),
            (V{1, 0, 0, 0}));
  // Combined with calendar: the spec example's activity is in calendar day 1.
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 1, 2, 9), true}}, iv(0, 1, 0), 3,
                "on_or_after,calendar"),
            (V{1, 1, 0, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 1, 2, 9), true}}, iv(0, 1, 0), 3,
                "on_or_after"),
            (V{1, 0, 0, 0}));
}

TEST(RetentionPeriods, MonthsClampLikePostgres) {
  const int64_t a = ts(2025, 1, 31, 10);
  // B(1) = Feb 28 10:00, B(2) = Mar 31 10:00, B(3) = Apr 30 10:00.
  auto at = [&](int64_t t) { return run({{true, a, false}, {false, t, true}}, iv(1, 0, 0), 3); };
  EXPECT_EQ(at(ts(2025, 2, 28, 9, 59)), (V{1, 0, 0, 0}));
  EXPECT_EQ(at(ts(2025, 2, 28, 10)), (V{1, 1, 0, 0}));
  EXPECT_EQ(at(ts(2025, 3, 31, 9)), (V{1, 1, 0, 0}));
  EXPECT_EQ(at(ts(2025, 3, 31, 10)), (V{1, 0, 1, 0}));
  EXPECT_EQ(at(ts(2025, 4, 30, 10)), (V{1, 0, 0, 1}));
  EXPECT_EQ(at(ts(2025, 5, 31, 10)), (V{1, 0, 0, 0}));  // period 4
  // Calendar months: Jan 31 -> Feb 1 is the next month.
  auto cal = [&](int64_t t) {
    return run({{true, a, false}, {false, t, true}}, iv(1, 0, 0), 3, "calendar");
  };
  EXPECT_EQ(cal(ts(2025, 2, 1)), (V{1, 1, 0, 0}));
  EXPECT_EQ(cal(ts(2025, 3, 1)), (V{1, 0, 1, 0}));
  EXPECT_EQ(cal(ts(2025, 1, 1)), (V{1, 0, 0, 0}));  // before the anchor, same month
  // Rolling month with a leap day: Feb 29 2024 + 1 month = Mar 29.
  const int64_t leap = ts(2024, 2, 29);
  EXPECT_EQ(run({{true, leap, false}, {false, ts(2024, 3, 29), true}}, iv(1, 0, 0), 2),
            (V{1, 1, 0}));
  EXPECT_EQ(run({{true, leap, false}, {false, ts(2024, 3, 28, 23), true}}, iv(1, 0, 0), 2),
            (V{1, 0, 0}));
}

TEST(RetentionPeriods, IsoWeeks) {
  // Anchor on Sunday 2026-01-04 23:00; Monday 01:00 is calendar week 1 but
  // rolling week 0.
  const int64_t a = ts(2026, 1, 4, 23);
  const std::vector<Row> rows = {{true, a, false}, {false, ts(2026, 1, 5, 1), true}};
  EXPECT_EQ(run(rows, iv(0, 7, 0), 2, "calendar"), (V{1, 1, 0}));
  EXPECT_EQ(run(rows, iv(0, 7, 0), 2), (V{1, 0, 0}));
  // Sunday 2026-01-18 is still week 2 (weeks of Jan 5 and Jan 12 are 1 and 2).
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 1, 18, 23, 59), true}}, iv(0, 7, 0), 3,
                "calendar"),
            (V{1, 0, 1, 0}));
  // Across a year end: Thursday 2026-01-01 and Monday 2025-12-29 share a week.
  EXPECT_EQ(run({{true, ts(2025, 12, 29), false}, {false, ts(2026, 1, 1), true}}, iv(0, 7, 0),
                1, "calendar"),
            (V{1, 0}));
}

TEST(RetentionPeriods, WallClockAcrossDstIsPlainArithmetic) {
  // The glue hands the core local wall-clock time. In America/New_York DST
  // starts on 2026-03-08 at 02:00 (clocks jump to 03:00): the day has 23 real
  // hours but 24 wall-clock hours, so '1 day' from Mar 7 12:00 local ends at
  // Mar 8 12:00 local, like timestamptz + interval '1 day' in that zone.
  const int64_t a = ts(2026, 3, 7, 12);
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 3, 8, 12), true}}, iv(0, 1, 0), 2),
            (V{1, 1, 0}));
  EXPECT_EQ(run({{true, a, false}, {false, ts(2026, 3, 8, 11, 59), true}}, iv(0, 1, 0), 2),
            (V{1, 0, 0}));
  // Fall back on 2026-11-01: 25 real hours, still one wall-clock day.
  const int64_t b = ts(2026, 10, 31, 12);
  EXPECT_EQ(run({{true, b, false}, {false, ts(2026, 11, 1, 12), true}}, iv(0, 1, 0), 1),
            (V{1, 1}));
  EXPECT_EQ(run({{true, b, false}, {false, ts(2026, 11, 1, 23), true}}, iv(0, 1, 0), 1,
                "calendar"),
            (V{1, 1}));
}

TEST(RetentionPeriods, PureTimePeriods) {
  const int64_t a = ts(2026, 1, 1, 10);
  const std::vector<Row> rows = {{true, a, false},
                                 {false, a + 90 * kMin, true},     // 1.5 h: hour 1
                                 {false, a + 5 * kHour, true}};    // hour 5
  EXPECT_EQ(run(rows, iv(0, 0, kHour), 5), (V{1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(run(rows, iv(0, 0, kHour), 5, "on_or_after"), (V{1, 1, 1, 1, 1, 1}));
  // A period longer than any span.
  EXPECT_EQ(run(rows, iv(0, 0, INT64_MAX), 2), (V{1, 0, 0}));
  EXPECT_EQ(run(rows, iv(0, INT32_MAX, INT64_MAX), 2), (V{1, 0, 0}));
  EXPECT_EQ(run(rows, iv(INT32_MAX, INT32_MAX, INT64_MAX), 2), (V{1, 0, 0}));
}

TEST(RetentionPeriods, InfiniteTimestamps) {
  const int64_t a = ts(2026, 1, 1);
  // Infinite actives are in no period, in every mode.
  for (const char* m : {"", "on_or_after", "calendar", "calendar,on_or_after"}) {
    EXPECT_EQ(run({{true, a, false}, {false, INT64_MAX, true}, {false, INT64_MIN, true}},
                  iv(0, 1, 0), 2, m),
              (V{1, 0, 0}))
        << m;
    // An infinite earliest anchor: element 1 only.
    EXPECT_EQ(run({{true, INT64_MIN, false}, {true, a, false}, {false, a + kDay, true}},
                  iv(0, 1, 0), 2, m),
              (V{1, 0, 0}))
        << m;
    EXPECT_EQ(run({{true, INT64_MAX, false}, {false, a + kDay, true}}, iv(0, 1, 0), 2, m),
              (V{1, 0, 0}))
        << m;
    // A finite anchor wins over +infinity.
    EXPECT_EQ(run({{true, INT64_MAX, false}, {true, a, false}, {false, a + kDay, true}},
                  iv(0, 1, 0), 2, m),
              (V{1, 1, 0}))
        << m;
  }
  // Boundaries near the end of the range saturate instead of overflowing.
  const int64_t late = 9223371331199999999 - 3 * kDay;
  EXPECT_EQ(run({{true, late, false}, {false, late + 2 * kDay, true}}, iv(1, 0, 0), 3),
            (V{1, 0, 0, 0}));
  EXPECT_EQ(run({{true, late, false}, {false, late + 2 * kDay, true}}, iv(0, 1, 0), 10),
            (V{1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(RetentionPeriods, ManyValuesCompactAndStayExact) {
  // 20,000 active rows over 3 years from a month before the anchor: values
  // past the last reported period are dropped as the buffer fills (values
  // before the anchor stay: an earlier anchor may still come).
  const int64_t a = ts(2024, 6, 1, 12);
  RetentionPeriodsState s(RetentionPeriodsParams::make(iv(0, 1, 0), 30, {}));
  s.add(true, a, false);
  std::vector<int32_t> expect(31, 0);
  expect[0] = 1;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    const int64_t t = ts(2024, 5, 1) + static_cast<int64_t>(rng() % (3 * 365 * kDay));
    s.add(false, t, true);
    if (t >= a) {
      const int64_t k = (t - a) / kDay;
      if (k >= 1 && k <= 30) expect[k] = 1;
    }
  }
  EXPECT_LT(s.num_values(), 20000u / 4);
  EXPECT_EQ(s.result(), expect);
  // Consecutive repeats cost nothing.
  RetentionPeriodsState c(RetentionPeriodsParams::make(iv(0, 1, 0), 30, mode("calendar")));
  for (int i = 0; i < 10000; ++i) c.add(false, ts(2024, 1, 1) + i * kSec, true);
  EXPECT_EQ(c.num_values(), 1u);
  RetentionPeriodsState o(RetentionPeriodsParams::make(iv(0, 1, 0), 30, mode("on_or_after")));
  for (int i = 0; i < 10000; ++i) o.add(i == 0, ts(2024, 1, 1) + i * kHour, true);
  EXPECT_EQ(o.num_values(), 0u);
  EXPECT_EQ(o.memory_bytes(), 0u);
}

// ---------------------------------------------------------------------------
// Serialization

std::string bytes_of(RetentionPeriodsState& s) {
  std::string out;
  s.serialize(out);
  return out;
}

RetentionPeriodsState decode(const std::string& b) {
  return RetentionPeriodsState::deserialize(reinterpret_cast<const uint8_t*>(b.data()),
                                            b.size());
}

TEST(RetentionPeriodsSerialize, RoundTripAndRejects) {
  const int64_t a = ts(2026, 1, 1, 10);
  for (const char* m : {"", "on_or_after", "calendar", "calendar,on_or_after"}) {
    for (const IntervalParts& period : {iv(0, 1, 0), iv(1, 0, 0)}) {
      RetentionPeriodsState s(RetentionPeriodsParams::make(period, 12, mode(m)));
      {
        const std::string b = bytes_of(s);
        RetentionPeriodsState d = decode(b);
        EXPECT_EQ(d.params(), s.params());
        EXPECT_FALSE(d.has_anchor());
        EXPECT_EQ(d.result(), s.result());
      }
      s.add(true, a, false);
      for (int i = 0; i < 40; ++i) s.add(false, a + (i * 37 % 400) * kDay / 3, true);
      s.add(false, a - kDay, true);
      const std::string b = bytes_of(s);
      RetentionPeriodsState d = decode(b);
      EXPECT_EQ(d.params(), s.params());
      EXPECT_EQ(d.anchor(), a);
      EXPECT_EQ(d.result(), s.result()) << m;
      EXPECT_EQ(bytes_of(d), b);
      const auto* p = reinterpret_cast<const uint8_t*>(b.data());
      for (size_t len = 0; len < b.size(); ++len)
        expect_error("22P02", [&] { RetentionPeriodsState::deserialize(p, len); });
      expect_error("22P02", [&] { decode(b + std::string(1, '\1')); });
    }
  }
}

TEST(RetentionPeriodsSerialize, RejectsMalformedFields) {
  RetentionPeriodsState s(RetentionPeriodsParams::make(iv(0, 1, 0), 7, {}));
  s.add(true, 1000, false);
  s.add(false, 5000, true);
  s.add(false, 9000, true);
  const std::string good = bytes_of(s);
  // [0] version [1] flags [2..5] months [6..9] days [10..17] micros [18..21] periods
  // [22..29] anchor [30..37] max active [38] count [39..46] first [47] delta
  ASSERT_EQ(good.size(), 49u);  // delta 4000 takes two bytes
  auto rejects = [&](std::string b) { expect_error("22P02", [&] { decode(b); }); };
  {
    std::string b = good;
    b[0] = 0;
    const Error e = expect_error("22P02", [&] { decode(b); });
    EXPECT_NE(e.hint().find("same version"), std::string::npos);
  }
  {
    std::string b = good;
    b[1] = 8;  // unknown flag
    rejects(b);
  }
  {
    std::string b = good;
    b[6] = 0;  // days 0: zero period
    rejects(b);
  }
  {
    std::string b = good;
    b[9] = static_cast<char>(0x80);  // negative days
    rejects(b);
  }
  {
    std::string b = good;
    b[18] = 0;  // periods 0
    rejects(b);
  }
  {
    std::string b = good;
    b[18] = 0x11;
    b[19] = 0x27;  // periods 10001
    rejects(b);
  }
  {
    std::string b = good;
    b[1] = 5;  // anchor + calendar with 1 day: accepted (values are then day numbers)
    EXPECT_NO_THROW(decode(b));
    b[6] = 2;  // calendar with 2 days
    rejects(b);
  }
  {
    std::string b = good;
    b[1] = 0;  // anchor value without the flag
    rejects(b);
  }
  {
    std::string b = good;
    b[30] = 1;  // max active set in the default mode
    rejects(b);
  }
  {
    std::string b = good;
    b[38] = 5;  // count larger than the bytes
    rejects(b);
  }
  {
    std::string b = good.substr(0, 47);
    b.push_back(0);  // delta 0: not strictly increasing
    rejects(b);
  }
  {
    std::string b = good.substr(0, 39);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>(i == 7 ? 0x80 : 0));  // INT64_MIN
    b.push_back(1);
    rejects(b);
  }
  {
    // on_or_after state carrying values.
    RetentionPeriodsState o(RetentionPeriodsParams::make(iv(0, 1, 0), 7, mode("on_or_after")));
    o.add(true, 1000, true);
    std::string b = bytes_of(o);
    EXPECT_NO_THROW(decode(b));
    b.back() = 1;  // count 1
    for (int i = 0; i < 8; ++i) b.push_back(0);
    rejects(b);
  }
}

TEST(RetentionPeriodsSerialize, RandomCorruptionNeverCrashes) {
  std::mt19937_64 rng(11);
  RetentionPeriodsState s(RetentionPeriodsParams::make(iv(1, 2, 3), 20, {}));
  s.add(true, ts(2025, 1, 31), false);
  for (int i = 0; i < 30; ++i) s.add(false, ts(2025, 1, 1) + static_cast<int64_t>(rng() % (600 * kDay)), true);
  const std::string good = bytes_of(s);
  int rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string b = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
    try {
      RetentionPeriodsState d = decode(b);
      d.result();  // accepted bytes give a valid state
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), "22P02");
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
}

// ---------------------------------------------------------------------------
// Randomized: against a naive reference built on the C library's calendar.

// ts + k * (months, days, micros) with gmtime/timegm (independent of the core).
int64_t naive_add(int64_t t, const IntervalParts& p, int64_t k) {
  int64_t sec = t / kSec;
  if (t % kSec < 0) --sec;
  const int64_t us = t - sec * kSec;
  const time_t tt = static_cast<time_t>(sec + kUnixToPg);
  struct tm g;
  gmtime_r(&tt, &g);
  const int64_t mon = static_cast<int64_t>(g.tm_year) * 12 + g.tm_mon + p.months * k;
  int64_t y = mon / 12, m = mon % 12;
  if (m < 0) {
    m += 12;
    --y;
  }
  // Days in the target month, from timegm.
  struct tm first = {}, next = {};
  first.tm_year = static_cast<int>(y);
  first.tm_mon = static_cast<int>(m);
  first.tm_mday = 1;
  next = first;
  next.tm_mon += 1;
  const int dim = static_cast<int>((timegm(&next) - timegm(&first)) / 86400);
  g.tm_year = static_cast<int>(y);
  g.tm_mon = static_cast<int>(m);
  g.tm_mday = std::min(g.tm_mday, dim);
  const int64_t s2 = static_cast<int64_t>(timegm(&g)) - kUnixToPg;
  return (s2 + p.days * k * 86400) * kSec + us + p.micros * k;
}

// Start of the calendar unit holding t (date_trunc), with gmtime.
int64_t naive_trunc(int64_t t, CalendarUnit u) {
  int64_t sec = t / kSec;
  if (t % kSec < 0) --sec;
  const time_t tt = static_cast<time_t>(sec + kUnixToPg);
  struct tm g;
  gmtime_r(&tt, &g);
  g.tm_hour = g.tm_min = g.tm_sec = 0;
  if (u == CalendarUnit::kMonth) g.tm_mday = 1;
  int64_t s = static_cast<int64_t>(timegm(&g)) - kUnixToPg;
  if (u == CalendarUnit::kWeek) s -= ((g.tm_wday + 6) % 7) * 86400;  // back to Monday
  return s * kSec;
}

std::vector<int32_t> naive_periods(const std::vector<Row>& rows, const IntervalParts& period,
                                   int periods, RetentionMode m) {
  std::vector<int32_t> out(periods + 1, 0);
  bool has = false;
  int64_t a = 0;
  for (const Row& r : rows)
    if (r.anchor && (!has || r.ts < a)) {
      a = r.ts;
      has = true;
    }
  if (!has) return out;
  out[0] = 1;
  if (a == INT64_MIN || a == INT64_MAX) return out;
  for (int k = 1; k <= periods; ++k) {
    int64_t lo, hi;
    if (m.calendar) {
      CalendarUnit u = period.months ? CalendarUnit::kMonth
                       : period.days == 7 ? CalendarUnit::kWeek
                                          : CalendarUnit::kDay;
      const int64_t start = naive_trunc(a, u);
      const IntervalParts step = u == CalendarUnit::kMonth ? iv(1, 0, 0)
                                 : u == CalendarUnit::kWeek ? iv(0, 7, 0)
                                                            : iv(0, 1, 0);
      lo = naive_add(start, step, k);
      hi = naive_add(start, step, k + 1);
    } else {
      lo = naive_add(a, period, k);
      hi = naive_add(a, period, k + 1);
    }
    for (const Row& r : rows) {
      if (!r.active || r.ts == INT64_MIN || r.ts == INT64_MAX) continue;
      if (r.ts >= lo && (m.on_or_after || r.ts < hi)) out[k] = 1;
    }
  }
  return out;
}

struct PCase {
  std::vector<Row> rows;
  IntervalParts period;
  int periods;
  RetentionMode mode;
};

PCase random_pcase(std::mt19937_64& rng) {
  static const IntervalParts kRolling[] = {
      iv(0, 0, kHour), iv(0, 0, kDay),    iv(0, 0, 2 * kHour + 13), iv(0, 1, 0),
      iv(0, 7, 0),     iv(0, 3, 0),       iv(0, 1, kHour),          iv(1, 0, 0),
      iv(2, 0, 0),     iv(1, 3, 0),       iv(1, 0, kHour),          iv(12, 0, 0),
      iv(1, 1, 1)};
  static const IntervalParts kCalendar[] = {iv(0, 1, 0), iv(0, 7, 0), iv(1, 0, 0)};
  static const char* kModes[] = {"", "on_or_after", "calendar", "calendar,on_or_after"};
  PCase c;
  c.mode = mode(kModes[rng() % 4]);
  c.period = c.mode.calendar ? kCalendar[rng() % 3] : kRolling[rng() % 13];
  c.periods = 1 + static_cast<int>(rng() % (rng() % 4 == 0 ? 60 : 12));
  // Around a random date in 1990 .. 2035, often at a month end or midnight.
  const int64_t y = 1990 + static_cast<int64_t>(rng() % 46);
  const int mo = 1 + static_cast<int>(rng() % 12);
  const int d = rng() % 3 == 0 ? days_in_month(y, mo) : 1 + static_cast<int>(rng() % 28);
  const int64_t base = ts(y, mo, d) + (rng() % 2 ? 0 : static_cast<int64_t>(rng() % kDay));
  const int n = static_cast<int>(rng() % (rng() % 8 == 0 ? 300 : 25));
  // Candidate anchor for boundary-exact activity.
  const int64_t a0 = base + static_cast<int64_t>(rng() % (3 * kDay));
  for (int i = 0; i < n; ++i) {
    Row r;
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 4) {
      // Exactly at, or 1 µs around, a rolling boundary of a0.
      const int64_t k = static_cast<int64_t>(rng() % (c.periods + 3));
      r.ts = naive_add(a0, c.period, k) + static_cast<int64_t>(rng() % 3) - 1;
    } else if (kind == 4) {
      const int64_t pool[] = {INT64_MIN, INT64_MAX, a0};
      r.ts = pool[rng() % 3];
    } else {
      const int64_t span = (c.period.months * 31 + c.period.days + 1) * kDay + c.period.micros;
      r.ts = base - span + static_cast<int64_t>(rng() % static_cast<uint64_t>(span * (c.periods + 3)));
    }
    r.anchor = rng() % 6 == 0;
    r.active = rng() % 3 != 0;
    c.rows.push_back(r);
  }
  if (rng() % 2) c.rows.push_back({true, a0, rng() % 2 == 0});
  std::shuffle(c.rows.begin(), c.rows.end(), rng);
  return c;
}

TEST(RetentionPeriodsRandomized, MatchesNaive) {
  std::mt19937_64 rng(2026);
  int with_periods = 0, with_gaps = 0;  // the data must exercise the rules
  for (int iter = 0; iter < 20000; ++iter) {
    const PCase c = random_pcase(rng);
    const auto params = RetentionPeriodsParams::make(c.period, c.periods, c.mode);
    RetentionPeriodsState s(params);
    for (const Row& r : c.rows) s.add(r.anchor, r.ts, r.active);
    const auto got = s.result();
    const auto ones = std::count(got.begin() + 1, got.end(), 1);
    with_periods += ones > 0;
    with_gaps += ones > 0 && ones < c.periods;
    ASSERT_EQ(got, naive_periods(c.rows, c.period, c.periods, c.mode))
        << "iter " << iter << " period (" << c.period.months << "," << c.period.days << ","
        << c.period.micros << ") periods " << c.periods << " calendar " << c.mode.calendar
        << " on_or_after " << c.mode.on_or_after;
  }
  EXPECT_GT(with_periods, 20000 / 3);
  EXPECT_GT(with_gaps, 20000 / 5);
}

TEST(RetentionPeriodsRandomized, CombineOfRandomSplitsEqualsWhole) {
  std::mt19937_64 rng(77);
  for (int iter = 0; iter < 5000; ++iter) {
    const PCase c = random_pcase(rng);
    const auto params = RetentionPeriodsParams::make(c.period, c.periods, c.mode);
    RetentionPeriodsState whole(params);
    for (const Row& r : c.rows) whole.add(r.anchor, r.ts, r.active);
    const auto expect = whole.result();
    const int parts = 1 + static_cast<int>(rng() % 4);
    std::vector<RetentionPeriodsState> ps(parts, RetentionPeriodsState(params));
    for (const Row& r : c.rows) ps[rng() % parts].add(r.anchor, r.ts, r.active);
    if (rng() % 2)
      for (auto& part : ps) part = decode(bytes_of(part));
    std::shuffle(ps.begin(), ps.end(), rng);
    RetentionPeriodsState acc(params);
    size_t first = 0;
    if (rng() % 2) acc = std::move(ps[first++]);
    for (size_t i = first; i < ps.size(); ++i) acc.combine(ps[i]);
    ASSERT_EQ(acc.result(), expect) << "iter " << iter;
  }
}

}  // namespace
