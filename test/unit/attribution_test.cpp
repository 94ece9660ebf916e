// Rule-based attribution, the path builder and ExactSum
// (src/core/attribution.cpp).
#include "cdp/core/attribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/error.h"

namespace {

using cdp::core::attribution;
using cdp::core::attribution_into;
using cdp::core::AttributionModel;
using cdp::core::AttributionParams;
using cdp::core::build_paths;
using cdp::core::BuiltPath;
using cdp::core::Error;
using cdp::core::ExactSum;
using cdp::core::kMicrosPerDay;
using cdp::core::parse_attribution_model;
using cdp::core::PathBuilderOptions;
using cdp::core::PathConversion;
using cdp::core::PathTouch;

template <class F>
std::string sqlstate_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.sqlstate();
  }
  return "none";
}

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

// Runs a model on channels with timestamps given as days before the conversion.
std::vector<double> run(const char* model, const std::vector<std::string>& channels,
                        const std::vector<double>& days_before, double value,
                        const AttributionParams& p = {}) {
  const auto ch = views(channels);
  const int64_t conv = int64_t{1700000000} * 1000000;
  std::vector<int64_t> ts;
  for (double d : days_before) ts.push_back(conv - int64_t(d * double(kMicrosPerDay)));
  auto r = attribution(parse_attribution_model(model), ch.data(), ch.size(),
                       ts.empty() ? nullptr : ts.data(), ts.size(), conv, value, p);
  EXPECT_TRUE(r.has_value());
  return r.value_or(std::vector<double>{});
}

std::vector<double> run_no_ts(const char* model, const std::vector<std::string>& channels,
                              double value, const AttributionParams& p = {}) {
  const auto ch = views(channels);
  auto r = attribution(parse_attribution_model(model), ch.data(), ch.size(), value, p);
  EXPECT_TRUE(r.has_value());
  return r.value_or(std::vector<double>{});
}

void expect_near_vec(const std::vector<double>& got, const std::vector<double>& want,
                     double tol = 1e-9) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "position " << i;
}

// --- the worked case: A > B > C, value 100, touches 14, 7, 0 days before

TEST(Attribution, WorkedCaseAllModels) {
  const std::vector<std::string> abc{"A", "B", "C"};
  const std::vector<double> days{14, 7, 0};
  expect_near_vec(run("first_touch", abc, days, 100), {100, 0, 0});
  expect_near_vec(run("last_touch", abc, days, 100), {0, 0, 100});
  expect_near_vec(run("last_non_direct", abc, days, 100), {0, 0, 100});
  expect_near_vec(run("linear", abc, days, 100), {100.0 / 3, 100.0 / 3, 100.0 / 3});
  expect_near_vec(run("position_based", abc, days, 100), {40, 20, 40});
  const auto td = run("time_decay", abc, days, 100);
  expect_near_vec(td, {100.0 / 7, 200.0 / 7, 400.0 / 7});
  EXPECT_NEAR(td[0], 14.2857, 1e-4);
  EXPECT_NEAR(td[1], 28.5714, 1e-4);
  EXPECT_NEAR(td[2], 57.1429, 1e-4);
  // Models without timestamps give the same answer through the short overload.
  for (const char* m : {"first_touch", "last_touch", "last_non_direct", "linear",
                        "position_based"})
    EXPECT_EQ(run_no_ts(m, abc, 100), run(m, abc, days, 100)) << m;
}

TEST(Attribution, PositionBasedByLength) {
  expect_near_vec(run_no_ts("position_based", {"A"}, 100), {100});
  expect_near_vec(run_no_ts("position_based", {"A", "B"}, 100), {50, 50});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C", "D"}, 100), {40, 10, 10, 40});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C", "D", "E"}, 100),
                  {40, 20.0 / 3, 20.0 / 3, 20.0 / 3, 40});
  // Same channel twice: credit per position, not per channel.
  expect_near_vec(run_no_ts("position_based", {"A", "A", "A"}, 1), {0.4, 0.2, 0.4});
}

TEST(Attribution, PositionBasedCustomWeights) {
  AttributionParams p;
  p.first_weight = 0.3;
  p.last_weight = 0.5;
  expect_near_vec(run_no_ts("position_based", {"A"}, 100, p), {100});
  expect_near_vec(run_no_ts("position_based", {"A", "B"}, 100, p), {37.5, 62.5});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C"}, 100, p), {30, 20, 50});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C", "D"}, 100, p), {30, 10, 10, 50});
  p.first_weight = 0;
  p.last_weight = 0;
  expect_near_vec(run_no_ts("position_based", {"A", "B"}, 100, p), {50, 50});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C"}, 100, p), {0, 100, 0});
  p.first_weight = 0.5;
  p.last_weight = 0.5;
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C", "D"}, 100, p), {50, 0, 0, 50});
  p.first_weight = 1;
  p.last_weight = 0;
  expect_near_vec(run_no_ts("position_based", {"A", "B"}, 100, p), {100, 0});
  expect_near_vec(run_no_ts("position_based", {"A", "B", "C"}, 100, p), {100, 0, 0});
}

TEST(Attribution, PositionBasedBadWeights) {
  const std::vector<std::string> abc{"A", "B", "C"};
  for (auto [f, l] : std::vector<std::pair<double, double>>{
           {-0.1, 0.4}, {0.4, -0.1}, {0.6, 0.5}, {NAN, 0.1}, {0.1, INFINITY}, {1.0, 1e-9}}) {
    AttributionParams p;
    p.first_weight = f;
    p.last_weight = l;
    EXPECT_EQ(sqlstate_of([&] { run_no_ts("position_based", abc, 1, p); }), "22023")
        << f << " " << l;
  }
}

TEST(Attribution, LastNonDirect) {
  expect_near_vec(run_no_ts("last_non_direct", {"google", "Direct", "DIRECT"}, 10), {10, 0, 0});
  expect_near_vec(run_no_ts("last_non_direct", {"a", "google", "direct"}, 10), {0, 10, 0});
  expect_near_vec(run_no_ts("last_non_direct", {"direct", "Direct", "dIrEcT"}, 10), {0, 0, 10});
  expect_near_vec(run_no_ts("last_non_direct", {"direct"}, 10), {10});
  // Whole-string match only: "direct " and "direct_mail" are not direct.
  expect_near_vec(run_no_ts("last_non_direct", {"a", "direct "}, 10), {0, 10});
  expect_near_vec(run_no_ts("last_non_direct", {"a", "direct_mail", "direct"}, 10), {0, 10, 0});
}

TEST(Attribution, TimeDecay) {
  // Custom half-life: 1 day, ages 2, 1, 0 days -> weights 1/4, 1/2, 1.
  AttributionParams p;
  p.half_life = kMicrosPerDay;
  expect_near_vec(run("time_decay", {"A", "B", "C"}, {2, 1, 0}, 7, p), {1, 2, 4});
  // Equal timestamps -> equal credits; order does not matter for weights.
  expect_near_vec(run("time_decay", {"A", "B"}, {3, 3}, 10), {5, 5});
  expect_near_vec(run("time_decay", {"A", "B", "C"}, {0, 14, 7}, 100),
                  {400.0 / 7, 100.0 / 7, 200.0 / 7});
  // Touches far in the past: no 0/0 (weights relative to the newest touch).
  const auto old = run("time_decay", {"A", "B"}, {1e6, 1e6 + 7}, 3);
  expect_near_vec(old, {2, 1});
  // The newest touch is far before the conversion too: same shares.
  const auto r = run("time_decay", {"A"}, {5e6}, 3);
  expect_near_vec(r, {3});
  // Extreme timestamps: no overflow.
  const std::string_view ch[2] = {"A", "B"};
  const int64_t ts[2] = {INT64_MIN, INT64_MAX};
  auto x = attribution(AttributionModel::kTimeDecay, ch, 2, ts, 2, INT64_MAX, 1.0);
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ((*x)[0], 0.0);
  EXPECT_EQ((*x)[1], 1.0);
}

TEST(Attribution, TimeDecayErrors) {
  const std::string_view ch[3] = {"A", "B", "C"};
  const int64_t conv = 1000;
  const int64_t ts[3] = {10, 20, 30};
  // Needs timestamps.
  EXPECT_EQ(sqlstate_of([&] { attribution(AttributionModel::kTimeDecay, ch, 3, 1.0); }),
            "22023");
  // half_life <= 0.
  for (int64_t hl : {int64_t{0}, int64_t{-5}}) {
    AttributionParams p;
    p.half_life = hl;
    EXPECT_EQ(sqlstate_of([&] {
                attribution(AttributionModel::kTimeDecay, ch, 3, ts, 3, conv, 1.0, p);
              }),
              "22023");
  }
  // A touch after the conversion: an error for every model.
  const int64_t late[3] = {10, 2000, 30};
  for (auto m : {AttributionModel::kTimeDecay, AttributionModel::kLinear,
                 AttributionModel::kFirstTouch}) {
    EXPECT_EQ(sqlstate_of([&] { attribution(m, ch, 3, late, 3, conv, 1.0); }), "22023");
  }
  // A touch exactly at the conversion is fine (age 0).
  const int64_t at[3] = {10, 20, 1000};
  EXPECT_TRUE(attribution(AttributionModel::kTimeDecay, ch, 3, at, 3, conv, 1.0).has_value());
  // Different lengths.
  EXPECT_EQ(sqlstate_of([&] { attribution(AttributionModel::kLinear, ch, 3, ts, 2, conv, 1.0); }),
            "22023");
  EXPECT_EQ(sqlstate_of([&] { attribution(AttributionModel::kLinear, ch, 2, ts, 3, conv, 1.0); }),
            "22023");
}

TEST(Attribution, ModelNames) {
  EXPECT_EQ(parse_attribution_model("linear"), AttributionModel::kLinear);
  EXPECT_EQ(parse_attribution_model("Time_Decay"), AttributionModel::kTimeDecay);
  EXPECT_EQ(parse_attribution_model("POSITION_BASED"), AttributionModel::kPositionBased);
  for (auto m : {AttributionModel::kFirstTouch, AttributionModel::kLastTouch,
                 AttributionModel::kLastNonDirect, AttributionModel::kLinear,
                 AttributionModel::kTimeDecay, AttributionModel::kPositionBased})
    EXPECT_EQ(parse_attribution_model(cdp::core::attribution_model_name(m)), m);
  try {
    parse_attribution_model("u_shaped");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("u_shaped"), std::string::npos);
    EXPECT_NE(e.hint().find("position_based"), std::string::npos);
    EXPECT_NE(e.hint().find("last_non_direct"), std::string::npos);
  }
  for (const char* bad : {"", " linear", "linear ", "first touch"})
    EXPECT_EQ(sqlstate_of([&] { parse_attribution_model(bad); }), "22023") << bad;
}

TEST(Attribution, EmptyPathAndValues) {
  // Empty path: no result (the SQL function returns NULL).
  EXPECT_FALSE(attribution(AttributionModel::kLinear, nullptr, 0, 5.0).has_value());
  // Usage errors come first: time_decay without timestamps fails even when empty.
  EXPECT_EQ(sqlstate_of([] {
              attribution(AttributionModel::kTimeDecay, nullptr, 0, nullptr, 0, 0, 5.0);
            }),
            "22023");
  const int64_t none[1] = {0};
  EXPECT_FALSE(attribution(AttributionModel::kTimeDecay, nullptr, 0, none, 0, 0, 5.0).has_value());
  double out[1] = {-7};
  EXPECT_FALSE(attribution_into(AttributionModel::kLinear, nullptr, 0, nullptr, 0, 0, 1.0, {},
                                out));
  EXPECT_EQ(out[0], -7);
  // Value 0 -> zeros; negative / non-finite -> 22023.
  expect_near_vec(run_no_ts("linear", {"A", "B"}, 0), {0, 0});
  for (double v : {-1.0, double(NAN), double(INFINITY), -double(INFINITY)})
    EXPECT_EQ(sqlstate_of([&] { run_no_ts("linear", {"A"}, v); }), "22023") << v;
  // attribution_into writes the credits.
  const std::string_view ch[3] = {"A", "B", "C"};
  double o3[3];
  ASSERT_TRUE(attribution_into(AttributionModel::kPositionBased, ch, 3, nullptr, 0, 0, 10.0, {},
                               o3));
  EXPECT_NEAR(o3[0], 4, 1e-12);
  EXPECT_NEAR(o3[1], 2, 1e-12);
  EXPECT_NEAR(o3[2], 4, 1e-12);
}

TEST(Attribution, RandomizedSumsToValue) {
  std::mt19937_64 rng(7);
  const char* names[] = {"direct", "google", "Direct", "email", "social"};
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t n = 1 + rng() % 40;
    std::vector<std::string_view> ch(n);
    std::vector<int64_t> ts(n);
    const int64_t conv = int64_t(rng() % (int64_t{1} << 50));
    for (size_t i = 0; i < n; ++i) {
      ch[i] = names[rng() % 5];
      ts[i] = conv - int64_t(rng() % (int64_t{90} * kMicrosPerDay));
    }
    const double value = std::ldexp(double(rng() % 1000000), int(rng() % 40) - 20);
    AttributionParams p;
    p.half_life = 1 + int64_t(rng() % (int64_t{30} * kMicrosPerDay));
    p.first_weight = double(rng() % 501) / 1000;
    p.last_weight = double(rng() % 501) / 1000;
    const auto model = AttributionModel(rng() % 6);
    const auto r = attribution(model, ch.data(), n, ts.data(), n, conv, value, p);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->size(), n);
    double sum = 0;
    for (double c : *r) {
      ASSERT_GE(c, 0);
      sum += c;
    }
    ASSERT_NEAR(sum, value, 1e-12 * std::max(1.0, value)) << cdp::core::attribution_model_name(model);
  }
}

// --- path builder

std::vector<std::string> path_channels(const std::vector<PathTouch>& touches, const BuiltPath& p) {
  std::vector<std::string> out;
  for (uint32_t i : p.touches) out.emplace_back(touches[i].channel);
  return out;
}

TEST(PathBuilder, LookbackWindowAndMaxTouches) {
  // Touches at t = 1..10 named c1..c10; one conversion at t = 10.
  std::vector<std::string> names;
  for (int i = 1; i <= 10; ++i) names.push_back("c" + std::to_string(i));
  std::vector<PathTouch> t;
  for (int i = 1; i <= 10; ++i) t.push_back({i, names[size_t(i - 1)]});
  const PathConversion c[1] = {{10, 1.0}};
  PathBuilderOptions o;
  o.lookback = 5;  // (5, 10]
  auto p = build_paths(t.data(), t.size(), c, 1, o);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"c6", "c7", "c8", "c9", "c10"}));
  o.max_touches = 2;  // the last two
  p = build_paths(t.data(), t.size(), c, 1, o);
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"c9", "c10"}));
  o = {};
  p = build_paths(t.data(), t.size(), c, 1, o);  // unlimited
  EXPECT_EQ(p[0].touches.size(), 10u);
  // Touches after the conversion never count.
  const PathConversion c2[1] = {{4, 1.0}};
  p = build_paths(t.data(), t.size(), c2, 1, o);
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
  // A conversion before every touch: empty path.
  const PathConversion c3[1] = {{0, 1.0}};
  p = build_paths(t.data(), t.size(), c3, 1, o);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].touches.empty());
}

TEST(PathBuilder, CollapseRepeats) {
  const std::vector<PathTouch> t{{1, "A"}, {2, "A"}, {3, "B"}, {4, "A"}, {5, "A"}, {6, "A"}};
  const PathConversion c[1] = {{10, 1.0}};
  PathBuilderOptions o;
  o.collapse_repeats = true;
  auto p = build_paths(t.data(), t.size(), c, 1, o);
  EXPECT_EQ(p[0].touches, (std::vector<uint32_t>{0, 2, 3}));  // first touch of each run
  o.max_touches = 2;  // applied after collapsing
  p = build_paths(t.data(), t.size(), c, 1, o);
  EXPECT_EQ(p[0].touches, (std::vector<uint32_t>{2, 3}));
  o.collapse_repeats = false;
  p = build_paths(t.data(), t.size(), c, 1, o);
  EXPECT_EQ(p[0].touches, (std::vector<uint32_t>{4, 5}));
}

TEST(PathBuilder, TouchesServeOneConversionUnlessReused) {
  const std::vector<PathTouch> t{{1, "A"}, {2, "B"}, {5, "C"}, {6, "D"}, {9, "E"}};
  const PathConversion c[3] = {{7, 20.0}, {2, 10.0}, {7, 30.0}};  // unsorted on purpose
  PathBuilderOptions o;
  auto p = build_paths(t.data(), t.size(), c, 3, o);
  ASSERT_EQ(p.size(), 3u);
  // Sorted: (2, 10), (7, 20), (7, 30).
  EXPECT_EQ(p[0].conversion, 1u);
  EXPECT_EQ(p[1].conversion, 0u);
  EXPECT_EQ(p[2].conversion, 2u);
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(path_channels(t, p[1]), (std::vector<std::string>{"C", "D"}));
  EXPECT_TRUE(p[2].touches.empty());  // same instant as the previous conversion
  o.reuse_touches = true;
  p = build_paths(t.data(), t.size(), c, 3, o);
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(path_channels(t, p[1]), (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(path_channels(t, p[2]), (std::vector<std::string>{"A", "B", "C", "D"}));
  // Lookback and "after the previous conversion" combine (the later bound wins).
  o.reuse_touches = false;
  o.lookback = 6;  // conversion at 7: (1, 7]; previous conversion at 2: (2, 7]
  p = build_paths(t.data(), t.size(), c, 3, o);
  EXPECT_EQ(path_channels(t, p[1]), (std::vector<std::string>{"C", "D"}));
  o.reuse_touches = true;
  p = build_paths(t.data(), t.size(), c, 3, o);
  EXPECT_EQ(path_channels(t, p[1]), (std::vector<std::string>{"B", "C", "D"}));
}

TEST(PathBuilder, OrderIndependentAndTies) {
  std::mt19937_64 rng(3);
  const char* names[] = {"a", "b", "c", "d"};
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<PathTouch> t;
    const size_t nt = rng() % 30;
    for (size_t i = 0; i < nt; ++i) t.push_back({int64_t(rng() % 20), names[rng() % 4]});
    std::vector<PathConversion> c;
    const size_t nc = rng() % 6;
    for (size_t i = 0; i < nc; ++i) c.push_back({int64_t(rng() % 25), double(rng() % 3)});
    PathBuilderOptions o;
    o.lookback = 1 + int64_t(rng() % 12);
    o.max_touches = int64_t(rng() % 5);
    o.collapse_repeats = rng() % 2;
    o.reuse_touches = rng() % 2;
    auto describe = [&](const std::vector<PathTouch>& tt, const std::vector<PathConversion>& cc) {
      std::vector<std::string> out;
      for (const auto& p : build_paths(tt.data(), tt.size(), cc.data(), cc.size(), o)) {
        std::string s = std::to_string(cc[p.conversion].ts) + "/" +
                        std::to_string(cc[p.conversion].value) + ":";
        int64_t prev = INT64_MIN;
        for (uint32_t i : p.touches) {
          EXPECT_GE(tt[i].ts, prev);
          EXPECT_LE(tt[i].ts, cc[p.conversion].ts);
          EXPECT_GT(tt[i].ts, cc[p.conversion].ts - o.lookback);
          prev = tt[i].ts;
          s += std::to_string(tt[i].ts) + std::string(tt[i].channel) + " ";
        }
        if (o.max_touches > 0) {
          EXPECT_LE(p.touches.size(), size_t(o.max_touches));
        }
        out.push_back(s);
      }
      return out;
    };
    const auto before = describe(t, c);
    std::shuffle(t.begin(), t.end(), rng);
    std::shuffle(c.begin(), c.end(), rng);
    EXPECT_EQ(describe(t, c), before);
  }
}

TEST(PathBuilder, ErrorsAndExtremes) {
  const std::vector<PathTouch> t{{INT64_MIN, "A"}, {INT64_MIN + 1, "B"}, {0, "C"}};
  const PathConversion c[2] = {{INT64_MIN + 1, 1.0}, {INT64_MAX, 1.0}};
  PathBuilderOptions o;
  o.lookback = 0;
  EXPECT_EQ(sqlstate_of([&] { build_paths(t.data(), t.size(), c, 2, o); }), "22023");
  o.lookback = -1;
  EXPECT_EQ(sqlstate_of([&] { build_paths(t.data(), t.size(), c, 2, o); }), "22023");
  o.lookback = 10;
  o.max_touches = -1;
  EXPECT_EQ(sqlstate_of([&] { build_paths(t.data(), t.size(), c, 2, o); }), "22023");
  o.max_touches = 0;
  o.reuse_touches = true;
  auto p = build_paths(t.data(), t.size(), c, 2, o);  // no overflow near INT64_MIN
  EXPECT_EQ(path_channels(t, p[0]), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(p[1].touches.empty());
  o.lookback = INT64_MAX;
  p = build_paths(t.data(), t.size(), c, 2, o);
  EXPECT_EQ(path_channels(t, p[1]), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_TRUE(build_paths(nullptr, 0, nullptr, 0, o).empty());
}

TEST(PathBuilder, FeedsAttribution) {
  // touches + conversions -> paths -> time_decay credits per channel.
  const int64_t d = kMicrosPerDay;
  const std::vector<PathTouch> t{{0, "email"}, {7 * d, "search"}, {14 * d, "ads"},
                                 {20 * d, "email"}};
  const PathConversion c[2] = {{14 * d, 100.0}, {21 * d, 50.0}};
  const auto paths = build_paths(t.data(), t.size(), c, 2, {});
  ASSERT_EQ(paths.size(), 2u);
  std::vector<std::string_view> ch;
  std::vector<int64_t> ts;
  for (uint32_t i : paths[0].touches) ch.push_back(t[i].channel), ts.push_back(t[i].ts);
  const auto r = attribution(AttributionModel::kTimeDecay, ch.data(), ch.size(), ts.data(),
                             ts.size(), c[paths[0].conversion].ts, c[paths[0].conversion].value);
  ASSERT_TRUE(r.has_value());
  expect_near_vec(*r, {100.0 / 7, 200.0 / 7, 400.0 / 7});
  EXPECT_EQ(path_channels(t, paths[1]), (std::vector<std::string>{"email"}));
}

// --- ExactSum

TEST(ExactSum, ExactAndOrderIndependent) {
  ExactSum s;
  EXPECT_TRUE(s.is_zero());
  EXPECT_EQ(s.value(), 0.0);
  for (int i = 0; i < 10; ++i) s.add(0.1);
  EXPECT_EQ(s.value(), 1.0);  // naive summation gives 0.9999999999999999
  // Correct rounding at a tie and just above it.
  ExactSum t;
  t.add(1.0);
  t.add(std::ldexp(1.0, -53));
  EXPECT_EQ(t.value(), 1.0);  // tie -> even
  t.add(std::ldexp(1.0, -200));
  EXPECT_EQ(t.value(), 1.0 + std::ldexp(1.0, -52));  // sticky bit breaks the tie
  // Subnormals and the largest double.
  ExactSum u;
  u.add(std::ldexp(1.0, -1074));
  EXPECT_EQ(u.value(), std::ldexp(1.0, -1074));
  u.add(DBL_MAX);
  EXPECT_EQ(u.value(), DBL_MAX);
  u.add(DBL_MAX);
  EXPECT_EQ(u.value(), DBL_MAX);  // saturates
  // 0 and negative zero add nothing.
  ExactSum z;
  z.add(0.0);
  z.add(-0.0);
  EXPECT_TRUE(z.is_zero());

  std::mt19937_64 rng(11);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<double> v(1 + rng() % 200);
    for (double& x : v) x = std::ldexp(double(rng() >> 11), int(rng() % 200) - 150);
    ExactSum a, b, c, d;
    for (double x : v) a.add(x);
    std::shuffle(v.begin(), v.end(), rng);
    const size_t cut = rng() % (v.size() + 1);
    for (size_t i = 0; i < cut; ++i) b.add(v[i]);
    for (size_t i = cut; i < v.size(); ++i) c.add(v[i]);
    d.add(c);
    d.add(b);
    EXPECT_TRUE(a == d);
    EXPECT_EQ(a.value(), d.value());
    long double ref = 0;
    std::sort(v.begin(), v.end());
    for (double x : v) ref += x;
    EXPECT_NEAR(a.value(), double(ref), 1e-15 * double(ref));
  }
}

TEST(ExactSum, SerializeRoundTripAndCorruption) {
  ExactSum s;
  s.add(12.5);
  s.add(1e-300);
  s.add(3e200);
  std::vector<uint8_t> buf(s.serialized_size());
  EXPECT_EQ(s.serialize_to(buf.data()), buf.data() + buf.size());
  ExactSum r;
  EXPECT_EQ(ExactSum::deserialize(buf.data(), buf.data() + buf.size(), &r, "x"),
            buf.data() + buf.size());
  EXPECT_TRUE(r == s);
  for (size_t n = 0; n < buf.size(); ++n)
    EXPECT_EQ(sqlstate_of([&] { ExactSum::deserialize(buf.data(), buf.data() + n, &r, "x"); }),
              "22P02")
        << n;
  auto bad = buf;
  bad[0] = 71;  // window beyond the limbs
  EXPECT_EQ(sqlstate_of([&] { ExactSum::deserialize(bad.data(), bad.data() + bad.size(), &r, "x"); }),
            "22P02");
  const uint8_t zero_top[6] = {3, 1, 0, 0, 0, 0};  // a zero limb: not canonical
  EXPECT_EQ(sqlstate_of([&] { ExactSum::deserialize(zero_top, zero_top + 6, &r, "x"); }), "22P02");
  const uint8_t empty_off[2] = {3, 0};
  EXPECT_EQ(sqlstate_of([&] { ExactSum::deserialize(empty_off, empty_off + 2, &r, "x"); }),
            "22P02");
  const uint8_t empty[2] = {0, 0};
  EXPECT_EQ(ExactSum::deserialize(empty, empty + 2, &r, "x"), empty + 2);
  EXPECT_TRUE(r.is_zero());
}

}  // namespace
