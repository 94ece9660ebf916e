// markov_attribution core (src/core/markov.cpp): the spec's worked cases, the
// solver against an independent power-iteration reference, combine,
// serialization and bad input.
#include "cdp/core/markov.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/error.h"

namespace {

using cdp::core::ChannelCredit;
using cdp::core::Error;
using cdp::core::kMaxMarkovStates;
using cdp::core::markov_attribution;
using cdp::core::markov_credits;
using cdp::core::MarkovCounts;
using cdp::core::MarkovResult;
using cdp::core::solve_markov;

template <class F>
std::string sqlstate_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.sqlstate();
  }
  return "none";
}

struct Row {
  std::vector<std::string> path;
  int64_t conversions;
  int64_t non_conversions;
  double value = 0;
};

void add(MarkovCounts& m, const Row& r) {
  std::vector<std::string_view> v(r.path.begin(), r.path.end());
  m.add_path(v, r.conversions, r.non_conversions, r.value);
}

MarkovCounts counts_of(const std::vector<Row>& rows, int order = 1) {
  MarkovCounts m(order);
  for (const Row& r : rows) add(m, r);
  return m;
}

double re_of(const MarkovResult& r, const std::string& ch, bool value = false) {
  for (size_t i = 0; i < r.channels.size(); ++i)
    if (r.channels[i] == ch) return value ? r.value_removal_effect[i] : r.removal_effect[i];
  ADD_FAILURE() << "no channel " << ch;
  return NAN;
}

// Bitwise comparison of two results.
void expect_same(const MarkovResult& a, const MarkovResult& b) {
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.removal_effect, b.removal_effect);
  EXPECT_EQ(a.value_removal_effect, b.value_removal_effect);
  EXPECT_EQ(a.conversion_probability, b.conversion_probability);
  EXPECT_EQ(a.expected_value, b.expected_value);
  EXPECT_EQ(a.total_conversions, b.total_conversions);
  EXPECT_EQ(a.total_value, b.total_value);
}

// --- the spec's worked cases

TEST(Markov, WorkedCaseThreeChannels) {
  const auto m = counts_of({{{"C1", "C2", "C3"}, 1, 0}, {{"C1"}, 0, 1}, {{"C2", "C3"}, 0, 1}});
  const MarkovResult r = solve_markov(m);
  EXPECT_NEAR(r.conversion_probability, 1.0 / 3, 1e-12);
  EXPECT_NEAR(re_of(r, "C1"), 0.5, 1e-12);
  EXPECT_NEAR(re_of(r, "C2"), 1.0, 1e-12);
  EXPECT_NEAR(re_of(r, "C3"), 1.0, 1e-12);
  const auto c = markov_credits(r);
  ASSERT_EQ(c.size(), 3u);
  // Descending credit, ties by name.
  EXPECT_EQ(c[0].channel, "C2");
  EXPECT_EQ(c[1].channel, "C3");
  EXPECT_EQ(c[2].channel, "C1");
  EXPECT_NEAR(c[0].credit, 0.4, 1e-12);
  EXPECT_NEAR(c[1].credit, 0.4, 1e-12);
  EXPECT_NEAR(c[2].credit, 0.2, 1e-12);
  EXPECT_NEAR(c[2].removal_effect, 0.5, 1e-12);
  EXPECT_EQ(m.total_conversions(), 1);
  EXPECT_EQ(m.total_non_conversions(), 2);
  EXPECT_EQ(r.states, 3u);
}

TEST(Markov, WorkedCaseRepeats) {
  const auto m = counts_of({{{"A", "B", "A", "B", "B", "A"}, 1, 0},
                            {{"A", "B", "B", "A", "A"}, 1, 0},
                            {{"A", "A"}, 1, 0}});
  const MarkovResult r = solve_markov(m);
  EXPECT_NEAR(r.conversion_probability, 1.0, 1e-12);
  EXPECT_NEAR(re_of(r, "A"), 1.0, 1e-12);
  EXPECT_NEAR(re_of(r, "B"), 0.5, 1e-12);
  const auto c = markov_credits(r);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].channel, "A");
  EXPECT_NEAR(c[0].credit, 2.0, 1e-12);
  EXPECT_EQ(c[1].channel, "B");
  EXPECT_NEAR(c[1].credit, 1.0, 1e-12);
}

TEST(Markov, SecondOrderSeesContext) {
  // A > B converts, C > B does not. First order: B is where both meet.
  const std::vector<Row> rows{{{"A", "B"}, 1, 0}, {{"C", "B"}, 0, 1}};
  const MarkovResult r1 = solve_markov(counts_of(rows, 1));
  EXPECT_NEAR(r1.conversion_probability, 0.5, 1e-12);
  EXPECT_NEAR(re_of(r1, "A"), 0.5, 1e-12);
  EXPECT_NEAR(re_of(r1, "B"), 1.0, 1e-12);
  EXPECT_NEAR(re_of(r1, "C"), 0.5, 1e-12);
  // Second order: (A,B) always converts and (C,B) never does.
  const MarkovResult r2 = solve_markov(counts_of(rows, 2));
  EXPECT_NEAR(r2.conversion_probability, 0.5, 1e-12);
  EXPECT_NEAR(re_of(r2, "A"), 1.0, 1e-12);
  EXPECT_NEAR(re_of(r2, "B"), 1.0, 1e-12);
  EXPECT_NEAR(re_of(r2, "C"), 0.0, 1e-12);
  EXPECT_EQ(r2.states, 4u);  // (A), (C), (A,B), (C,B)
  const auto c = markov_credits(r2);
  EXPECT_EQ(c[0].channel, "A");
  EXPECT_NEAR(c[0].credit, 0.5, 1e-12);
  EXPECT_EQ(c[1].channel, "B");
  EXPECT_NEAR(c[1].credit, 0.5, 1e-12);
  EXPECT_EQ(c[2].channel, "C");
  EXPECT_EQ(c[2].credit, 0.0);
}

TEST(Markov, EdgeCases) {
  // Nothing converts: zeros, not NaN.
  {
    const auto m = counts_of({{{"A", "B"}, 0, 3}, {{"B"}, 0, 1}});
    const MarkovResult r = solve_markov(m);
    EXPECT_EQ(r.conversion_probability, 0.0);
    for (const auto& c : markov_credits(r)) {
      EXPECT_EQ(c.credit, 0.0);
      EXPECT_EQ(c.removal_effect, 0.0);
    }
    EXPECT_EQ(markov_credits(r).size(), 2u);
    for (const auto& c : markov_credits(r, true)) EXPECT_EQ(c.credit, 0.0);
  }
  // No rows at all.
  {
    const MarkovCounts m;
    EXPECT_TRUE(m.empty());
    EXPECT_TRUE(markov_attribution(m).empty());
  }
  // A channel only on non-converting paths: RE 0, credit 0, listed last.
  {
    const auto m = counts_of({{{"A"}, 2, 0}, {{"Z"}, 0, 5}});
    const auto c = markov_attribution(m);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].channel, "A");
    EXPECT_NEAR(c[0].credit, 2.0, 1e-12);
    EXPECT_EQ(c[1].channel, "Z");
    EXPECT_EQ(c[1].credit, 0.0);
    EXPECT_EQ(c[1].removal_effect, 0.0);
  }
  // Empty paths and weightless rows are ignored entirely.
  {
    MarkovCounts m;
    m.add_path(nullptr, 0, 5, 5);
    add(m, {{"X"}, 0, 0});
    EXPECT_TRUE(m.empty());
    EXPECT_EQ(m.total_conversions(), 0);
  }
  // Long loops still exit: A > B repeated, one null.
  {
    std::vector<std::string> p;
    for (int i = 0; i < 10000; ++i) p.push_back(i % 2 ? "B" : "A");
    const auto m = counts_of({{p, 1, 1}});
    const MarkovResult r = solve_markov(m);
    EXPECT_NEAR(r.conversion_probability, 0.5, 1e-12);
    EXPECT_NEAR(re_of(r, "A"), 1.0, 1e-12);
    EXPECT_NEAR(re_of(r, "B"), 1.0, 1e-12);
  }
}

TEST(Markov, BadInput) {
  MarkovCounts m;
  const std::vector<std::string_view> p{"A"};
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, -1, 0); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 0, -1); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 1, 0, -1.0); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 1, 0, NAN); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 1, 0, INFINITY); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 0, 1, 5.0); }), "22023");  // value, no conversion
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, INT64_MAX, 1); }), "22003");
  m.add_path(p, INT64_MAX, 0);
  EXPECT_EQ(sqlstate_of([&] { m.add_path(p, 1, 0); }), "22003");
  EXPECT_EQ(sqlstate_of([] { MarkovCounts bad(0); }), "22023");
  EXPECT_EQ(sqlstate_of([] { MarkovCounts bad(cdp::core::kMaxMarkovOrder + 1); }), "22023");
  MarkovCounts a(1), b(2);
  EXPECT_EQ(sqlstate_of([&] { a.merge(b); }), "22023");
}

TEST(Markov, StateLimit) {
  MarkovCounts m;
  std::vector<std::string> names;
  for (size_t i = 0; i <= kMaxMarkovStates; ++i) names.push_back("ch" + std::to_string(i));
  for (size_t i = 0; i < kMaxMarkovStates; ++i) add(m, {{names[i]}, 1, 0});
  EXPECT_EQ(m.state_count(), kMaxMarkovStates);
  EXPECT_EQ(sqlstate_of([&] { add(m, {{names.back()}, 1, 0}); }), "54000");
  // Order 2: tuples count, not channels.
  MarkovCounts m2(2);
  size_t added = 0;
  EXPECT_EQ(sqlstate_of([&] {
              for (size_t i = 0; i < 100; ++i)
                for (size_t j = 0; j < 100; ++j, ++added)
                  if (i != j) add(m2, {{names[i], names[j]}, 1, 0});
            }),
            "54000");
  EXPECT_EQ(m2.state_count(), kMaxMarkovStates);
}

TEST(Markov, ValueVariant) {
  // A converts with value 10, B with 30: same conversion credit, value follows value.
  {
    const auto m = counts_of({{{"A"}, 1, 0, 10.0}, {{"B"}, 1, 0, 30.0}});
    const auto conv = markov_attribution(m);
    EXPECT_NEAR(conv[0].credit, 1.0, 1e-12);
    EXPECT_NEAR(conv[1].credit, 1.0, 1e-12);
    const auto val = markov_attribution(m, true);
    EXPECT_EQ(val[0].channel, "B");
    EXPECT_NEAR(val[0].credit, 30.0, 1e-12);
    EXPECT_EQ(val[1].channel, "A");
    EXPECT_NEAR(val[1].credit, 10.0, 1e-12);
    EXPECT_NEAR(m.total_value(), 40.0, 0);
  }
  // The same value on every conversion: value credits = conversion credits x value.
  {
    std::vector<Row> rows{{{"C1", "C2", "C3"}, 2, 1, 14.0},
                          {{"C1"}, 1, 3, 7.0},
                          {{"C2", "C3", "C1"}, 3, 1, 21.0}};
    const auto m = counts_of(rows);
    const MarkovResult r = solve_markov(m);
    EXPECT_NEAR(r.expected_value, 7 * r.conversion_probability, 1e-12);
    for (const auto& ch : r.channels) EXPECT_NEAR(re_of(r, ch, true), re_of(r, ch), 1e-12);
    const auto conv = markov_credits(r);
    const auto val = markov_credits(r, true);
    for (size_t i = 0; i < conv.size(); ++i) {
      EXPECT_EQ(conv[i].channel, val[i].channel);
      EXPECT_NEAR(val[i].credit, 7 * conv[i].credit, 1e-9);
    }
  }
}

// --- independent reference: transition counts rebuilt from the rows, then the
// distribution pushed through the chain until (almost) no mass is left.

struct Reference {
  double p = 0, ev = 0;
  std::map<std::string, double> re, rev;
};

Reference reference(const std::vector<Row>& rows, int order) {
  using State = std::vector<std::string>;  // empty = start
  const State kConv{"#conv"}, kNull{"#null"};
  std::map<State, std::map<State, double>> count;
  std::map<State, double> value;
  std::vector<std::string> channels;
  for (const Row& r : rows) {
    if (r.path.empty() || r.conversions + r.non_conversions == 0) continue;
    std::vector<std::string> p;
    for (const auto& c : r.path)
      if (p.empty() || p.back() != c) p.push_back(c);
    State cur, hist;
    for (const auto& c : p) {
      channels.push_back(c);
      hist.push_back(c);
      State next(hist.end() - std::min<std::ptrdiff_t>(order, std::ptrdiff_t(hist.size())),
                 hist.end());
      count[cur][next] += double(r.conversions + r.non_conversions);
      cur = next;
    }
    if (r.conversions > 0) count[cur][kConv] += double(r.conversions);
    if (r.non_conversions > 0) count[cur][kNull] += double(r.non_conversions);
    value[cur] += r.value;
  }
  std::sort(channels.begin(), channels.end());
  channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
  auto run = [&](const std::string& removed) {
    std::map<State, double> dist{{State{}, 1.0}};
    double conv = 0, val = 0;
    for (int step = 0; step < 1000000 && !dist.empty(); ++step) {
      std::map<State, double> next;
      double mass = 0;
      for (const auto& [s, w] : dist) {
        const auto& out = count[s];
        double total = 0;
        for (const auto& [t, c] : out) total += c;
        for (const auto& [t, c] : out) {
          const double q = w * c / total;
          if (t == kConv) {
            conv += q;
            val += q * value[s] / out.at(kConv);
          } else if (t == kNull || (!removed.empty() && t.back() == removed)) {
            // absorbed
          } else {
            next[t] += q;
            mass += q;
          }
        }
      }
      dist.swap(next);
      if (mass < 1e-15) break;
    }
    return std::make_pair(conv, val);
  };
  Reference ref;
  std::tie(ref.p, ref.ev) = run("");
  for (const auto& c : channels) {
    const auto [pc, vc] = run(c);
    ref.re[c] = ref.p > 0 ? 1 - pc / ref.p : 0;
    ref.rev[c] = ref.ev > 0 ? 1 - vc / ref.ev : 0;
  }
  return ref;
}

std::vector<Row> random_rows(std::mt19937_64& rng, int nch, int nrows, int maxlen) {
  std::vector<Row> rows;
  for (int i = 0; i < nrows; ++i) {
    Row r;
    const int len = 1 + int(rng() % uint64_t(maxlen));
    for (int j = 0; j < len; ++j) r.path.push_back(std::string(1, char('A' + rng() % uint64_t(nch))));
    r.conversions = int64_t(rng() % 4);
    r.non_conversions = int64_t(rng() % 4);
    if (rng() % 3 == 0) r.non_conversions = 0;
    r.value = r.conversions > 0 ? double(r.conversions) * double(1 + rng() % 50) / 4 : 0;
    rows.push_back(std::move(r));
  }
  return rows;
}

TEST(Markov, RandomizedAgainstPowerIteration) {
  std::mt19937_64 rng(2024);
  int compared = 0;
  for (int iter = 0; iter < 600; ++iter) {
    const int order = 1 + iter % 3;
    const int nch = 2 + int(rng() % 5);
    const auto rows = random_rows(rng, nch, 1 + int(rng() % 12), 6);
    const auto m = counts_of(rows, order);
    const MarkovResult r = solve_markov(m);
    const Reference ref = reference(rows, order);
    ASSERT_NEAR(r.conversion_probability, ref.p, 1e-10) << "iter " << iter;
    ASSERT_NEAR(r.expected_value, ref.ev, 1e-9 * std::max(1.0, ref.ev)) << "iter " << iter;
    for (const auto& [ch, re] : ref.re) {
      EXPECT_NEAR(re_of(r, ch), re, 1e-9) << "iter " << iter << " order " << order << " " << ch;
      EXPECT_NEAR(re_of(r, ch, true), ref.rev.at(ch), 1e-9) << "iter " << iter << " " << ch;
      ++compared;
    }
    // The chain reproduces the observed totals (every state's flow balances).
    const double journeys = double(m.total_conversions() + m.total_non_conversions());
    if (journeys > 0) {
      EXPECT_NEAR(r.conversion_probability, double(m.total_conversions()) / journeys, 1e-12);
      EXPECT_NEAR(r.expected_value, m.total_value() / journeys, 1e-12 * std::max(1.0, r.expected_value));
    }
    // Credits sum to the totals.
    double sc = 0, sv = 0, sre = 0;
    for (const auto& c : markov_credits(r)) sc += c.credit, sre += c.removal_effect;
    for (const auto& c : markov_credits(r, true)) sv += c.credit;
    if (m.total_conversions() > 0) {
      EXPECT_NEAR(sc, double(m.total_conversions()), 1e-9);
      EXPECT_GE(sre, 1.0 - 1e-12);  // every converting journey visits a channel
    } else {
      EXPECT_EQ(sc, 0.0);
    }
    EXPECT_NEAR(sv, m.total_value(), 1e-9 * std::max(1.0, m.total_value()));
  }
  EXPECT_GT(compared, 1500);
}

// --- combine and serialization

TEST(Markov, CombineRandomSplitsEqualsWhole) {
  std::mt19937_64 rng(99);
  for (int iter = 0; iter < 60; ++iter) {
    const int order = 1 + iter % 3;
    auto rows = random_rows(rng, 2 + int(rng() % 8), 5 + int(rng() % 60), 8);
    const MarkovResult whole = solve_markov(counts_of(rows, order));
    // Shuffle, split into parts, combine in random order, some through bytes.
    std::shuffle(rows.begin(), rows.end(), rng);
    const size_t parts = 1 + rng() % 5;
    std::vector<MarkovCounts> part(parts, MarkovCounts(order));
    for (const Row& r : rows) add(part[rng() % parts], r);
    std::shuffle(part.begin(), part.end(), rng);
    MarkovCounts total(order);
    for (auto& p : part) {
      if (rng() % 2) {
        const std::string bytes = p.serialize();
        total.merge(MarkovCounts::deserialize(bytes.data(), bytes.size()));
      } else {
        total.merge(p);
      }
    }
    expect_same(solve_markov(total), whole);
  }
}

TEST(Markov, SerializeRoundTrip) {
  std::mt19937_64 rng(5);
  for (int order = 1; order <= 3; ++order) {
    const auto m = counts_of(random_rows(rng, 6, 40, 7), order);
    const std::string bytes = m.serialize();
    EXPECT_EQ(bytes.size(), m.serialized_size());
    const MarkovCounts back = MarkovCounts::deserialize(bytes.data(), bytes.size());
    EXPECT_EQ(back.serialize(), bytes);
    EXPECT_EQ(back.order(), order);
    EXPECT_EQ(back.total_conversions(), m.total_conversions());
    EXPECT_EQ(back.total_non_conversions(), m.total_non_conversions());
    EXPECT_EQ(back.total_value(), m.total_value());
    expect_same(solve_markov(back), solve_markov(m));
  }
  const MarkovCounts empty;
  const std::string e = empty.serialize();
  EXPECT_TRUE(MarkovCounts::deserialize(e.data(), e.size()).empty());
}

TEST(Markov, CorruptedBytes) {
  std::mt19937_64 rng(17);
  const auto m = counts_of(random_rows(rng, 4, 20, 5), 2);
  const std::string bytes = m.serialize();
  // Every truncation and an appended byte.
  for (size_t n = 0; n < bytes.size(); ++n)
    ASSERT_EQ(sqlstate_of([&] { MarkovCounts::deserialize(bytes.data(), n); }), "22P02") << n;
  const std::string longer = bytes + '\0';
  EXPECT_EQ(sqlstate_of([&] { MarkovCounts::deserialize(longer.data(), longer.size()); }),
            "22P02");
  // Version and kind.
  std::string b = bytes;
  b[0] = 2;
  EXPECT_EQ(sqlstate_of([&] { MarkovCounts::deserialize(b.data(), b.size()); }), "22P02");
  b = bytes;
  b[1] = 'S';
  EXPECT_EQ(sqlstate_of([&] { MarkovCounts::deserialize(b.data(), b.size()); }), "22P02");
  // Random byte flips: an error or a state that still solves (e.g. a changed
  // name byte), never a crash.
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string c = bytes;
    const int flips = 1 + int(rng() % 3);
    for (int k = 0; k < flips; ++k) c[rng() % c.size()] ^= char(1 + rng() % 255);
    try {
      const MarkovCounts x = MarkovCounts::deserialize(c.data(), c.size());
      const MarkovResult r = solve_markov(x);
      for (double re : r.removal_effect) EXPECT_TRUE(re >= 0 && re <= 1);
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), "22P02");
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 2000);
}

// Hand-written state bytes (format in src/core/markov.cpp).
struct Bytes {
  std::string b;
  void u8(uint8_t v) { b.push_back(char(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(char(v >> (8 * i)));
  }
  void i64(int64_t v) {
    for (int i = 0; i < 8; ++i) b.push_back(char(uint64_t(v) >> (8 * i)));
  }
};

// A loop A <-> B left with probability 1e-12 per visit of A: P(conv) = 1,
// RE_B = 1e12 / (1e12 + 1). An elimination that computes the pivot of B as
// 1 - q loses about 4 digits here; the GTH-style sweep does not.
TEST(Markov, NearlyClosedLoopIsAccurate) {
  const int64_t big = 1000000000000;
  Bytes x;
  x.u8(1), x.u8('M'), x.u8(1);
  x.i64(1), x.i64(0);
  x.u8(0), x.u8(0);
  x.u32(2);
  for (const char* n : {"A", "B"}) x.u32(1), x.b += n;
  x.u32(2);
  for (uint32_t c = 0; c < 2; ++c) x.u8(1), x.u32(c);
  x.u32(4);
  x.u32(0), x.u32(1), x.i64(1);            // start -> A
  x.u32(1), x.u32(2), x.i64(big);          // A -> B
  x.u32(1), x.u32(0xFFFFFFFEu), x.i64(1);  // A -> conv
  x.u32(2), x.u32(1), x.i64(big);          // B -> A
  x.u32(0);
  const MarkovCounts m = MarkovCounts::deserialize(x.b.data(), x.b.size());
  const MarkovResult r = solve_markov(m);
  const double q = double(big) / double(big + 1);
  EXPECT_NEAR(r.conversion_probability, 1.0, 1e-14);
  EXPECT_NEAR(re_of(r, "A"), 1.0, 1e-14);
  EXPECT_NEAR(re_of(r, "B"), q, 1e-14);
  const auto c = markov_credits(r);
  EXPECT_NEAR(c[0].credit, 1 / (1 + q), 1e-14);
  EXPECT_NEAR(c[1].credit, q / (1 + q), 1e-14);
}

// Hand-written bytes: a closed loop A <-> B that start never reaches passes the
// flow checks; the solver must ignore it (no singular system, no hang).
TEST(Markov, UnreachableLoopIsIgnored) {
  Bytes x;
  std::string& b = x.b;
  auto u8 = [&](uint8_t v) { x.u8(v); };
  auto u32 = [&](uint32_t v) { x.u32(v); };
  auto i64 = [&](int64_t v) { x.i64(v); };
  u8(1), u8('M'), u8(1);
  i64(1), i64(0);
  u8(0), u8(0);  // total value 0
  u32(3);
  for (const char* n : {"A", "B", "C"}) u32(1), b += n;
  u32(3);
  for (uint32_t c = 0; c < 3; ++c) u8(1), u32(c);
  u32(4);
  u32(0), u32(3), i64(1);            // start -> C
  u32(3), u32(0xFFFFFFFEu), i64(1);  // C -> conv
  u32(1), u32(2), i64(5);            // A -> B
  u32(2), u32(1), i64(5);            // B -> A
  u32(0);
  const MarkovCounts m = MarkovCounts::deserialize(b.data(), b.size());
  const MarkovResult r = solve_markov(m);
  EXPECT_EQ(r.states, 1u);
  EXPECT_NEAR(r.conversion_probability, 1.0, 1e-15);
  EXPECT_EQ(re_of(r, "A"), 0.0);
  EXPECT_EQ(re_of(r, "B"), 0.0);
  EXPECT_NEAR(re_of(r, "C"), 1.0, 1e-15);
  // The same loop with an unbalanced count is rejected.
  std::string bad = b;
  bad[bad.size() - 4 - 8] = 6;  // B -> A count 6
  EXPECT_EQ(sqlstate_of([&] { MarkovCounts::deserialize(bad.data(), bad.size()); }), "22P02");
}

TEST(Markov, RowOrderDoesNotMatter) {
  std::mt19937_64 rng(8);
  auto rows = random_rows(rng, 9, 200, 10);
  const MarkovResult a = solve_markov(counts_of(rows, 2));
  std::reverse(rows.begin(), rows.end());
  expect_same(solve_markov(counts_of(rows, 2)), a);
  std::shuffle(rows.begin(), rows.end(), rng);
  expect_same(solve_markov(counts_of(rows, 2)), a);
}

}  // namespace
