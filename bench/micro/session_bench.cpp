// Micro-benchmarks of the session and retention cores (src/core/session.cpp,
// src/core/retention.cpp), fed as the SQL aggregates will feed them: users of
// 10 events, one state per user, items = rows.
//   - session numbering (the window function's per-row work);
//   - session_summary: add 10 unsorted rows + final per user;
//   - retention_periods: add 10 rows + final, 30 daily periods per user.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cdp/core/retention.h"
#include "cdp/core/session.h"

namespace {

using cdp::core::IntervalParts;
using cdp::core::RetentionMode;
using cdp::core::RetentionPeriodsParams;
using cdp::core::RetentionPeriodsState;
using cdp::core::SessionCursor;
using cdp::core::SessionParams;
using cdp::core::SessionSummaryState;

constexpr int kUsers = 100000;
constexpr int kEventsPerUser = 10;
constexpr int64_t kSec = 1000000;
constexpr int64_t kDay = 86400 * kSec;
constexpr int64_t kBase = int64_t{820540800} * kSec;  // 2026-01-01 00:00 (9497 days after 2000-01-01)

struct Event {
  int64_t ts;
  bool anchor;
  bool active;
};

// Deterministic users: 10 events within 40 days, unsorted (as a hash
// aggregate sees them); the first event is the anchor.
const std::vector<std::vector<Event>>& users() {
  static const auto data = [] {
    std::mt19937_64 rng(42);
    std::vector<std::vector<Event>> u(kUsers);
    for (auto& events : u) {
      const int64_t start = kBase + static_cast<int64_t>(rng() % (30 * 86400)) * kSec;
      for (int i = 0; i < kEventsPerUser; ++i) {
        // Bursts: most events minutes apart, some days apart.
        const int64_t off = rng() % 3 == 0 ? static_cast<int64_t>(rng() % 40) * kDay
                                           : static_cast<int64_t>(rng() % 7200) * kSec;
        events.push_back({start + off, i == 0, i != 0});
      }
      events[0].ts = start;
    }
    return u;
  }();
  return data;
}

// The same events sorted per user (the window function's input).
const std::vector<std::vector<int64_t>>& sorted_users() {
  static const auto data = [] {
    std::vector<std::vector<int64_t>> out;
    for (const auto& events : users()) {
      std::vector<int64_t> ts;
      for (const Event& e : events) ts.push_back(e.ts);
      std::sort(ts.begin(), ts.end());
      out.push_back(std::move(ts));
    }
    return out;
  }();
  return data;
}

const SessionParams kGap = SessionParams::make(30 * 60 * kSec);

void BM_SessionNumber(benchmark::State& state) {
  const auto& all = sorted_users();
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& ts : all) {
      SessionCursor c(kGap);  // one state per partition
      for (const int64_t t : ts) total += c.next(t);
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SessionNumber)->Unit(benchmark::kMillisecond);

void BM_SessionNumberMaxDuration(benchmark::State& state) {
  const auto& all = sorted_users();
  const SessionParams p = SessionParams::make(30 * 60 * kSec, 3600 * kSec);
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& ts : all) {
      SessionCursor c(p);
      for (const int64_t t : ts) {
        c.next(t);
        total += c.start();
      }
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SessionNumberMaxDuration)->Unit(benchmark::kMillisecond);

void BM_SessionSummary(benchmark::State& state) {
  const auto& all = users();
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& events : all) {
      SessionSummaryState s(kGap);
      for (const Event& e : events) s.add(e.ts);
      total += s.summarize().sessions;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SessionSummary)->Unit(benchmark::kMillisecond);

void BM_SessionSummarySortedInput(benchmark::State& state) {
  const auto& all = sorted_users();
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& ts : all) {
      SessionSummaryState s(kGap);
      for (const int64_t t : ts) s.add(t);
      total += s.summarize().sessions;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SessionSummarySortedInput)->Unit(benchmark::kMillisecond);

// Partial aggregation: two halves, serialized, deserialized, combined, final.
void BM_SessionSummaryParallelPath(benchmark::State& state) {
  const auto& all = users();
  std::string buf;
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& events : all) {
      SessionSummaryState a(kGap), b(kGap);
      for (int i = 0; i < kEventsPerUser; ++i) (i % 2 ? a : b).add(events[i].ts);
      buf.clear();
      a.serialize(buf);
      const size_t split = buf.size();
      b.serialize(buf);
      auto* p = reinterpret_cast<const uint8_t*>(buf.data());
      SessionSummaryState x = SessionSummaryState::deserialize(p, split);
      SessionSummaryState y = SessionSummaryState::deserialize(p + split, buf.size() - split);
      x.combine(y);
      total += x.summarize().sessions;
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SessionSummaryParallelPath)->Unit(benchmark::kMillisecond);

void run_retention(benchmark::State& state, const IntervalParts& period, int periods,
                   RetentionMode mode) {
  const auto& all = users();
  const auto params = RetentionPeriodsParams::make(period, periods, mode);
  std::vector<int32_t> out(static_cast<size_t>(periods) + 1);
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& events : all) {
      RetentionPeriodsState s(params);
      for (const Event& e : events) s.add(e.anchor, e.ts, e.active);
      s.result(out.data());
      total += out[1] + out[periods];
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}

void BM_RetentionPeriodsDaily30(benchmark::State& state) {
  run_retention(state, {0, 1, 0}, 30, {});
}
BENCHMARK(BM_RetentionPeriodsDaily30)->Unit(benchmark::kMillisecond);

void BM_RetentionPeriodsDaily30Calendar(benchmark::State& state) {
  run_retention(state, {0, 1, 0}, 30, cdp::core::parse_retention_mode("calendar"));
}
BENCHMARK(BM_RetentionPeriodsDaily30Calendar)->Unit(benchmark::kMillisecond);

void BM_RetentionPeriodsDaily30OnOrAfter(benchmark::State& state) {
  run_retention(state, {0, 1, 0}, 30, cdp::core::parse_retention_mode("on_or_after"));
}
BENCHMARK(BM_RetentionPeriodsDaily30OnOrAfter)->Unit(benchmark::kMillisecond);

void BM_RetentionPeriodsWeekly6Calendar(benchmark::State& state) {
  run_retention(state, {0, 7, 0}, 6, cdp::core::parse_retention_mode("calendar"));
}
BENCHMARK(BM_RetentionPeriodsWeekly6Calendar)->Unit(benchmark::kMillisecond);

// Months: the non-linear path (sort + galloping over civil arithmetic).
void BM_RetentionPeriodsMonthly12(benchmark::State& state) {
  run_retention(state, {1, 0, 0}, 12, {});
}
BENCHMARK(BM_RetentionPeriodsMonthly12)->Unit(benchmark::kMillisecond);

void BM_RetentionPeriodsMonthly12Calendar(benchmark::State& state) {
  run_retention(state, {1, 0, 0}, 12, cdp::core::parse_retention_mode("calendar"));
}
BENCHMARK(BM_RetentionPeriodsMonthly12Calendar)->Unit(benchmark::kMillisecond);

// retention(c1, c2, c3): per-row OR of a mask + final.
void BM_Retention3(benchmark::State& state) {
  const auto& all = users();
  int32_t out[3];
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& events : all) {
      cdp::core::RetentionConditions r(3);
      for (const Event& e : events) r.or_word(0, (e.ts >> 20) & 7);
      r.result(out);
      total += out[0] + out[2];
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_Retention3)->Unit(benchmark::kMillisecond);

}  // namespace
