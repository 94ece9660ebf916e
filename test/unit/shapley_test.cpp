// shapley_attribution core (src/core/shapley.cpp): the spec's worked case, the
// closed form against brute-force coalition enumeration, 40 channels,
// combine, serialization and bad input.
#include "cdp/core/shapley.h"

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
using cdp::core::shapley_attribution;
using cdp::core::ShapleyCounts;

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
};

void add(ShapleyCounts& s, const Row& r) {
  std::vector<std::string_view> v(r.path.begin(), r.path.end());
  s.add_path(v, r.conversions, r.non_conversions);
}

ShapleyCounts counts_of(const std::vector<Row>& rows) {
  ShapleyCounts s;
  for (const Row& r : rows) add(s, r);
  return s;
}

std::map<std::string, double> credit_map(const std::vector<ChannelCredit>& c) {
  std::map<std::string, double> m;
  for (const auto& x : c) m[x.channel] = x.credit;
  return m;
}

TEST(Shapley, WorkedCase) {
  const auto s = counts_of({{{"Direct"}, 3, 0},
                            {{"Organic_Search"}, 1, 0},
                            {{"Video"}, 1, 0},
                            {{"Organic_Search", "Direct"}, 1, 0}});
  const auto c = shapley_attribution(s);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].channel, "Direct");
  EXPECT_NEAR(c[0].credit, 3.5, 1e-12);
  EXPECT_NEAR(c[0].removal_effect, 3.5 / 6, 1e-12);
  EXPECT_EQ(c[1].channel, "Organic_Search");
  EXPECT_NEAR(c[1].credit, 1.5, 1e-12);
  EXPECT_EQ(c[2].channel, "Video");
  EXPECT_NEAR(c[2].credit, 1.0, 1e-12);
  EXPECT_NEAR(c[2].removal_effect, 1.0 / 6, 1e-12);
  EXPECT_EQ(s.total_conversions(), 6);
}

TEST(Shapley, SetsIgnoreOrderAndRepeats) {
  const auto c = credit_map(shapley_attribution(
      counts_of({{{"A", "A", "B"}, 1, 0}, {{"B", "A", "B"}, 1, 0}, {{"C"}, 0, 4}})));
  EXPECT_NEAR(c.at("A"), 1.0, 1e-12);
  EXPECT_NEAR(c.at("B"), 1.0, 1e-12);
  EXPECT_EQ(c.at("C"), 0.0);  // listed, no credit
  // Ties: descending credit, then name.
  const auto t = shapley_attribution(counts_of({{{"b", "a"}, 1, 0}, {{"c"}, 0, 1}}));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].channel, "a");
  EXPECT_EQ(t[1].channel, "b");
  EXPECT_EQ(t[2].channel, "c");
}

TEST(Shapley, EdgeCasesAndBadInput) {
  ShapleyCounts s;
  EXPECT_TRUE(shapley_attribution(s).empty());
  s.add_path(nullptr, 0, 3, 0);  // empty path: ignored
  add(s, {{"X"}, 0, 0});         // weightless row: ignored
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.total_conversions(), 0);
  add(s, {{"X"}, 0, 2});
  const auto c = shapley_attribution(s);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].credit, 0.0);
  EXPECT_EQ(c[0].removal_effect, 0.0);  // no conversion: 0, not NaN
  const std::vector<std::string_view> p{"A"};
  EXPECT_EQ(sqlstate_of([&] { s.add_path(p, -1, 0); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { s.add_path(p, 0, -1); }), "22023");
  EXPECT_EQ(sqlstate_of([&] { s.add_path(p, INT64_MAX, 1); }), "22003");
  s.add_path(p, INT64_MAX, 0);
  EXPECT_EQ(sqlstate_of([&] { s.add_path(p, 1, 0); }), "22003");
}

// Brute force: v(S) = conversions of rows whose channel set is a subset of S;
// phi_j = sum over S not containing j of |S|! (n - |S| - 1)! / n! (v(S + j) - v(S)).
std::map<std::string, double> brute_force(const std::vector<Row>& rows) {
  std::vector<std::string> names;
  for (const Row& r : rows)
    if (r.conversions + r.non_conversions > 0)
      for (const auto& c : r.path) names.push_back(c);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const int n = int(names.size());
  std::vector<double> v(size_t(1) << n, 0.0);
  std::vector<std::pair<uint32_t, int64_t>> sets;
  for (const Row& r : rows) {
    if (r.path.empty()) continue;
    uint32_t mask = 0;
    for (const auto& c : r.path)
      mask |= 1u << (std::lower_bound(names.begin(), names.end(), c) - names.begin());
    sets.push_back({mask, r.conversions});
  }
  for (uint32_t S = 0; S < v.size(); ++S)
    for (const auto& [mask, conv] : sets)
      if ((mask & ~S) == 0) v[S] += double(conv);
  std::vector<double> fact(size_t(n) + 1, 1.0);
  for (int i = 1; i <= n; ++i) fact[size_t(i)] = fact[size_t(i - 1)] * i;
  std::map<std::string, double> phi;
  for (int j = 0; j < n; ++j) {
    double sum = 0;
    for (uint32_t S = 0; S < v.size(); ++S) {
      if (S & (1u << j)) continue;
      const int k = __builtin_popcount(S);
      sum += fact[size_t(k)] * fact[size_t(n - k - 1)] / fact[size_t(n)] * (v[S | (1u << j)] - v[S]);
    }
    phi[names[size_t(j)]] = sum;
  }
  return phi;
}

std::vector<Row> random_rows(std::mt19937_64& rng, int nch, int nrows, int maxlen) {
  std::vector<Row> rows;
  for (int i = 0; i < nrows; ++i) {
    Row r;
    const int len = int(rng() % uint64_t(maxlen + 1));  // may be empty
    for (int j = 0; j < len; ++j) r.path.push_back("ch" + std::to_string(rng() % uint64_t(nch)));
    r.conversions = int64_t(rng() % 5);
    r.non_conversions = int64_t(rng() % 3);
    rows.push_back(std::move(r));
  }
  return rows;
}

TEST(Shapley, ClosedFormMatchesBruteForce) {
  std::mt19937_64 rng(31);
  for (int iter = 0; iter < 200; ++iter) {
    const int nch = 1 + int(rng() % 10);
    const auto rows = random_rows(rng, nch, 1 + int(rng() % 25), 6);
    const auto s = counts_of(rows);
    const auto got = credit_map(shapley_attribution(s));
    const auto want = brute_force(rows);
    ASSERT_EQ(got.size(), want.size());
    double sum = 0;
    for (const auto& [ch, phi] : want) {
      EXPECT_NEAR(got.at(ch), phi, 1e-9) << "iter " << iter << " " << ch;
      sum += got.at(ch);
    }
    EXPECT_NEAR(sum, double(s.total_conversions()), 1e-9);
  }
}

TEST(Shapley, FortyChannels) {
  std::mt19937_64 rng(40);
  const auto rows = random_rows(rng, 40, 20000, 25);
  const auto s = counts_of(rows);
  const auto c = shapley_attribution(s);
  EXPECT_EQ(c.size(), 40u);
  double sum = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    sum += c[i].credit;
    if (i > 0) {
      EXPECT_GE(c[i - 1].credit, c[i].credit);
    }
    EXPECT_NEAR(c[i].removal_effect, c[i].credit / double(s.total_conversions()), 1e-15);
  }
  EXPECT_NEAR(sum, double(s.total_conversions()), 1e-9 * double(s.total_conversions()));
}

TEST(Shapley, CombineAndSerialize) {
  std::mt19937_64 rng(77);
  for (int iter = 0; iter < 50; ++iter) {
    auto rows = random_rows(rng, 2 + int(rng() % 15), 10 + int(rng() % 80), 8);
    const auto whole = shapley_attribution(counts_of(rows));
    std::shuffle(rows.begin(), rows.end(), rng);
    const size_t parts = 1 + rng() % 5;
    std::vector<ShapleyCounts> part(parts);
    for (const Row& r : rows) add(part[rng() % parts], r);
    ShapleyCounts total;
    for (auto& p : part) {
      if (rng() % 2) {
        const std::string bytes = p.serialize();
        EXPECT_EQ(bytes.size(), p.serialized_size());
        const ShapleyCounts back = ShapleyCounts::deserialize(bytes.data(), bytes.size());
        EXPECT_EQ(back.serialize(), bytes);
        total.merge(back);
      } else {
        total.merge(p);
      }
    }
    const auto got = shapley_attribution(total);
    ASSERT_EQ(got.size(), whole.size());
    for (size_t i = 0; i < got.size(); ++i) {  // bitwise equal, same order
      EXPECT_EQ(got[i].channel, whole[i].channel);
      EXPECT_EQ(got[i].credit, whole[i].credit);
      EXPECT_EQ(got[i].removal_effect, whole[i].removal_effect);
    }
  }
}

TEST(Shapley, CorruptedBytes) {
  std::mt19937_64 rng(3);
  const auto s = counts_of(random_rows(rng, 6, 30, 5));
  const std::string bytes = s.serialize();
  for (size_t n = 0; n < bytes.size(); ++n)
    ASSERT_EQ(sqlstate_of([&] { ShapleyCounts::deserialize(bytes.data(), n); }), "22P02") << n;
  const std::string longer = bytes + 'x';
  EXPECT_EQ(sqlstate_of([&] { ShapleyCounts::deserialize(longer.data(), longer.size()); }),
            "22P02");
  std::string b = bytes;
  b[1] = 'M';
  EXPECT_EQ(sqlstate_of([&] { ShapleyCounts::deserialize(b.data(), b.size()); }), "22P02");
  b = bytes;
  b[2] ^= 1;  // total conversions no longer match the per-size counts
  EXPECT_EQ(sqlstate_of([&] { ShapleyCounts::deserialize(b.data(), b.size()); }), "22P02");
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string c = bytes;
    c[rng() % c.size()] ^= char(1 + rng() % 255);
    try {
      const ShapleyCounts x = ShapleyCounts::deserialize(c.data(), c.size());
      double sum = 0;
      for (const auto& cr : shapley_attribution(x)) sum += cr.credit;
      EXPECT_NEAR(sum, double(x.total_conversions()), 1e-6 * double(x.total_conversions()) + 1e-9);
    } catch (const Error& e) {
      EXPECT_STREQ(e.sqlstate(), "22P02");
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
}

}  // namespace
