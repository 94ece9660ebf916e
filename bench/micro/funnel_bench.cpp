// Micro-benchmarks of the window_funnel core (src/core/funnel.cpp): events
// per second for users of 10 events, 4 steps, as the SQL aggregate will see
// them (unsorted rows of one user at a time).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "cdp/core/funnel.h"

namespace {

using cdp::core::FunnelEvent;
using cdp::core::FunnelMode;

constexpr int kUsers = 100000;
constexpr int kEventsPerUser = 10;
constexpr int kSteps = 4;

// Deterministic users: timestamps within a day, each row matching one random
// step or none.
const std::vector<std::vector<FunnelEvent>>& users() {
  static const auto data = [] {
    std::mt19937_64 rng(42);
    std::vector<std::vector<FunnelEvent>> u(kUsers);
    for (auto& events : u) {
      for (int i = 0; i < kEventsPerUser; ++i) {
        const int step = static_cast<int>(rng() % (kSteps + 1));
        const uint64_t mask = step == kSteps ? 0 : uint64_t{1} << step;
        events.push_back({static_cast<int64_t>(rng() % 86400) * 1000000, mask});
      }
    }
    return u;
  }();
  return data;
}

void run(benchmark::State& state, FunnelMode mode) {
  const auto& all = users();
  std::vector<FunnelEvent> scratch;
  for (auto _ : state) {
    int64_t total = 0;
    for (const auto& events : all) {
      scratch = events;  // the engine sorts in place
      total += cdp::core::window_funnel(scratch, kSteps, int64_t{3600} * 1000000, mode);
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * kUsers * kEventsPerUser);
}

void BM_FunnelDefault(benchmark::State& state) { run(state, {}); }
BENCHMARK(BM_FunnelDefault)->Unit(benchmark::kMillisecond);

void BM_FunnelStrictOrderIncrease(benchmark::State& state) {
  run(state, cdp::core::parse_funnel_mode("strict_order,strict_increase"));
}
BENCHMARK(BM_FunnelStrictOrderIncrease)->Unit(benchmark::kMillisecond);

}  // namespace
