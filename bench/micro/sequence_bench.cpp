// Micro-benchmarks of the sequence_match / sequence_count core
// (src/core/sequence.cpp): events per second for users of 10 events and 3
// conditions, sorted as the glue passes them, and the many-stars pattern
// that makes a backtracking matcher explode.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "cdp/core/funnel.h"
#include "cdp/core/sequence.h"

namespace {

using cdp::core::FunnelEvent;
using cdp::core::SequencePattern;

constexpr int kUsers = 100000;
constexpr int kEventsPerUser = 10;
constexpr int kConds = 3;
constexpr int64_t kSec = 1000000;

// Deterministic users: timestamps within a day, each row matching one random
// condition (rows matching none are dropped by the glue), sorted.
const std::vector<std::vector<FunnelEvent>>& users() {
  static const auto data = [] {
    std::mt19937_64 rng(42);
    std::vector<std::vector<FunnelEvent>> u(kUsers);
    for (auto& events : u) {
      for (int i = 0; i < kEventsPerUser; ++i) {
        const uint64_t mask = uint64_t{1} << (rng() % kConds);
        events.push_back({static_cast<int64_t>(rng() % 86400) * kSec, mask});
      }
      cdp::core::sort_funnel_rows(events.data(), events.size(), kConds);
    }
    return u;
  }();
  return data;
}

void run(benchmark::State& state, const char* text, bool count) {
  const auto& all = users();
  const SequencePattern p = cdp::core::compile_sequence_pattern(text, kConds);
  cdp::core::SequenceScratch scratch;
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& ev : all)
      total += count ? cdp::core::sequence_count(p, ev.data(), ev.size(), &scratch)
                     : cdp::core::sequence_match(p, ev.data(), ev.size(), &scratch);
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}

void BM_SequenceMatchStars(benchmark::State& state) { run(state, "(?1).*(?2).*(?3)", false); }
BENCHMARK(BM_SequenceMatchStars)->Unit(benchmark::kMillisecond);

void BM_SequenceCountStars(benchmark::State& state) { run(state, "(?1).*(?2).*(?3)", true); }
BENCHMARK(BM_SequenceCountStars)->Unit(benchmark::kMillisecond);

void BM_SequenceMatchTimeWindow(benchmark::State& state) {
  run(state, "(?1).*(?t>=60)(?t<=3600)(?2)(?t<=600)(?3)", false);
}
BENCHMARK(BM_SequenceMatchTimeWindow)->Unit(benchmark::kMillisecond);

// As the aggregate's final function sees a user: unsorted rows, sorted then
// matched.
void BM_SequenceMatchStarsWithSort(benchmark::State& state) {
  const auto& all = users();
  const SequencePattern p = cdp::core::compile_sequence_pattern("(?1).*(?2).*(?3)", kConds);
  cdp::core::SequenceScratch scratch;
  std::vector<std::vector<FunnelEvent>> shuffled = all;
  std::mt19937_64 rng(7);
  for (auto& ev : shuffled) std::shuffle(ev.begin(), ev.end(), rng);
  std::vector<FunnelEvent> buf;
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& ev : shuffled) {
      buf = ev;
      cdp::core::sort_funnel_rows(buf.data(), buf.size(), kConds);
      total += cdp::core::sequence_match(p, buf.data(), buf.size(), &scratch);
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}
BENCHMARK(BM_SequenceMatchStarsWithSort)->Unit(benchmark::kMillisecond);

// One user of 100k rows all matching (?1) and no (?2): a backtracking
// matcher tries every placement of the four (?1); this one is linear.
void BM_SequenceManyStarsNoMatch(benchmark::State& state) {
  const SequencePattern p =
      cdp::core::compile_sequence_pattern("(?1).*(?1).*(?1).*(?1).*(?2)", 2);
  std::vector<FunnelEvent> rows(100000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = {static_cast<int64_t>(i) * kSec, 1};
  cdp::core::SequenceScratch scratch;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cdp::core::sequence_match(p, rows.data(), rows.size(), &scratch));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_SequenceManyStarsNoMatch)->Unit(benchmark::kMillisecond);

// Same rows with a two-sided time window: ~2000 candidate timestamps stay
// alive per level.
void BM_SequenceTimeWindowManyRows(benchmark::State& state) {
  const SequencePattern p = cdp::core::compile_sequence_pattern(
      "(?1).*(?t>=1000)(?t<=3000)(?1).*(?t>=1000)(?t<=3000)(?2)", 2);
  std::vector<FunnelEvent> rows(100000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = {static_cast<int64_t>(i) * kSec, 1};
  cdp::core::SequenceScratch scratch;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cdp::core::sequence_count(p, rows.data(), rows.size(), &scratch));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_SequenceTimeWindowManyRows)->Unit(benchmark::kMillisecond);

}  // namespace
