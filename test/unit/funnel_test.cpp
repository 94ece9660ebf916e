#include "cdp/core/funnel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <climits>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cdp/core/error.h"

namespace {

using cdp::core::Error;
using cdp::core::FunnelEvent;
using cdp::core::FunnelEvents;
using cdp::core::FunnelMode;
using cdp::core::kMaxFunnelSteps;
using cdp::core::parse_funnel_mode;
using cdp::core::window_funnel;
using cdp::core::window_funnel_times;

constexpr int64_t kDay = 86400;

// A row: timestamp and the 0-based steps it matches (ascending, unique).
struct Row {
  int64_t ts;
  std::vector<int> steps;
};

// Rows (ts, value) against step values: a row matches step s iff value == steps[s].
std::vector<Row> rows_from_values(const std::vector<std::pair<int64_t, int>>& in,
                                  const std::vector<int>& steps) {
  std::vector<Row> out;
  for (const auto& [ts, v] : in) {
    Row r{ts, {}};
    for (size_t s = 0; s < steps.size(); ++s)
      if (steps[s] == v) r.steps.push_back(static_cast<int>(s));
    out.push_back(r);
  }
  return out;
}

FunnelEvents to_events(const std::vector<Row>& rows, int n) {
  FunnelEvents ev(n);
  for (const Row& r : rows) ev.add(r.ts, r.steps);
  return ev;
}

int level(const std::vector<Row>& rows, int n, int64_t window, FunnelMode m = {}) {
  FunnelEvents ev = to_events(rows, n);
  return window_funnel(ev, window, m);
}

std::vector<int64_t> times(const std::vector<Row>& rows, int n, int64_t window,
                           FunnelMode m = {}) {
  FunnelEvents ev = to_events(rows, n);
  return window_funnel_times(ev, window, m);
}

FunnelMode mode(const char* s) { return parse_funnel_mode(s); }

// ---------------------------------------------------------------------------
// Brute-force reference: the spec text, literally. Sort rows by (ts, smallest
// matched condition, matched set as a bitmask ascending; unmatched rows last),
// start a chain at every step-1 row, follow it row by row, keep the deepest.
struct Brute {
  int level = 0;
  std::vector<int64_t> times;  // step timestamps of the chosen chain
};

bool has(const Row& r, int s) {
  return std::find(r.steps.begin(), r.steps.end(), s) != r.steps.end();
}

// Bitmask comparison of two step sets, as big integers.
bool mask_less(const std::vector<int>& a, const std::vector<int>& b) {
  int top = -1;
  for (int x : a) top = std::max(top, x);
  for (int x : b) top = std::max(top, x);
  for (int bit = top; bit >= 0; --bit) {
    bool ia = std::find(a.begin(), a.end(), bit) != a.end();
    bool ib = std::find(b.begin(), b.end(), bit) != b.end();
    if (ia != ib) return ib;
  }
  return false;
}

Brute brute_force(std::vector<Row> rows, int n, int64_t window, FunnelMode m) {
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    if (a.steps.empty() != b.steps.empty()) return b.steps.empty();
    if (a.steps.empty()) return false;
    int ma = *std::min_element(a.steps.begin(), a.steps.end());
    int mb = *std::min_element(b.steps.begin(), b.steps.end());
    if (ma != mb) return ma < mb;
    return mask_less(a.steps, b.steps);
  });
  Brute best;
  auto record = [&](const std::vector<int64_t>& t) {
    int lv = static_cast<int>(t.size());
    if (lv < best.level) return;
    if (lv == best.level) {
      if (lv == 0) return;
      if (t[0] > best.times[0]) return;
      if (t[0] == best.times[0] && t.back() >= best.times.back()) return;
    }
    best.level = lv;
    best.times = t;
  };
  const bool multi = !m.strict_once && !m.strict_increase;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!has(rows[i], 0)) continue;  // every step-1 row starts a chain
    std::vector<int64_t> t{rows[i].ts};
    while (multi && static_cast<int>(t.size()) < n && has(rows[i], static_cast<int>(t.size())))
      t.push_back(rows[i].ts);
    record(t);
    for (size_t j = i + 1; j < rows.size(); ++j) {
      const Row& r = rows[j];
      const int k = static_cast<int>(t.size());  // the chain is at step k
      if (k == n) break;
      if (r.ts - t[0] > window) break;  // inclusive window from step 1
      const bool extends = has(r, k) && (!m.strict_increase || r.ts > t.back());
      if (extends) {
        t.push_back(r.ts);
        while (multi && static_cast<int>(t.size()) < n && has(r, static_cast<int>(t.size())))
          t.push_back(r.ts);
        record(t);
        continue;
      }
      // allow_reentry: a step-1 row never ends a chain.
      if (m.allow_reentry && has(r, 0)) continue;
      // strict_order: the next row must extend the chain or repeat step k.
      if (m.strict_order && !has(r, k - 1)) break;
      // strict_deduplication: a row matching an already reached step stops it.
      if (m.strict_deduplication) {
        bool repeat = false;
        for (int s : r.steps) repeat |= s < k;
        if (repeat) break;
      }
    }
  }
  return best;
}

std::vector<int64_t> brute_times(const Brute& b) {
  std::vector<int64_t> out;
  for (size_t k = 1; k < b.times.size(); ++k) out.push_back(b.times[k] - b.times[0]);
  return out;
}

std::vector<FunnelMode> all_valid_modes() {
  std::vector<FunnelMode> out;
  for (int bits = 0; bits < 32; ++bits) {
    FunnelMode m;
    m.strict_once = bits & 1;
    m.strict_increase = bits & 2;
    m.strict_deduplication = bits & 4;
    m.strict_order = bits & 8;
    m.allow_reentry = bits & 16;
    if (m.allow_reentry && !m.strict_order) continue;
    out.push_back(m);
  }
  return out;
}

std::string mode_name(const FunnelMode& m) {
  std::string s;
  if (m.strict_once) s += "strict_once,";
  if (m.strict_increase) s += "strict_increase,";
  if (m.strict_deduplication) s += "strict_deduplication,";
  if (m.strict_order) s += "strict_order,";
  if (m.allow_reentry) s += "allow_reentry,";
  return s;
}

std::string dump(const std::vector<Row>& rows) {
  std::string s;
  for (const Row& r : rows) {
    s += "(" + std::to_string(r.ts) + ":";
    for (int x : r.steps) s += std::to_string(x) + " ";
    s += ") ";
  }
  return s;
}

// ---------------------------------------------------------------------------
// Worked cases of issue 3.

std::vector<std::pair<int64_t, int>> nine_events() {
  std::vector<std::pair<int64_t, int>> v;
  for (int t = 0; t <= 8; ++t) v.push_back({t, 1000 + t});
  return v;
}

TEST(Funnel, NineEventsSteps) {
  auto ev = nine_events();
  std::vector<int> s1{1000, 1001, 1002, 1008};
  EXPECT_EQ(level(rows_from_values(ev, s1), 4, 10000), 4);
  EXPECT_EQ(times(rows_from_values(ev, s1), 4, 10000), (std::vector<int64_t>{1, 2, 8}));
  std::vector<int> s2{1003, 1004, 1005, 1006, 1007};
  EXPECT_EQ(level(rows_from_values(ev, s2), 5, 2), 3);
  EXPECT_EQ(level(rows_from_values(ev, s2), 5, 3), 4);
  EXPECT_EQ(level(rows_from_values(ev, s2), 5, 4), 5);
  std::vector<int> s3{1008, 1001};
  EXPECT_EQ(level(rows_from_values(ev, s3), 2, 10000), 1);
  EXPECT_TRUE(times(rows_from_values(ev, s3), 2, 10000).empty());
}

struct User {
  const char* name;
  const char* seq;
  int expect_default;
  int expect_strict_order;
};

TEST(Funnel, UsersDefaultAndStrictOrder) {
  const User users[] = {{"u1", "abc", 3, 3},
                        {"u2", "adbc", 3, 1},
                        {"u3", "aabbcc", 3, 3},
                        {"u5", "aabbdcc", 3, 2},
                        {"u6", "ccbbaa", 1, 1}};
  for (const User& u : users) {
    std::vector<std::pair<int64_t, int>> ev;
    int64_t t = 1;
    for (const char* p = u.seq; *p; ++p) ev.push_back({t++, *p});
    auto rows = rows_from_values(ev, {'a', 'b', 'c'});
    EXPECT_EQ(level(rows, 3, kDay), u.expect_default) << u.name;
    EXPECT_EQ(level(rows, 3, kDay, mode("strict_order")), u.expect_strict_order) << u.name;
  }
}

TEST(Funnel, TiesAndStrictIncrease) {
  std::vector<std::pair<int64_t, int>> ev{{0, 1000}, {1, 1001}, {1, 1002}, {1, 1003}, {2, 1004}};
  std::vector<int> steps{1000, 1001, 1002, 1003, 1004};
  EXPECT_EQ(level(rows_from_values(ev, steps), 5, 10), 5);
  EXPECT_EQ(times(rows_from_values(ev, steps), 5, 10), (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(level(rows_from_values(ev, steps), 5, 10, mode("strict_increase")), 2);
  std::vector<int> same{1004, 1004, 1004};
  EXPECT_EQ(level(rows_from_values(ev, same), 3, 10), 3);
  EXPECT_EQ(level(rows_from_values(ev, same), 3, 10, mode("strict_once")), 1);
}

TEST(Funnel, StrictIncreaseIsExact) {
  // A@0, B@1, B@2, C@2: one state per step would overwrite B@1 with B@2.
  std::vector<Row> rows{{0, {0}}, {1, {1}}, {2, {1}}, {2, {2}}};
  EXPECT_EQ(level(rows, 3, 10, mode("strict_increase")), 3);
  EXPECT_EQ(times(rows, 3, 10, mode("strict_increase")), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(level(rows, 3, 10), 3);
}

TEST(Funnel, AllowReentry) {
  std::vector<Row> rows{{1, {0}}, {2, {1}}, {3, {0}}, {4, {2}}};
  EXPECT_EQ(level(rows, 3, kDay, mode("strict_order")), 2);
  EXPECT_EQ(level(rows, 3, kDay, mode("strict_order, allow_reentry")), 3);
  EXPECT_EQ(level(rows, 3, kDay), 3);
  EXPECT_EQ(level(rows, 3, kDay, mode("strict_deduplication")), 2);
}

TEST(Funnel, NullConditionsAreFalseRowsKept) {
  // rows (1, e NULL), (2, 'open'), (3, 'purchase'); steps [e IS NULL, e='open',
  // e='purchase']: the glue maps NULL comparisons to false.
  std::vector<Row> rows{{1, {0}}, {2, {1}}, {3, {2}}};
  EXPECT_EQ(level(rows, 3, 10), 3);
  // A row whose conditions are all NULL (false) matches nothing; under
  // strict_order it still ends a chain.
  std::vector<Row> with_gap{{1, {0}}, {2, {}}, {3, {1}}};
  EXPECT_EQ(level(with_gap, 2, 10), 2);
  EXPECT_EQ(level(with_gap, 2, 10, mode("strict_order")), 1);
}

TEST(Funnel, StrictDeduplication) {
  // a b b c: the second b repeats step 2 before step 3 arrives.
  std::vector<Row> rows{{1, {0}}, {2, {1}}, {3, {1}}, {4, {2}}};
  EXPECT_EQ(level(rows, 3, 10), 3);
  EXPECT_EQ(level(rows, 3, 10, mode("strict_deduplication")), 2);
  // a a b c: the second a ends the first chain but starts its own.
  std::vector<Row> rows2{{1, {0}}, {2, {0}}, {3, {1}}, {4, {2}}};
  EXPECT_EQ(level(rows2, 3, 10, mode("strict_deduplication")), 3);
  EXPECT_EQ(times(rows2, 3, 10, mode("strict_deduplication")), (std::vector<int64_t>{1, 2}));
}

TEST(Funnel, EmptyAndWindowEdges) {
  std::vector<FunnelEvent> none;
  EXPECT_EQ(window_funnel(none, 3, 10), 0);
  EXPECT_TRUE(window_funnel_times(none, 3, 10).empty());
  std::vector<Row> rows{{0, {0}}, {5, {1}}};
  EXPECT_EQ(level(rows, 2, 5), 2);  // inclusive
  EXPECT_EQ(level(rows, 2, 4), 1);
  EXPECT_EQ(level(rows, 2, 0), 1);
  // Huge window and extreme timestamps must not overflow.
  std::vector<Row> far{{0, {0}}, {INT64_MAX, {1}}};
  EXPECT_EQ(level(far, 2, INT64_MAX), 2);
  EXPECT_EQ(times(far, 2, INT64_MAX), (std::vector<int64_t>{INT64_MAX}));
  EXPECT_EQ(level(far, 2, INT64_MAX - 1), 1);
  // The distance between the ends of the range exceeds any finite window:
  // no wrap. A window of INT64_MAX is unbounded (callers saturate larger
  // windows, e.g. an interval of 1,000,000 years, to it).
  std::vector<Row> ends{{INT64_MIN, {0}}, {INT64_MAX, {1}}};
  EXPECT_EQ(level(ends, 2, INT64_MAX - 1), 1);
  EXPECT_EQ(level(ends, 2, INT64_MAX), 2);
  EXPECT_EQ(static_cast<uint64_t>(times(ends, 2, INT64_MAX)[0]), UINT64_MAX);
  std::vector<Row> low{{INT64_MIN, {0}}, {-1, {1}}};
  EXPECT_EQ(level(low, 2, INT64_MAX), 2);
}

TEST(Funnel, TimesTieBreaksEarliestStartThenCompletion) {
  // Two chains reach 2: from a@0 (b@5) and a@3 (b@5): the earliest start wins.
  std::vector<Row> rows{{0, {0}}, {3, {0}}, {5, {1}}};
  EXPECT_EQ(times(rows, 3, 10), (std::vector<int64_t>{5}));
  // Window cuts the first chain: only a@3 reaches b@12.
  std::vector<Row> rows2{{0, {0}}, {3, {0}}, {12, {1}}};
  EXPECT_EQ(times(rows2, 2, 10), (std::vector<int64_t>{9}));
}

TEST(Funnel, ResultIndependentOfInputOrder) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    int n = 1 + static_cast<int>(rng() % 4);
    std::vector<Row> rows;
    int nrows = static_cast<int>(rng() % 12);
    for (int i = 0; i < nrows; ++i) {
      Row r{static_cast<int64_t>(rng() % 4), {}};
      for (int s = 0; s < n; ++s)
        if (rng() % 3 == 0) r.steps.push_back(s);
      rows.push_back(r);
    }
    for (const FunnelMode& m : all_valid_modes()) {
      int l0 = level(rows, n, 2, m);
      auto t0 = times(rows, n, 2, m);
      for (int k = 0; k < 3; ++k) {
        std::shuffle(rows.begin(), rows.end(), rng);
        EXPECT_EQ(level(rows, n, 2, m), l0) << mode_name(m) << dump(rows);
        EXPECT_EQ(times(rows, n, 2, m), t0) << mode_name(m) << dump(rows);
      }
    }
  }
}

TEST(Funnel, ModeParsing) {
  FunnelMode d = parse_funnel_mode("");
  EXPECT_FALSE(d.strict_once || d.strict_increase || d.strict_deduplication || d.strict_order ||
               d.allow_reentry);
  EXPECT_FALSE(parse_funnel_mode("   ").strict_once);
  FunnelMode all = parse_funnel_mode(
      " strict_once ,strict_increase, strict_deduplication,strict_order , allow_reentry ");
  EXPECT_TRUE(all.strict_once && all.strict_increase && all.strict_deduplication &&
              all.strict_order && all.allow_reentry);
  EXPECT_TRUE(parse_funnel_mode("strict_once,strict_once").strict_once);
  auto expect_error = [](const char* text, const char* needle) {
    try {
      parse_funnel_mode(text);
      ADD_FAILURE() << "no error for \"" << text << "\"";
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), "22023") << text;
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("bogus", "bogus");
  expect_error("strict_once, strict_onse", "strict_onse");
  expect_error("STRICT_ORDER", "STRICT_ORDER");
  expect_error("allow_reentry", "allow_reentry");
  expect_error("strict_once,allow_reentry", "allow_reentry");
  expect_error("strict_once,,strict_order", "empty");
  expect_error("strict_once,", "empty");
}

TEST(Funnel, ArgumentErrors) {
  std::vector<FunnelEvent> ev{{0, 1}};
  auto state_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.sqlstate();
    }
    return "none";
  };
  EXPECT_EQ(state_of([&] { window_funnel(ev, 2, -1); }), "22023");
  EXPECT_EQ(state_of([&] { window_funnel_times(ev, 2, -1); }), "22023");
  EXPECT_EQ(state_of([&] { window_funnel(ev, kMaxFunnelSteps + 1, 1); }), "54000");
  EXPECT_EQ(state_of([&] { FunnelEvents e(kMaxFunnelSteps + 1); }), "54000");
  EXPECT_EQ(state_of([&] { FunnelEvents e(0); }), "22023");
  EXPECT_EQ(state_of([&] { window_funnel(ev, 0, 1); }), "22023");
  FunnelMode bad;
  bad.allow_reentry = true;
  EXPECT_EQ(state_of([&] { window_funnel(ev, 2, 1, bad); }), "22023");
  EXPECT_EQ(state_of([&] {
              FunnelEvents e(3);
              e.add(0, {3});
            }),
            "22023");
  EXPECT_EQ(state_of([&] { FunnelEvents e(kMaxFunnelSteps); }), "none");
}

TEST(Funnel, WideFunnels) {
  for (int n : {65, 100, kMaxFunnelSteps}) {
    FunnelEvents ev(n);
    EXPECT_TRUE(ev.wide());
    for (int i = n - 1; i >= 0; --i) ev.add(i, {i});
    EXPECT_EQ(window_funnel(ev, n), n) << n;
    EXPECT_EQ(window_funnel(ev, n - 2), n - 1) << n;
    auto t = window_funnel_times(ev, n);
    ASSERT_EQ(t.size(), static_cast<size_t>(n - 1));
    EXPECT_EQ(t.back(), n - 1);
    EXPECT_EQ(ev.memory_bytes(), static_cast<size_t>(n) * 18);
  }
  // One row matching every step fills them all (default) or one (strict_once).
  FunnelEvents all(200);
  std::vector<int> every;
  for (int i = 0; i < 200; ++i) every.push_back(i);
  all.add(5, every);
  EXPECT_EQ(window_funnel(all, 0), 200);
  EXPECT_EQ(window_funnel(all, 0, mode("strict_once")), 1);
}

// ---------------------------------------------------------------------------
// Randomized comparison with the literal brute force, every mode combination.

void compare_random(std::mt19937_64& rng, int n, int max_rows, int64_t max_ts, int iters,
                    bool wide_intervals) {
  for (const FunnelMode& m : all_valid_modes()) {
    for (int iter = 0; iter < iters; ++iter) {
      std::vector<Row> rows;
      int nrows = static_cast<int>(rng() % static_cast<uint64_t>(max_rows + 1));
      for (int i = 0; i < nrows; ++i) {
        Row r{static_cast<int64_t>(rng() % static_cast<uint64_t>(max_ts + 1)), {}};
        if (!wide_intervals) {
          int kind = static_cast<int>(rng() % 4);
          for (int s = 0; s < n; ++s)
            if (kind == 0 ? rng() % 2 == 0 : (rng() % static_cast<uint64_t>(n + 1) == 0))
              r.steps.push_back(s);
          if (kind == 1 && r.steps.empty()) r.steps.push_back(static_cast<int>(rng() % n));
        } else if (rng() % 5 != 0) {
          int a = rng() % 3 == 0 ? 0 : static_cast<int>(rng() % static_cast<uint64_t>(n));
          int b = std::min(n - 1, a + static_cast<int>(rng() % 30));
          for (int s = a; s <= b; ++s) r.steps.push_back(s);
          if (rng() % 4 == 0 && a > 0) r.steps.insert(r.steps.begin(), 0);
        }
        rows.push_back(r);
      }
      int64_t window = static_cast<int64_t>(rng() % static_cast<uint64_t>(max_ts + 2));
      Brute b = brute_force(rows, n, window, m);
      ASSERT_EQ(level(rows, n, window, m), b.level)
          << mode_name(m) << " n=" << n << " w=" << window << " " << dump(rows);
      ASSERT_EQ(times(rows, n, window, m), brute_times(b))
          << mode_name(m) << " n=" << n << " w=" << window << " " << dump(rows);
    }
  }
}

TEST(Funnel, RandomAgainstBruteForceSmall) {
  std::mt19937_64 rng(20261122);
  for (int n = 1; n <= 4; ++n) compare_random(rng, n, 10, 5, 1500, false);
}

TEST(Funnel, RandomAgainstBruteForceDenseTies) {
  std::mt19937_64 rng(42);
  for (int n = 2; n <= 4; ++n) compare_random(rng, n, 10, 1, 1500, false);
}

TEST(Funnel, RandomAgainstBruteForceLonger) {
  std::mt19937_64 rng(99);
  compare_random(rng, 3, 40, 12, 200, false);
}

TEST(Funnel, RandomAgainstBruteForceWide) {
  std::mt19937_64 rng(5);
  compare_random(rng, 70, 10, 5, 100, true);
}

}  // namespace

namespace {

// Adversarial sizes: every row starts a chain, many timestamp ties, a window
// covering everything. The level engine keeps O(N) chains (plus the chains
// tied at the current timestamp under strict_increase); times uses a binary
// search over starts. Must stay far from quadratic.
TEST(Funnel, LargeAdversarialInputs) {
  const int kRows = 200000;
  std::vector<FunnelEvent> base;
  std::mt19937_64 rng(3);
  for (int i = 0; i < kRows; ++i)
    base.push_back(FunnelEvent{static_cast<int64_t>(i / 4), 1u | (uint64_t{1} << (rng() % 4))});
  for (const FunnelMode& m : all_valid_modes()) {
    std::vector<FunnelEvent> ev = base;
    int l = window_funnel(ev, 4, INT64_MAX, m);
    EXPECT_GE(l, 1) << mode_name(m);
    ev = base;
    auto t = window_funnel_times(ev, 4, INT64_MAX, m);
    EXPECT_EQ(t.size(), static_cast<size_t>(l - 1)) << mode_name(m);
  }
}

// Informative throughput of the kernel: 4-step default funnel, users of 10
// unsorted events each (no assertion on time).
TEST(Funnel, KernelThroughputReport) {
  std::mt19937_64 rng(11);
  const int kUsers = 100000, kPer = 10;
  std::vector<std::vector<FunnelEvent>> users(kUsers);
  for (auto& u : users)
    for (int i = 0; i < kPer; ++i)
      u.push_back(FunnelEvent{static_cast<int64_t>(rng() % 100000), uint64_t{1} << (rng() % 5)});
  for (auto& u : users)
    for (auto& e : u) e.mask &= 15;
  auto t0 = std::chrono::steady_clock::now();
  int64_t sum = 0;
  for (auto& u : users) sum += window_funnel(u, 4, 50000);
  auto t1 = std::chrono::steady_clock::now();
  double secs = std::chrono::duration<double>(t1 - t0).count();
  std::printf("[ INFO     ] window_funnel 4 steps: %.1f M events/s (checksum %lld)\n",
              kUsers * kPer / secs / 1e6, static_cast<long long>(sum));
  EXPECT_GT(sum, 0);
}

}  // namespace

namespace {

// Every row at one timestamp and matching step 1: the tie group of the times
// engine is the whole input.
TEST(Funnel, LargeTieGroupForTimes) {
  const int kRows = 100000;
  for (const FunnelMode& m : all_valid_modes()) {
    std::vector<FunnelEvent> ev;
    std::mt19937_64 rng(17);
    for (int i = 0; i < kRows; ++i)
      ev.push_back(FunnelEvent{i < kRows / 2 ? 0 : 1, 1u | (uint64_t{1} << (rng() % 4))});
    std::vector<FunnelEvent> copy = ev;
    int l = window_funnel(copy, 4, 5, m);
    auto t = window_funnel_times(ev, 4, 5, m);
    EXPECT_EQ(t.size(), static_cast<size_t>(std::max(l, 1) - 1)) << mode_name(m);
  }
}

}  // namespace
