// Micro-benchmarks of the attribution core (src/core/attribution.cpp,
// markov.cpp, shapley.cpp): rule-based credits per conversion, the Markov
// aggregate's per-row cost and its exact solve by chain size, Shapley with 30
// channels, and (when the file is there) the ChannelAttribution example data.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"
#include "cdp/core/markov.h"
#include "cdp/core/shapley.h"

namespace {

using cdp::core::AttributionModel;
using cdp::core::MarkovCounts;
using cdp::core::ShapleyCounts;

struct PathRow {
  std::vector<std::string_view> path;
  int64_t conversions;
  int64_t non_conversions;
  double value;
};

const std::vector<std::string>& channel_names(int n) {
  static std::vector<std::vector<std::string>> cache(4097);
  auto& v = cache[size_t(n)];
  if (v.empty())
    for (int i = 0; i < n; ++i) v.push_back("channel_" + std::to_string(i));
  return v;
}

// Deterministic rows: `nch` channels, paths of lo..hi touches, mostly
// non-converting (about 1 in 5 converts).
std::vector<PathRow> make_rows(size_t rows, int nch, int lo, int hi, uint64_t seed) {
  const auto& names = channel_names(nch);
  std::mt19937_64 rng(seed);
  std::vector<PathRow> out(rows);
  for (auto& r : out) {
    const int len = lo + int(rng() % uint64_t(hi - lo + 1));
    for (int i = 0; i < len; ++i) r.path.push_back(names[rng() % uint64_t(nch)]);
    r.conversions = rng() % 5 == 0 ? 1 : 0;
    r.non_conversions = 1 - r.conversions;
    r.value = r.conversions ? double(1 + rng() % 200) : 0.0;
  }
  return out;
}

// --- rule-based models: 1M conversions of 5-10 touches, as attribution() sees them

void run_rule_based(benchmark::State& state, AttributionModel model) {
  constexpr size_t kConversions = 1000000;
  static const auto rows = make_rows(kConversions, 12, 5, 10, 1);
  static const auto ts = [] {
    std::mt19937_64 rng(2);
    std::vector<std::vector<int64_t>> t(kConversions);
    for (size_t i = 0; i < kConversions; ++i)
      for (size_t j = 0; j < rows[i].path.size(); ++j)
        t[i].push_back(-int64_t(rng() % (int64_t{30} * cdp::core::kMicrosPerDay)));
    return t;
  }();
  std::vector<double> out(16);
  for (auto _ : state) {
    double total = 0;
    for (size_t i = 0; i < kConversions; ++i) {
      const auto& r = rows[i];
      cdp::core::attribution_into(model, r.path.data(), r.path.size(), ts[i].data(),
                                  ts[i].size(), 0, 100.0, {}, out.data());
      total += out[0];
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kConversions));
}
void BM_AttributionLinear(benchmark::State& s) { run_rule_based(s, AttributionModel::kLinear); }
BENCHMARK(BM_AttributionLinear)->Unit(benchmark::kMillisecond);
void BM_AttributionPositionBased(benchmark::State& s) {
  run_rule_based(s, AttributionModel::kPositionBased);
}
BENCHMARK(BM_AttributionPositionBased)->Unit(benchmark::kMillisecond);
void BM_AttributionTimeDecay(benchmark::State& s) {
  run_rule_based(s, AttributionModel::kTimeDecay);
}
BENCHMARK(BM_AttributionTimeDecay)->Unit(benchmark::kMillisecond);
void BM_AttributionLastNonDirect(benchmark::State& s) {
  run_rule_based(s, AttributionModel::kLastNonDirect);
}
BENCHMARK(BM_AttributionLastNonDirect)->Unit(benchmark::kMillisecond);

// --- Markov: transition function over 1M path rows (12-20 channels, 5-10 touches)

void BM_MarkovAddPaths(benchmark::State& state) {
  constexpr size_t kRows = 1000000;
  const int nch = int(state.range(0));
  const int order = int(state.range(1));
  const auto rows = make_rows(kRows, nch, 5, 10, 3);
  for (auto _ : state) {
    MarkovCounts m(order);
    for (const auto& r : rows)
      m.add_path(r.path.data(), r.path.size(), r.conversions, r.non_conversions, r.value);
    benchmark::DoNotOptimize(m.total_conversions());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kRows));
}
BENCHMARK(BM_MarkovAddPaths)->Args({12, 1})->Args({20, 1})->Args({12, 2})->Unit(benchmark::kMillisecond);

// Exact solve of a first-order chain with N channels (the final function).
void BM_MarkovSolve(benchmark::State& state) {
  const int nch = int(state.range(0));
  const auto rows = make_rows(size_t(nch) * 200, nch, 2, 8, 4);
  MarkovCounts m;
  for (const auto& r : rows)
    m.add_path(r.path.data(), r.path.size(), r.conversions, r.non_conversions, r.value);
  for (auto _ : state) benchmark::DoNotOptimize(cdp::core::markov_attribution(m));
  state.counters["states"] = double(m.state_count());
}
BENCHMARK(BM_MarkovSolve)->Arg(12)->Arg(100)->Arg(500)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_MarkovSolveOrder(benchmark::State& state) {
  const int order = int(state.range(0));
  const auto rows = make_rows(200000, 12, 2, 8, 5);
  MarkovCounts m(order);
  for (const auto& r : rows)
    m.add_path(r.path.data(), r.path.size(), r.conversions, r.non_conversions, r.value);
  for (auto _ : state) benchmark::DoNotOptimize(cdp::core::markov_attribution(m));
  state.counters["states"] = double(m.state_count());
}
BENCHMARK(BM_MarkovSolveOrder)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

// Combine + serialize round trip of a 20-channel state (what a parallel plan does).
void BM_MarkovSerializeMerge(benchmark::State& state) {
  const auto rows = make_rows(100000, 20, 5, 10, 6);
  MarkovCounts m;
  for (const auto& r : rows)
    m.add_path(r.path.data(), r.path.size(), r.conversions, r.non_conversions, r.value);
  for (auto _ : state) {
    const std::string bytes = m.serialize();
    MarkovCounts total;
    total.merge(MarkovCounts::deserialize(bytes.data(), bytes.size()));
    benchmark::DoNotOptimize(total.total_conversions());
  }
  state.counters["bytes"] = double(m.serialized_size());
}
BENCHMARK(BM_MarkovSerializeMerge)->Unit(benchmark::kMicrosecond);

// --- Shapley: 1M path rows over 30 channels, then the result

void BM_Shapley30Channels(benchmark::State& state) {
  constexpr size_t kRows = 1000000;
  const auto rows = make_rows(kRows, 30, 1, 12, 7);
  for (auto _ : state) {
    ShapleyCounts s;
    for (const auto& r : rows) s.add_path(r.path.data(), r.path.size(), r.conversions, r.non_conversions);
    benchmark::DoNotOptimize(cdp::core::shapley_attribution(s));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kRows));
}
BENCHMARK(BM_Shapley30Channels)->Unit(benchmark::kMillisecond);

// --- ChannelAttribution's example data (10,000 rows, 12 channels), if present:
// $CDP_ATTRIBUTION_DATA or ../shared/data/channelattribution-paths/Data.csv.

struct CsvRows {
  std::vector<std::vector<std::string>> paths;
  std::vector<int64_t> conv, nulls;
  std::vector<double> value;
};

const CsvRows* channel_attribution_data() {
  static const CsvRows* data = [] () -> const CsvRows* {
    const char* env = std::getenv("CDP_ATTRIBUTION_DATA");
    std::ifstream in(env ? env : "../shared/data/channelattribution-paths/Data.csv");
    if (!in) return nullptr;
    auto* d = new CsvRows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string path, c, v, n;
      std::getline(ss, path, ';');
      std::getline(ss, c, ';');
      std::getline(ss, v, ';');
      std::getline(ss, n, ';');
      std::vector<std::string> p;
      size_t pos = 0;
      while (true) {
        const size_t next = path.find(" > ", pos);
        p.push_back(path.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos) break;
        pos = next + 3;
      }
      d->paths.push_back(std::move(p));
      d->conv.push_back(std::stoll(c));
      d->value.push_back(std::stod(v));
      d->nulls.push_back(std::stoll(n));
    }
    return d;
  }();
  return data;
}

void BM_MarkovChannelAttributionData(benchmark::State& state) {
  const CsvRows* d = channel_attribution_data();
  if (d == nullptr) {
    state.SkipWithError("ChannelAttribution Data.csv not found (set CDP_ATTRIBUTION_DATA)");
    return;
  }
  const int order = int(state.range(0));
  std::vector<std::vector<std::string_view>> views;
  for (const auto& p : d->paths) views.emplace_back(p.begin(), p.end());
  for (auto _ : state) {
    MarkovCounts m(order);
    for (size_t i = 0; i < views.size(); ++i)
      m.add_path(views[i].data(), views[i].size(), d->conv[i], d->nulls[i], d->value[i]);
    benchmark::DoNotOptimize(cdp::core::markov_attribution(m));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(views.size()));
}
BENCHMARK(BM_MarkovChannelAttributionData)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace
