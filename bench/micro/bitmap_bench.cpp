// Google Benchmark micro-benchmarks of cdp::core::Bitmap (no PostgreSQL).
//
// Built as build/bench/cdp_micro_bench by CMake (CDP_BUILD_BENCH=ON) and run
// by `make bench` (scripts/bench.sh). Every input is made by a fixed-seed
// generator, so two runs time the same data. Inputs mirror the SQL
// benchmarks of bench/*.sql:
//   - build from 1M ids (sorted vs unsorted input to add_many), and
//     rb_build_agg's batch pattern (std::sort vs cdp::core::radix_sort),
//   - and/or/andnot of two random subsets of a 10M-id universe,
//   - lazy OR of 1,000 bitmaps of 10k ids (rb_or_agg), and a prototype
//     union straight from the serialized bytes for comparison,
//   - serialize / deserialize_checked (full validation) / deserialize_trusted
//     of a 1M-id bitmap, and the validator alone,
//   - parse_bitmap_text of 100k ids.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cdp/core/bitmap.h"
#include "cdp/core/bitmap_text.h"
#include "cdp/core/portable_format.h"
#include "cdp/core/radix_sort.h"

namespace {

using cdp::core::Bitmap;

constexpr uint32_t kUniverse = 10'000'000;  // user ids 0 .. 10M-1

// `count` distinct ids drawn uniformly from [0, universe), sorted.
// Floyd's sampling would need a hash set; a Bernoulli pass over the universe
// followed by trimming to `count` is simpler and exact in size.
std::vector<uint32_t> sample_sorted(uint32_t count, uint32_t universe, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> all(universe);
  std::iota(all.begin(), all.end(), 0u);
  // Partial Fisher-Yates: the first `count` slots become a uniform sample.
  for (uint32_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<uint32_t> pick(i, universe - 1);
    std::swap(all[i], all[pick(rng)]);
  }
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

// `count` ids uniform in [0, universe), duplicates possible (like random()).
std::vector<uint32_t> draw(uint32_t count, uint32_t universe, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> pick(0, universe - 1);
  std::vector<uint32_t> v(count);
  for (auto& x : v) x = pick(rng);
  return v;
}

// Inputs are made once per process and shared by the benchmarks using them.
const std::vector<uint32_t>& ids_1m_sorted() {
  static const std::vector<uint32_t> v = sample_sorted(1'000'000, kUniverse, 1);
  return v;
}

const std::vector<uint32_t>& ids_1m_shuffled() {
  static const std::vector<uint32_t> v = [] {
    std::vector<uint32_t> s = ids_1m_sorted();
    std::shuffle(s.begin(), s.end(), std::mt19937_64(2));
    return s;
  }();
  return v;
}

// A random subset of `millions` million ids out of 10M (the B2 tag bitmaps).
const Bitmap& tag_bitmap(int millions, uint64_t seed) {
  static std::map<std::pair<int, uint64_t>, Bitmap> cache;
  auto it = cache.find({millions, seed});
  if (it == cache.end()) {
    const auto ids = sample_sorted(static_cast<uint32_t>(millions) * 1'000'000u, kUniverse, seed);
    it = cache.emplace(std::make_pair(millions, seed), Bitmap::of(ids)).first;
  }
  return it->second;
}

// 1,000 bitmaps of 10k ids uniform in [0, 10M) (the B3 data).
const std::vector<Bitmap>& many_small() {
  static const std::vector<Bitmap> v = [] {
    std::vector<Bitmap> out;
    out.reserve(1000);
    for (uint64_t i = 0; i < 1000; ++i) {
      auto ids = draw(10'000, kUniverse, 1000 + i);
      std::sort(ids.begin(), ids.end());
      out.push_back(Bitmap::of(ids));
    }
    return out;
  }();
  return v;
}

const std::string& serialized_1m() {
  static const std::string s = Bitmap::of(ids_1m_sorted()).serialize();
  return s;
}

// ------------------------------------------------------------------ building

void BM_AddMany_Sorted1M(benchmark::State& state) {
  const auto& ids = ids_1m_sorted();
  for (auto _ : state) {
    Bitmap b;
    b.add_many(ids.data(), ids.size());
    benchmark::DoNotOptimize(b.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_AddMany_Sorted1M)->Unit(benchmark::kMillisecond);

void BM_AddMany_Unsorted1M(benchmark::State& state) {
  const auto& ids = ids_1m_shuffled();
  for (auto _ : state) {
    Bitmap b;
    b.add_many(ids.data(), ids.size());
    benchmark::DoNotOptimize(b.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_AddMany_Unsorted1M)->Unit(benchmark::kMillisecond);

// What rb_build_agg does with unsorted rows: copy, sort, add_many.
void BM_SortThenAddMany_Unsorted1M(benchmark::State& state) {
  const auto& ids = ids_1m_shuffled();
  for (auto _ : state) {
    std::vector<uint32_t> copy(ids);
    std::sort(copy.begin(), copy.end());
    Bitmap b;
    b.add_many(copy.data(), copy.size());
    benchmark::DoNotOptimize(b.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(ids.size()));
}
BENCHMARK(BM_SortThenAddMany_Unsorted1M)->Unit(benchmark::kMillisecond);

// rb_build_agg's pattern on the B1 data shape: 3.33M rows (one of three
// parallel processes' share of 10M) in scattered order over 1M distinct ids
// spread across a 10M range, buffered and added sorted in batches of
// state.range(0) ids (src/pg/rbitmap_agg.cpp uses 16384). This one sorts
// with std::sort (what the aggregate did first); the RadixSort variant below
// is what it does now.
const std::vector<uint32_t>& event_rows() {
  static const std::vector<uint32_t> v = [] {
    constexpr uint64_t kUsers = 1'000'000, kRows = 3'333'333;
    std::vector<uint32_t> out(kRows);
    for (uint64_t g = 1; g <= kRows; ++g)  // same formula as bench/data_events.sql
      out[g - 1] = static_cast<uint32_t>(((g * 2654435761ULL) % kUsers) * 7919 % (10 * kUsers));
    return out;
  }();
  return v;
}

void BM_BuildAggPattern(benchmark::State& state) {
  const auto& rows = event_rows();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> pending;
  pending.reserve(batch);
  for (auto _ : state) {
    Bitmap b;
    for (size_t i = 0; i < rows.size(); i += batch) {
      const size_t n = std::min(batch, rows.size() - i);
      pending.assign(rows.begin() + static_cast<std::ptrdiff_t>(i),
                     rows.begin() + static_cast<std::ptrdiff_t>(i + n));
      std::sort(pending.begin(), pending.end());
      b.add_many(pending.data(), pending.size());
    }
    benchmark::DoNotOptimize(b.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildAggPattern)->Arg(16384)->Arg(262144)->Arg(1 << 22)->Unit(benchmark::kMillisecond);

// Alternative for the same rows: each sorted batch becomes its own small
// bitmap (appends only), merged with lazy_or_inplace (bitset conversion, no
// insertion into the middle of array containers); one repair at the end.
void BM_BuildAggPattern_LazyOrBatches(benchmark::State& state) {
  const auto& rows = event_rows();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> pending;
  pending.reserve(batch);
  for (auto _ : state) {
    Bitmap acc;
    for (size_t i = 0; i < rows.size(); i += batch) {
      const size_t n = std::min(batch, rows.size() - i);
      pending.assign(rows.begin() + static_cast<std::ptrdiff_t>(i),
                     rows.begin() + static_cast<std::ptrdiff_t>(i + n));
      std::sort(pending.begin(), pending.end());
      acc.lazy_or_inplace(Bitmap::of(pending));
    }
    acc.repair();
    benchmark::DoNotOptimize(acc.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildAggPattern_LazyOrBatches)->Arg(16384)->Arg(262144)->Unit(benchmark::kMillisecond);

// The sorting share of BM_BuildAggPattern/16384 alone.
void BM_BuildAggPattern_SortOnly(benchmark::State& state) {
  const auto& rows = event_rows();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> pending;
  pending.reserve(batch);
  for (auto _ : state) {
    for (size_t i = 0; i < rows.size(); i += batch) {
      const size_t n = std::min(batch, rows.size() - i);
      pending.assign(rows.begin() + static_cast<std::ptrdiff_t>(i),
                     rows.begin() + static_cast<std::ptrdiff_t>(i + n));
      std::sort(pending.begin(), pending.end());
      benchmark::DoNotOptimize(pending.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildAggPattern_SortOnly)->Arg(16384)->Unit(benchmark::kMillisecond);

// The same with cdp::core::radix_sort, what rb_build_agg's flush uses now.
void BM_BuildAggPattern_RadixSort(benchmark::State& state) {
  const auto& rows = event_rows();
  const size_t batch = static_cast<size_t>(state.range(0));
  std::vector<uint32_t> pending, tmp;
  pending.reserve(batch);
  for (auto _ : state) {
    Bitmap b;
    for (size_t i = 0; i < rows.size(); i += batch) {
      const size_t n = std::min(batch, rows.size() - i);
      pending.assign(rows.begin() + static_cast<std::ptrdiff_t>(i),
                     rows.begin() + static_cast<std::ptrdiff_t>(i + n));
      cdp::core::radix_sort(pending, tmp);
      b.add_many(pending.data(), pending.size());
    }
    benchmark::DoNotOptimize(b.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildAggPattern_RadixSort)->Arg(16384)->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ set algebra
// Args: sizes of the two operands in millions of ids out of 10M.

void BM_Or(benchmark::State& state) {
  const Bitmap& a = tag_bitmap(static_cast<int>(state.range(0)), 11);
  const Bitmap& b = tag_bitmap(static_cast<int>(state.range(1)), 12);
  for (auto _ : state) benchmark::DoNotOptimize(Bitmap::or_(a, b).cardinality());
}
BENCHMARK(BM_Or)->Args({5, 3})->Args({1, 5})->Unit(benchmark::kMicrosecond);

void BM_And(benchmark::State& state) {
  const Bitmap& a = tag_bitmap(static_cast<int>(state.range(0)), 11);
  const Bitmap& b = tag_bitmap(static_cast<int>(state.range(1)), 12);
  for (auto _ : state) benchmark::DoNotOptimize(Bitmap::and_(a, b).cardinality());
}
BENCHMARK(BM_And)->Args({5, 3})->Args({1, 5})->Unit(benchmark::kMicrosecond);

void BM_AndNot(benchmark::State& state) {
  const Bitmap& a = tag_bitmap(static_cast<int>(state.range(0)), 11);
  const Bitmap& b = tag_bitmap(static_cast<int>(state.range(1)), 12);
  for (auto _ : state) benchmark::DoNotOptimize(Bitmap::andnot_(a, b).cardinality());
}
BENCHMARK(BM_AndNot)->Args({5, 3})->Args({1, 5})->Unit(benchmark::kMicrosecond);

void BM_AndCardinality(benchmark::State& state) {
  const Bitmap& a = tag_bitmap(static_cast<int>(state.range(0)), 11);
  const Bitmap& b = tag_bitmap(static_cast<int>(state.range(1)), 12);
  for (auto _ : state) benchmark::DoNotOptimize(Bitmap::and_cardinality(a, b));
}
BENCHMARK(BM_AndCardinality)->Args({5, 3})->Unit(benchmark::kMicrosecond);

// The B2 audience ((A & B) | C) - D on 5M/3M/1M/2M-of-10M bitmaps, in core only.
void BM_Audience(benchmark::State& state) {
  const Bitmap& a = tag_bitmap(5, 21);
  const Bitmap& b = tag_bitmap(3, 22);
  const Bitmap& c = tag_bitmap(1, 23);
  const Bitmap& d = tag_bitmap(2, 24);
  for (auto _ : state) {
    Bitmap r = Bitmap::and_(a, b);
    r.or_inplace(c);
    r.andnot_inplace(d);
    benchmark::DoNotOptimize(r.cardinality());
  }
}
BENCHMARK(BM_Audience)->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------------------ many ORs

void BM_LazyOr_1000x10k(benchmark::State& state) {
  const auto& inputs = many_small();
  for (auto _ : state) {
    Bitmap acc = inputs[0].clone();
    for (size_t i = 1; i < inputs.size(); ++i) acc.lazy_or_inplace(inputs[i]);
    acc.repair();
    benchmark::DoNotOptimize(acc.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_LazyOr_1000x10k)->Unit(benchmark::kMillisecond);

void BM_EagerOr_1000x10k(benchmark::State& state) {
  const auto& inputs = many_small();
  for (auto _ : state) {
    Bitmap acc = inputs[0].clone();
    for (size_t i = 1; i < inputs.size(); ++i) acc.or_inplace(inputs[i]);
    benchmark::DoNotOptimize(acc.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_EagerOr_1000x10k)->Unit(benchmark::kMillisecond);

// rb_or_agg also decodes each stored input: deserialize_trusted + lazy OR.
void BM_DeserializeAndLazyOr_1000x10k(benchmark::State& state) {
  static const std::vector<std::string> bytes = [] {
    std::vector<std::string> out;
    for (const auto& b : many_small()) out.push_back(b.serialize());
    return out;
  }();
  for (auto _ : state) {
    Bitmap acc;
    for (const auto& s : bytes)
      acc.lazy_or_inplace(Bitmap::deserialize_trusted(s.data(), s.size()));
    acc.repair();
    benchmark::DoNotOptimize(acc.cardinality());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_DeserializeAndLazyOr_1000x10k)->Unit(benchmark::kMillisecond);

// Prototype (benchmark only, not in src/): the union cardinality of the same
// 1,000 serialized inputs computed straight from the portable bytes into
// one flat 8 KB bitset per 16-bit key, with no CRoaring object per input.
// Shows how much of rb_or_cardinality_agg is decode + container allocation.
uint16_t rd16(const unsigned char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
uint32_t rd32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct FlatUnion {
  std::vector<std::unique_ptr<uint64_t[]>> blocks = std::vector<std::unique_ptr<uint64_t[]>>(65536);
  uint64_t* block(uint16_t key) {
    auto& b = blocks[key];
    if (!b) b.reset(new uint64_t[1024]());
    return b.get();
  }
  // `s` must be a valid portable serialization (we wrote it ourselves).
  void add_serialized(const std::string& s) {
    const auto* base = reinterpret_cast<const unsigned char*>(s.data());
    const uint32_t cookie = rd32(base);
    size_t pos = 4, n;
    const unsigned char* runs = nullptr;
    if ((cookie & 0xFFFF) == cdp::core::portable::kCookieRun) {
      n = (cookie >> 16) + 1;
      runs = base + pos;
      pos += (n + 7) / 8;
    } else {
      n = rd32(base + pos);
      pos += 4;
    }
    const unsigned char* header = base + pos;
    pos += 4 * n;
    if (!runs || n >= cdp::core::portable::kNoOffsetThreshold) pos += 4 * n;
    for (size_t i = 0; i < n; ++i) {
      uint64_t* w = block(rd16(header + 4 * i));
      const uint32_t card = uint32_t{rd16(header + 4 * i + 2)} + 1;
      const unsigned char* c = base + pos;
      if (runs && ((runs[i / 8] >> (i % 8)) & 1)) {
        const uint16_t nruns = rd16(c);
        for (uint16_t r = 0; r < nruns; ++r) {
          const uint32_t start = rd16(c + 2 + 4 * r), len = rd16(c + 4 + 4 * r);
          for (uint32_t v = start; v <= start + len; ++v) w[v >> 6] |= uint64_t{1} << (v & 63);
        }
        pos += 2 + 4 * size_t{nruns};
      } else if (card <= cdp::core::portable::kMaxArrayCardinality) {
        for (uint32_t j = 0; j < card; ++j) {
          const uint16_t v = rd16(c + 2 * j);
          w[v >> 6] |= uint64_t{1} << (v & 63);
        }
        pos += 2 * size_t{card};
      } else {
        for (size_t k = 0; k < 1024; ++k) {
          uint64_t x;
          std::memcpy(&x, c + 8 * k, 8);
          w[k] |= x;
        }
        pos += cdp::core::portable::kBitsetBytes;
      }
    }
  }
  uint64_t cardinality() const {
    uint64_t total = 0;
    for (const auto& b : blocks)
      if (b)
        for (size_t k = 0; k < 1024; ++k) total += static_cast<uint64_t>(__builtin_popcountll(b[k]));
    return total;
  }
};

void BM_FlatUnionCardinalityPrototype_1000x10k(benchmark::State& state) {
  static const std::vector<std::string> bytes = [] {
    std::vector<std::string> out;
    for (const auto& b : many_small()) out.push_back(b.serialize());
    return out;
  }();
  uint64_t expect = 0;
  {
    Bitmap acc;
    for (const auto& b : many_small()) acc.lazy_or_inplace(b);
    acc.repair();
    expect = acc.cardinality();
  }
  for (auto _ : state) {
    FlatUnion u;
    for (const auto& s : bytes) u.add_serialized(s);
    const uint64_t card = u.cardinality();
    if (card != expect) state.SkipWithError("prototype union cardinality differs from CRoaring's");
    benchmark::DoNotOptimize(card);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_FlatUnionCardinalityPrototype_1000x10k)->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------------ serialization
// A 1M-of-10M bitmap: 153 bitset containers, ~1.2 MB serialized.

void BM_Serialize1M(benchmark::State& state) {
  const Bitmap b = Bitmap::of(ids_1m_sorted());
  std::string out(b.serialized_size(), '\0');
  for (auto _ : state) {
    b.serialize_into(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_Serialize1M)->Unit(benchmark::kMicrosecond);

void BM_DeserializeChecked1M(benchmark::State& state) {
  const std::string& s = serialized_1m();
  for (auto _ : state)
    benchmark::DoNotOptimize(Bitmap::deserialize_checked(s.data(), s.size()).cardinality());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_DeserializeChecked1M)->Unit(benchmark::kMicrosecond);

void BM_DeserializeTrusted1M(benchmark::State& state) {
  const std::string& s = serialized_1m();
  for (auto _ : state)
    benchmark::DoNotOptimize(Bitmap::deserialize_trusted(s.data(), s.size()).cardinality());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_DeserializeTrusted1M)->Unit(benchmark::kMicrosecond);

// The validator on its own (deserialize_checked = validate + trusted).
void BM_Validate1M(benchmark::State& state) {
  const std::string& s = serialized_1m();
  for (auto _ : state)
    benchmark::DoNotOptimize(cdp::core::portable::validate(s.data(), s.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_Validate1M)->Unit(benchmark::kMicrosecond);

// The header-only cardinality that rb_cardinality uses on stored values.
void BM_HeaderCardinality1M(benchmark::State& state) {
  const std::string& s = serialized_1m();
  for (auto _ : state) {
    uint64_t card = 0;
    benchmark::DoNotOptimize(cdp::core::portable::header_cardinality(s.data(), s.size(), &card));
    benchmark::DoNotOptimize(card);
  }
}
BENCHMARK(BM_HeaderCardinality1M)->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------------------ text

const std::string& text_100k() {
  static const std::string s = [] {
    const auto ids = draw(100'000, kUniverse, 7);  // unsorted, like user input
    std::string out = "{";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(ids[i]);
    }
    out += '}';
    return out;
  }();
  return s;
}

void BM_ParseText100k(benchmark::State& state) {
  const std::string& s = text_100k();
  for (auto _ : state)
    benchmark::DoNotOptimize(cdp::core::parse_bitmap_text(s).cardinality());
  state.SetItemsProcessed(state.iterations() * 100'000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_ParseText100k)->Unit(benchmark::kMillisecond);

void BM_FormatText100k(benchmark::State& state) {
  const Bitmap b = cdp::core::parse_bitmap_text(text_100k());
  for (auto _ : state) benchmark::DoNotOptimize(cdp::core::format_bitmap_array(b).size());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(b.cardinality()));
}
BENCHMARK(BM_FormatText100k)->Unit(benchmark::kMillisecond);

}  // namespace
