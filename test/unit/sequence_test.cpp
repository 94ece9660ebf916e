#include "cdp/core/sequence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cdp/core/error.h"
#include "cdp/core/funnel.h"

namespace {

using cdp::core::compile_sequence_pattern;
using cdp::core::Error;
using cdp::core::FunnelEvent;
using cdp::core::FunnelEvents;
using cdp::core::SequenceElement;
using cdp::core::SequenceLink;
using cdp::core::SequencePattern;
using cdp::core::SequenceScratch;

constexpr int64_t kSec = 1000000;  // timestamps are microseconds

// A row: timestamp (microseconds) and the 1-based conditions it matches.
struct Row {
  int64_t ts;
  std::vector<int> conds;
};

// Narrow evaluation as the glue does it: masks, canonical sort, then match.
std::vector<FunnelEvent> sorted_rows(const std::vector<Row>& rows, int nconds) {
  std::vector<FunnelEvent> ev;
  for (const Row& r : rows) {
    uint64_t mask = 0;
    for (int c : r.conds) mask |= uint64_t{1} << (c - 1);
    ev.push_back({r.ts, mask});
  }
  cdp::core::sort_funnel_rows(ev.data(), ev.size(), nconds);
  return ev;
}

bool match(const std::string& pattern, const std::vector<Row>& rows, int nconds) {
  const SequencePattern p = compile_sequence_pattern(pattern, nconds);
  const auto ev = sorted_rows(rows, nconds);
  return cdp::core::sequence_match(p, ev.data(), ev.size());
}

int64_t count(const std::string& pattern, const std::vector<Row>& rows, int nconds) {
  const SequencePattern p = compile_sequence_pattern(pattern, nconds);
  const auto ev = sorted_rows(rows, nconds);
  return cdp::core::sequence_count(p, ev.data(), ev.size());
}

// Compiling `pattern` fails with `state` and a message containing `what`.
void expect_error(const std::string& pattern, int nconds, const char* state,
                  const std::string& what) {
  try {
    compile_sequence_pattern(pattern, nconds);
    ADD_FAILURE() << "no error for \"" << pattern << "\"";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), state) << pattern;
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos)
        << "\"" << pattern << "\": " << e.what();
    if (std::string(state) == "22023" && nconds >= 1) {
      EXPECT_EQ(std::string(e.what()).rfind("sequence pattern: ", 0), 0u) << e.what();
      EXPECT_NE(e.hint().find("(?t<=S)"), std::string::npos) << e.hint();
    }
  }
}

// ------------------------------------------------------------------ parser

TEST(SequenceParse, AcceptsEveryElement) {
  for (const char* p :
       {"(?1)", ".", "(?1)(?2)", "(?1).(?2)", "(?1).*(?2)", ".*(?1).*", "..*.",
        "(?1)(?t>=1)(?2)", "(?1)(?t>1)(?2)", "(?1)(?t<=1)(?2)", "(?1)(?t<1)(?2)",
        "(?1)(?t==1)(?2)", "(?1)(?t==0)(?2)", "(?02)", "(?1).*(?t<=3600).*(?2)",
        " (?1)\t.*\n(?2)\r ", "(?1) (?t>=1) (?2)", "(?1)(?t<=1000000000000)(?2)"})
    EXPECT_NO_THROW(compile_sequence_pattern(p, 2)) << p;
}

TEST(SequenceParse, CompiledProgram) {
  const SequencePattern p =
      compile_sequence_pattern(".* (?1).*(?t>=2)(?t<=5)(?2)(?t==3)(?3) . .*(?t<1)(?1).*(?t>0). .*", 3);
  ASSERT_EQ(p.elements.size(), 6u);
  EXPECT_EQ(p.nconds, 3);
  EXPECT_TRUE(p.satisfiable);
  const auto& e = p.elements;
  EXPECT_EQ(e[0].cond, 0);
  EXPECT_EQ(e[0].link, SequenceLink::kFirst);
  EXPECT_EQ(e[1].cond, 1);
  EXPECT_EQ(e[1].link, SequenceLink::kGapBoth);
  EXPECT_EQ(e[1].lo, uint64_t(2 * kSec));
  EXPECT_EQ(e[1].hi, uint64_t(5 * kSec));
  EXPECT_EQ(e[2].cond, 2);
  EXPECT_EQ(e[2].link, SequenceLink::kGapBoth);  // a constraint implies a gap
  EXPECT_EQ(e[2].lo, uint64_t(3 * kSec));
  EXPECT_EQ(e[2].hi, uint64_t(3 * kSec));
  EXPECT_EQ(e[3].cond, cdp::core::kSequenceAnyRow);
  EXPECT_EQ(e[3].link, SequenceLink::kAdjacent);
  EXPECT_EQ(e[3].lo, 0u);
  EXPECT_EQ(e[3].hi, UINT64_MAX);
  EXPECT_EQ(e[4].cond, 0);
  EXPECT_EQ(e[4].link, SequenceLink::kGapHi);  // (?t<1): delta <= 999999 us
  EXPECT_EQ(e[4].hi, uint64_t(kSec - 1));
  EXPECT_EQ(e[5].link, SequenceLink::kGapLo);  // (?t>0): delta >= 1 us
  EXPECT_EQ(e[5].lo, 1u);
  EXPECT_EQ(e[5].hi, UINT64_MAX);
}

TEST(SequenceParse, ContradictoryConstraintsAreUnsatisfiable) {
  EXPECT_FALSE(compile_sequence_pattern("(?1)(?t>5)(?t<3)(?2)", 2).satisfiable);
  EXPECT_FALSE(compile_sequence_pattern("(?1)(?t<0)(?2)", 2).satisfiable);
  EXPECT_TRUE(compile_sequence_pattern("(?1)(?t>=3)(?t<=3)(?2)", 2).satisfiable);
}

TEST(SequenceParse, HugeSecondsSaturate) {
  // 10^14 s * 10^6 > 2^64: longer than any timestamp difference.
  const auto le = compile_sequence_pattern("(?1)(?t<=100000000000000)(?2)", 2);
  EXPECT_EQ(le.elements[1].hi, UINT64_MAX);
  EXPECT_TRUE(le.satisfiable);
  EXPECT_FALSE(compile_sequence_pattern("(?1)(?t>=100000000000000)(?2)", 2).satisfiable);
  EXPECT_FALSE(compile_sequence_pattern("(?1)(?t==100000000000000)(?2)", 2).satisfiable);
  EXPECT_TRUE(compile_sequence_pattern("(?1)(?t<9223372036854775807)(?2)", 2).satisfiable);
  // 10^12 s fits: 10^18 us.
  EXPECT_EQ(compile_sequence_pattern("(?1)(?t>=1000000000000)(?2)", 2).elements[1].lo,
            uint64_t{1000000000000000000});
}

TEST(SequenceParse, RejectsWithPosition) {
  const char* bad = "22023";
  expect_error("(?1).*)", 2, bad, "unexpected \")\" at position 7");
  expect_error("(?1)(?2))", 2, bad, "unexpected \")\" at position 9");
  expect_error("(?0)", 2, bad, "condition 0 at position 3 is out of range 1..2");
  expect_error("(?1)(?3)", 2, bad, "condition 3 at position 7 is out of range 1..2");
  expect_error("(?99999999999999999999999)", 2, bad,
               "condition 99999999999999999999999 at position 3 is out of range");
  expect_error("(?t>1)(?1)", 2, bad, "time constraint at position 1 has no row element before it");
  expect_error(".*(?t>1)(?1)", 2, bad, "time constraint at position 3 has no row element before");
  expect_error("(?1)(?t>1)", 2, bad, "time constraint at position 5 has no row element after it");
  expect_error("(?1)(?t>1).*(?t<9).*", 2, bad, "time constraint at position 5 has no row element after");
  expect_error("", 2, bad, "empty pattern");
  expect_error("  ", 2, bad, "only whitespace");
  expect_error(".*", 2, bad, "no row element");
  expect_error(".* .*", 2, bad, "no row element");
  expect_error("(?1", 2, bad, "unexpected end of pattern at position 4");
  expect_error("(?", 2, bad, "unexpected end of pattern at position 3");
  expect_error("(", 2, bad, "unexpected end of pattern at position 2");
  expect_error("(?1)(?t", 2, bad, "unexpected end of pattern at position 8");
  expect_error("(?1)(?t>=", 2, bad, "unexpected end of pattern at position 10");
  expect_error("(?1)(?t=1)(?2)", 2, bad, "unexpected \"1\" at position 9");
  expect_error("(?1)(?t!=1)(?2)", 2, bad, "unexpected \"!\" at position 8");
  expect_error("(?1)(?t>=1.5)(?2)", 2, bad, "unexpected \".\" at position 11");
  expect_error("(?1)(?t>=-1)(?2)", 2, bad, "unexpected \"-\" at position 10");
  expect_error("(?1)(?t>=+1)(?2)", 2, bad, "unexpected \"+\" at position 10");
  expect_error("(?1)(?t>= 1)(?2)", 2, bad, "unexpected \" \" at position 10");
  expect_error("(?1)(?t>=99999999999999999999)(?2)", 2, bad,
               "number 99999999999999999999 at position 10 is too large");
  expect_error("(?1)(?t>=9223372036854775808)(?2)", 2, bad, "at position 10 is too large");
  expect_error("(?1)(?t)(?2)", 2, bad, "unexpected \")\" at position 8");
  expect_error("(?1)(?T>1)(?2)", 2, bad, "unexpected \"T\" at position 7");
  expect_error("(?a)", 2, bad, "unexpected \"a\" at position 3");
  expect_error("(?-1)", 2, bad, "unexpected \"-\" at position 3");
  expect_error("*", 2, bad, "unexpected \"*\" at position 1");
  expect_error("(?1)*", 2, bad, "unexpected \"*\" at position 5");
  expect_error(".**", 2, bad, "unexpected \"*\" at position 3");
  expect_error("(?1) . *", 2, bad, "unexpected \"*\" at position 8");  // no space inside .*
  expect_error("( ?1)", 2, bad, "unexpected \" \" at position 2");
  expect_error("(?1 )", 2, bad, "unexpected \" \" at position 4");
  expect_error("(?1)x", 2, bad, "unexpected \"x\" at position 5");
  // A non-ASCII character is quoted whole (\xC3\xA9 is e acute in UTF-8).
  expect_error("\xC3\xA9(?1)", 2, bad, "unexpected \"\xC3\xA9\" at position 1");
  expect_error("(?1)\xC3\xA9\xC3\xA9x", 2, bad, "unexpected \"\xC3\xA9\" at position 5");
  expect_error("(?1)\x01", 2, bad, "unexpected character U+0001 at position 5");
}

TEST(SequenceParse, ConditionCountLimits) {
  expect_error("(?1)", 0, "22023", "at least one condition");
  expect_error("(?1)", -3, "22023", "at least one condition");
  expect_error("(?1)", cdp::core::kMaxFunnelSteps + 1, "54000", "at most 1024");
  EXPECT_NO_THROW(compile_sequence_pattern("(?1024)", cdp::core::kMaxFunnelSteps));
  expect_error("(?1025)", cdp::core::kMaxFunnelSteps, "22023", "out of range 1..1024");
}

TEST(SequenceParse, NarrowEntryNeedsAtMost64Conditions) {
  const SequencePattern p = compile_sequence_pattern("(?1)", 65);
  const FunnelEvent row{0, 1};
  EXPECT_THROW(cdp::core::sequence_match(p, &row, 1), Error);
  FunnelEvents ev(64);
  EXPECT_THROW(cdp::core::sequence_count(p, ev), Error);  // compiled for 65, rows have 64
}

// ------------------------------------------------------------------ matching by hand

// ClickHouse's documentation example: (time, number) = (1, 1), (2, 3), (3, 2).
std::vector<Row> clickhouse_rows(const std::vector<int>& cond_values) {
  const std::vector<std::pair<int64_t, int>> data = {{1, 1}, {2, 3}, {3, 2}};
  std::vector<Row> rows;
  for (const auto& [t, number] : data) {
    Row r{t * kSec, {}};
    for (size_t c = 0; c < cond_values.size(); ++c)
      if (cond_values[c] == number) r.conds.push_back(static_cast<int>(c) + 1);
    rows.push_back(r);
  }
  return rows;
}

TEST(SequenceMatch, ClickHouseDocumentationExample) {
  // Conds number=1, number=2: the row number=3 matches none, so it does not
  // take part and rows 1 and 3 are consecutive.
  EXPECT_TRUE(match("(?1)(?2)", clickhouse_rows({1, 2}), 2));
  // Adding number=3 makes that row take part: it now sits between them.
  EXPECT_FALSE(match("(?1)(?2)", clickhouse_rows({1, 2, 3}), 3));
  EXPECT_TRUE(match("(?1).*(?2)", clickhouse_rows({1, 2, 3}), 3));
  EXPECT_TRUE(match("(?1).(?2)", clickhouse_rows({1, 2, 3}), 3));
  EXPECT_TRUE(match("(?1)(?3)(?2)", clickhouse_rows({1, 2, 3}), 3));
  // number=4 matches no row: row 2 is out again.
  EXPECT_TRUE(match("(?1)(?2)", clickhouse_rows({1, 2, 4}), 3));
  EXPECT_FALSE(match("(?3)", clickhouse_rows({1, 2, 4}), 3));
  EXPECT_FALSE(match("(?2)(?1)", clickhouse_rows({1, 2, 3}), 3));
}

TEST(SequenceMatch, StartsAnywhereAndStarsAtTheEnds) {
  const std::vector<Row> rows = {{0, {2}}, {1, {2}}, {2, {1}}, {3, {2}}, {4, {1}}};
  EXPECT_TRUE(match("(?1)(?2)", rows, 2));  // rows 3 and 4
  EXPECT_TRUE(match(".*(?1)(?2).*", rows, 2));
  EXPECT_TRUE(match("(?2)(?2)(?1)", rows, 2));
  EXPECT_FALSE(match("(?1)(?1)", rows, 2));
  EXPECT_TRUE(match("(?1).*(?1)", rows, 2));
  EXPECT_TRUE(match(".....", rows, 2));
  EXPECT_FALSE(match("......", rows, 2));
  EXPECT_FALSE(match("(?1)", {}, 2));
}

TEST(SequenceMatch, OneRowFillsOneElement) {
  // A row matching both conditions is one row: it cannot be (?1) and (?2).
  EXPECT_FALSE(match("(?1)(?2)", {{0, {1, 2}}}, 2));
  EXPECT_FALSE(match("(?1).*(?2)", {{0, {1, 2}}}, 2));
  EXPECT_TRUE(match("(?2)", {{0, {1, 2}}}, 2));
  EXPECT_TRUE(match("(?1)(?2)", {{0, {1, 2}}, {0, {1, 2}}}, 2));
}

TEST(SequenceMatch, TiesFollowTheCanonicalOrder) {
  // Same timestamp: the row whose smallest condition is smaller comes first,
  // whatever the input order.
  const std::vector<Row> rows = {{5, {2}}, {5, {1}}};
  EXPECT_TRUE(match("(?1)(?2)", rows, 2));
  EXPECT_FALSE(match("(?2)(?1)", rows, 2));
  EXPECT_TRUE(match("(?1)(?t==0)(?2)", rows, 2));
}

TEST(SequenceMatch, RowsMatchingNoConditionAreIgnored) {
  // The glue drops them; the core ignores them too (empty masks).
  const std::vector<Row> rows = {{0, {1}}, {1, {}}, {2, {2}}};
  EXPECT_TRUE(match("(?1)(?2)", rows, 2));
  EXPECT_FALSE(match("...", rows, 2));
  EXPECT_EQ(count(".", rows, 2), 2);
  // Bits beyond the conditions do not make a row take part.
  const SequencePattern p = compile_sequence_pattern("(?1).(?2)", 2);
  const FunnelEvent ev[] = {{0, 1}, {1, 4}, {2, 2}};
  EXPECT_FALSE(cdp::core::sequence_match(p, ev, 3));
}

TEST(SequenceMatch, TimeBoundaries) {
  // (?1) at 0, (?2) exactly `d` microseconds later.
  const auto at = [](int64_t d) { return std::vector<Row>{{0, {1}}, {d, {2}}}; };
  const int64_t five = 5 * kSec;
  EXPECT_TRUE(match("(?1)(?t>=5)(?2)", at(five), 2));
  EXPECT_FALSE(match("(?1)(?t>5)(?2)", at(five), 2));
  EXPECT_TRUE(match("(?1)(?t>5)(?2)", at(five + 1), 2));
  EXPECT_FALSE(match("(?1)(?t>=5)(?2)", at(five - 1), 2));
  EXPECT_TRUE(match("(?1)(?t<=5)(?2)", at(five), 2));
  EXPECT_FALSE(match("(?1)(?t<5)(?2)", at(five), 2));
  EXPECT_TRUE(match("(?1)(?t<5)(?2)", at(five - 1), 2));
  EXPECT_FALSE(match("(?1)(?t<=5)(?2)", at(five + 1), 2));
  // == is exact to the microsecond.
  EXPECT_TRUE(match("(?1)(?t==5)(?2)", at(five), 2));
  EXPECT_FALSE(match("(?1)(?t==5)(?2)", at(five + 1), 2));
  EXPECT_FALSE(match("(?1)(?t==5)(?2)", at(five - 1), 2));
  EXPECT_TRUE(match("(?1)(?t==0)(?2)", at(0), 2));
  EXPECT_FALSE(match("(?1)(?t==0)(?2)", at(1), 2));
  // Zero-second bounds.
  EXPECT_TRUE(match("(?1)(?t>=0)(?2)", at(0), 2));
  EXPECT_FALSE(match("(?1)(?t>0)(?2)", at(0), 2));
  EXPECT_TRUE(match("(?1)(?t>0)(?2)", at(1), 2));
  EXPECT_FALSE(match("(?1)(?t<0)(?2)", at(0), 2));
  // Several constraints intersect; a contradiction never matches.
  EXPECT_TRUE(match("(?1)(?t>=2)(?t<=4)(?2)", at(3 * kSec), 2));
  EXPECT_FALSE(match("(?1)(?t>=2)(?t<=4)(?2)", at(1 * kSec), 2));
  EXPECT_FALSE(match("(?1)(?t>=2)(?t<=4)(?2)", at(5 * kSec), 2));
  EXPECT_FALSE(match("(?1)(?t>4)(?t<2)(?2)", at(3 * kSec), 2));
  // Extreme timestamps: the difference does not overflow.
  EXPECT_TRUE(match("(?1)(?t>=9000000000000)(?2)", {{INT64_MIN, {1}}, {INT64_MAX, {2}}}, 2));
  EXPECT_TRUE(match("(?1)(?t<=100000000000000)(?2)", {{INT64_MIN, {1}}, {INT64_MAX, {2}}}, 2));
  EXPECT_FALSE(match("(?1)(?t>=100000000000000)(?2)", {{INT64_MIN, {1}}, {INT64_MAX, {2}}}, 2));
}

TEST(SequenceMatch, ConstraintBindsTheNeighbouringRowElements) {
  // 1 at 0 s, 3 at 1 s, 2 at 2 s (3 conditions, all rows take part).
  const std::vector<Row> rows = {{0, {1}}, {1 * kSec, {3}}, {2 * kSec, {2}}};
  // The constraint relates rows (?1) and (?2), 2 s apart, wherever the `.*` is.
  EXPECT_TRUE(match("(?1).*(?t==2)(?2)", rows, 3));
  EXPECT_TRUE(match("(?1)(?t==2).*(?2)", rows, 3));
  EXPECT_TRUE(match("(?1).*(?t==2).*(?2)", rows, 3));
  EXPECT_FALSE(match("(?1).*(?t<2)(?2)", rows, 3));
  // With `.` in between it relates `.` (the row at 1 s) and (?2).
  EXPECT_TRUE(match("(?1).(?t==1)(?2)", rows, 3));
  EXPECT_FALSE(match("(?1).(?t==2)(?2)", rows, 3));
  EXPECT_TRUE(match("(?1)(?t==1).(?t==1)(?2)", rows, 3));
  // A constraint implies a gap, as in ClickHouse: (?1)(?t...)(?2) lets the
  // row at 1 s lie between them.
  EXPECT_TRUE(match("(?1)(?t<=5)(?2)", rows, 3));
  EXPECT_TRUE(match("(?1)(?t==2)(?2)", rows, 3));
  EXPECT_FALSE(match("(?1)(?t<2)(?2)", rows, 3));
}

TEST(SequenceMatch, GapConstraintsKeepTheRightCandidates) {
  // Lower bound only: the earliest (?1) is the one that can satisfy it.
  EXPECT_TRUE(match("(?1).*(?t>=10)(?2)", {{0, {1}}, {8 * kSec, {1}}, {11 * kSec, {2}}}, 2));
  EXPECT_FALSE(match("(?1).*(?t>=12)(?2)", {{0, {1}}, {8 * kSec, {1}}, {11 * kSec, {2}}}, 2));
  // Upper bound only: the latest (?1).
  EXPECT_TRUE(match("(?1).*(?t<=5)(?2)", {{0, {1}}, {10 * kSec, {1}}, {14 * kSec, {2}}}, 2));
  EXPECT_FALSE(match("(?1).*(?t<=3)(?2)", {{0, {1}}, {10 * kSec, {1}}, {14 * kSec, {2}}}, 2));
  // Both bounds: only a (?1) in the middle fits, 18 s before (?2).
  const std::vector<Row> mid = {{0, {1}}, {12 * kSec, {1}}, {25 * kSec, {1}}, {30 * kSec, {2}}};
  EXPECT_TRUE(match("(?1).*(?t>=10)(?t<=20)(?2)", mid, 2));
  EXPECT_FALSE(match("(?1).*(?t>=19)(?t<=20)(?2)", mid, 2));  // deltas 30, 18, 5
  EXPECT_TRUE(match("(?1).*(?t==18)(?2)", mid, 2));
  EXPECT_TRUE(match("(?1).*(?t==30)(?2)", mid, 2));
  EXPECT_FALSE(match("(?1).*(?t==29)(?2)", mid, 2));
  // An expired candidate stays expired for later rows, new ones still count.
  const std::vector<Row> later = {{0, {1}}, {30 * kSec, {2}}, {40 * kSec, {1}}, {45 * kSec, {2}}};
  EXPECT_TRUE(match("(?1).*(?t>=4)(?t<=6)(?2)", later, 2));
  EXPECT_FALSE(match("(?1).*(?t>=6)(?t<=9)(?2)", later, 2));
}

TEST(SequenceCount, NonOverlapping) {
  const auto seq = [](const std::vector<int>& conds) {
    std::vector<Row> rows;
    for (size_t i = 0; i < conds.size(); ++i)
      rows.push_back({static_cast<int64_t>(i) * kSec, {conds[i]}});
    return rows;
  };
  EXPECT_EQ(count("(?1)(?2)", seq({1, 2, 1, 2, 1, 2}), 2), 3);
  EXPECT_EQ(count("(?1)(?2)", seq({1, 1, 2, 2}), 2), 1);
  // Earliest-ending match is rows 1..3 (first 1, first 2); the search resumes
  // at row 4 (the second 2), which has no (?1) after it: 1, not 2.
  EXPECT_EQ(count("(?1).*(?2)", seq({1, 1, 2, 2}), 2), 1);
  EXPECT_EQ(count("(?1).*(?2)", seq({1, 2, 2, 1, 1, 2}), 2), 2);
  EXPECT_EQ(count("(?1)", seq({1, 1, 2, 1}), 2), 3);
  EXPECT_EQ(count(".", seq({1, 1, 2, 1}), 2), 4);
  EXPECT_EQ(count("..", seq({1, 1, 2, 1, 2}), 2), 2);
  EXPECT_EQ(count("(?1)(?1)", seq({1, 1, 1}), 2), 1);
  EXPECT_EQ(count("(?1)(?1)", seq({1, 1, 1, 1}), 2), 2);
  EXPECT_EQ(count("(?1).*", seq({1, 1, 1}), 2), 3);
  EXPECT_EQ(count("(?2)", seq({1, 1}), 2), 0);
  // Rows 1 s apart; (?1)(?t>=2)... needs 2 s: the earliest-ending match of
  // (?1).*(?t>=2)(?2) over 1,1,2,1,2 is rows 1 and 5 (row 3 is only 2 s
  // after row 1: 2 >= 2 holds, so rows 1 and 3); then rows 4..5 are 1 s
  // apart: no second match.
  EXPECT_EQ(count("(?1).*(?t>=2)(?2)", seq({1, 1, 2, 1, 2}), 2), 1);
  EXPECT_EQ(count("(?1).*(?t>=1)(?2)", seq({1, 1, 2, 1, 2}), 2), 2);
  // Unsatisfiable patterns count nothing.
  EXPECT_EQ(count("(?1)(?t<0)(?2)", seq({1, 2}), 2), 0);
}

TEST(SequenceCount, ScratchIsReusable) {
  SequenceScratch scratch;
  const SequencePattern a = compile_sequence_pattern("(?1).*(?t>=1)(?t<=2)(?2)", 2);
  const SequencePattern b = compile_sequence_pattern("(?2)(?1)", 2);
  const std::vector<Row> rows = {{0, {1}}, {kSec, {2}}, {2 * kSec, {1}}, {4 * kSec, {2}}};
  const auto ev = sorted_rows(rows, 2);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(cdp::core::sequence_count(a, ev.data(), ev.size(), &scratch), 2);
    EXPECT_EQ(cdp::core::sequence_count(b, ev.data(), ev.size(), &scratch), 1);
    EXPECT_TRUE(cdp::core::sequence_match(a, ev.data(), ev.size(), &scratch));
  }
}

TEST(SequenceMatch, WideConditions) {
  // 100 conditions: the rows live in the index pool.
  FunnelEvents ev(100);
  ev.add(3 * kSec, std::vector<int>{99});
  ev.add(1 * kSec, std::vector<int>{0, 70});
  ev.add(2 * kSec, std::vector<int>{49});
  ev.add(4 * kSec, std::vector<int>{0});
  ev.add(5 * kSec, std::vector<int>{});  // matches nothing: ignored
  ev.add(6 * kSec, std::vector<int>{49, 99});
  cdp::core::sort_funnel_rows(ev);
  ASSERT_TRUE(ev.wide());
  const auto m = [&](const char* p) {
    return cdp::core::sequence_match(compile_sequence_pattern(p, 100), ev);
  };
  const auto c = [&](const char* p) {
    return cdp::core::sequence_count(compile_sequence_pattern(p, 100), ev);
  };
  EXPECT_TRUE(m("(?1)(?50)(?100)"));
  EXPECT_TRUE(m("(?71)(?t==1)(?50)"));
  EXPECT_FALSE(m("(?50)(?1)"));
  EXPECT_TRUE(m("(?1).*(?t==2)(?50)"));  // rows at 4 s and 6 s
  EXPECT_FALSE(m("(?2)"));
  EXPECT_TRUE(m("(?100).(?100)"));  // the row at 5 s does not take part
  EXPECT_EQ(c("(?1).*(?100)"), 2);
  EXPECT_EQ(c("."), 5);
  EXPECT_THROW(cdp::core::sequence_match(compile_sequence_pattern("(?1)", 99), ev), Error);
}

// Worst case for a backtracking matcher: every row matches (?1), so it
// would try all ways to place four (?1) before failing on (?2).
TEST(SequenceMatch, ManyStarsOverManyRowsIsLinear) {
  const SequencePattern p = compile_sequence_pattern("(?1).*(?1).*(?1).*(?1).*(?2)", 2);
  std::vector<FunnelEvent> rows(100000);
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = {static_cast<int64_t>(i) * kSec, 1};
  EXPECT_FALSE(cdp::core::sequence_match(p, rows.data(), rows.size()));
  EXPECT_EQ(cdp::core::sequence_count(p, rows.data(), rows.size()), 0);
  rows.back().mask = 2;
  EXPECT_TRUE(cdp::core::sequence_match(p, rows.data(), rows.size()));
  EXPECT_EQ(cdp::core::sequence_count(p, rows.data(), rows.size()), 1);
  // Time windows that keep many candidates alive.
  const SequencePattern w =
      compile_sequence_pattern("(?1).*(?t>=1000)(?t<=2000)(?1).*(?t==50000)(?2)", 2);
  EXPECT_TRUE(cdp::core::sequence_match(w, rows.data(), rows.size()));  // rows 48999.. 49999, 99999
  rows.back().ts += 1;
  EXPECT_FALSE(cdp::core::sequence_match(w, rows.data(), rows.size()));
  // Alternating 1, 2: every pair counts.
  for (size_t i = 0; i < rows.size(); ++i) rows[i].mask = 1u + (i & 1u);
  EXPECT_EQ(cdp::core::sequence_count(compile_sequence_pattern("(?1)(?2)", 2), rows.data(),
                                      rows.size()),
            50000);
}

// ------------------------------------------------------------------ randomized

// A pattern token of the random generator.
struct Token {
  enum Kind { kCond, kAny, kStar, kTime } kind;
  int cond = 0;  // kCond: 0-based
  int op = 0;    // kTime: 0 >=, 1 >, 2 <=, 3 <, 4 ==
  int secs = 0;  // kTime
};

std::string token_text(const Token& t, const std::vector<int>& cond_numbers) {
  static const char* const ops[] = {">=", ">", "<=", "<", "=="};
  switch (t.kind) {
    case Token::kCond: return "(?" + std::to_string(cond_numbers[t.cond]) + ")";
    case Token::kAny: return ".";
    case Token::kStar: return ".*";
    case Token::kTime: return std::string("(?t") + ops[t.op] + std::to_string(t.secs) + ")";
  }
  return {};
}

// A literal reading of the semantics, by enumeration.
struct RefElement {
  int cond;  // -1 = any row
  bool adjacent;
  std::vector<std::pair<int, int>> constraints;  // (op, seconds) to the previous element
};

// The row elements of a valid token list; empty when the list is invalid
// (no row element, or a time token without a row element on each side).
std::vector<RefElement> reference_program(const std::vector<Token>& tokens) {
  std::vector<RefElement> out;
  bool star = false;
  std::vector<std::pair<int, int>> pending;
  for (const Token& t : tokens) {
    if (t.kind == Token::kStar) {
      star = true;
    } else if (t.kind == Token::kTime) {
      if (out.empty()) return {};
      pending.push_back({t.op, t.secs});
    } else {
      // A time constraint implies a gap (ClickHouse semantics).
      out.push_back({t.kind == Token::kAny ? -1 : t.cond, !star && pending.empty(), pending});
      star = false;
      pending.clear();
    }
  }
  if (!pending.empty()) return {};
  return out;
}

struct RefRow {
  int64_t ts;
  uint32_t mask;  // bit c = condition c (0-based) of the reference
};

bool holds(int op, int secs, int64_t delta) {
  const int64_t s = secs * kSec;
  switch (op) {
    case 0: return delta >= s;
    case 1: return delta > s;
    case 2: return delta <= s;
    case 3: return delta < s;
    default: return delta == s;
  }
}

// Every (first row, last row) of every match, by trying all assignments.
void enumerate(const std::vector<RefElement>& prog, const std::vector<RefRow>& rows, size_t k,
               size_t prev, size_t first, std::vector<std::pair<size_t, size_t>>& out) {
  if (k == prog.size()) {
    out.push_back({first, prev});
    return;
  }
  const RefElement& e = prog[k];
  const size_t lo = k == 0 ? 0 : prev + 1;
  const size_t hi = (k > 0 && e.adjacent) ? std::min(prev + 2, rows.size()) : rows.size();
  for (size_t j = lo; j < hi; ++j) {
    if (e.cond >= 0 && !((rows[j].mask >> e.cond) & 1u)) continue;
    bool ok = true;
    for (const auto& [op, secs] : e.constraints)
      ok = ok && holds(op, secs, rows[j].ts - rows[prev].ts);
    if (ok) enumerate(prog, rows, k + 1, j, k == 0 ? j : first, out);
  }
}

// Greedy count as specified: repeatedly the earliest-ending match starting
// after the previous counted one.
int64_t reference_count(const std::vector<RefElement>& prog, const std::vector<RefRow>& rows) {
  std::vector<std::pair<size_t, size_t>> spans;
  enumerate(prog, rows, 0, 0, 0, spans);
  int64_t n = 0;
  size_t start = 0;
  for (;;) {
    size_t best = SIZE_MAX;
    for (const auto& [f, l] : spans)
      if (f >= start) best = std::min(best, l);
    if (best == SIZE_MAX) return n;
    ++n;
    start = best + 1;
  }
}

std::vector<Token> random_tokens(std::mt19937_64& rng) {
  std::vector<Token> tokens;
  const int len = 1 + static_cast<int>(rng() % 7);
  int rows = 0;
  for (int i = 0; i < len; ++i) {
    const int r = static_cast<int>(rng() % 100);
    Token t{Token::kCond};
    if (r < 35) {
      t.cond = static_cast<int>(rng() % 3);
    } else if (r < 50) {
      t.kind = Token::kAny;
    } else if (r < 70) {
      t.kind = Token::kStar;
    } else {
      t.kind = Token::kTime;
      t.op = static_cast<int>(rng() % 5);
      t.secs = static_cast<int>(rng() % 4);
    }
    if (t.kind == Token::kCond || t.kind == Token::kAny) {
      if (rows == 4) continue;
      ++rows;
    }
    tokens.push_back(t);
  }
  return tokens;
}

std::string pattern_text(const std::vector<Token>& tokens, const std::vector<int>& numbers,
                         std::mt19937_64& rng) {
  std::string text;
  for (const Token& t : tokens) {
    if (rng() % 4 == 0) text += ' ';
    text += token_text(t, numbers);
  }
  return text;
}

// Timestamps on a half-second grid with ties, some nudged by 1 us.
int64_t random_ts(std::mt19937_64& rng) {
  int64_t ts = static_cast<int64_t>(rng() % 7) * (kSec / 2);
  if (rng() % 5 == 0) ts += static_cast<int64_t>(rng() % 3) - 1;
  return ts;
}

TEST(SequenceRandom, NarrowMatchesReference) {
  std::mt19937_64 rng(20240607);
  SequenceScratch scratch;
  int valid = 0, matched = 0, invalid = 0;
  for (int iter = 0; iter < 60000; ++iter) {
    const std::vector<Token> tokens = random_tokens(rng);
    const std::string text = pattern_text(tokens, {1, 2, 3}, rng);
    const std::vector<RefElement> prog = reference_program(tokens);
    if (prog.empty()) {
      EXPECT_THROW(compile_sequence_pattern(text, 3), Error) << text;
      ++invalid;
      continue;
    }
    const SequencePattern p = compile_sequence_pattern(text, 3);
    std::vector<FunnelEvent> ev(rng() % 9);
    for (FunnelEvent& e : ev) {
      e.ts = random_ts(rng);
      e.mask = rng() % 8 == 0 ? 0 : 1 + rng() % 7;  // a few rows match nothing
    }
    cdp::core::sort_funnel_rows(ev.data(), ev.size(), 3);
    std::vector<RefRow> rows;
    for (const FunnelEvent& e : ev)
      if (e.mask) rows.push_back({e.ts, static_cast<uint32_t>(e.mask)});
    const int64_t want = reference_count(prog, rows);
    SequenceScratch* s = iter % 2 ? &scratch : nullptr;
    const int64_t got = cdp::core::sequence_count(p, ev.data(), ev.size(), s);
    const bool got_match = cdp::core::sequence_match(p, ev.data(), ev.size(), s);
    ++valid;
    matched += want > 0;
    if (got != want || got_match != (want > 0)) {
      std::string dump;
      for (const RefRow& r : rows)
        dump += " (" + std::to_string(r.ts) + "," + std::to_string(r.mask) + ")";
      ADD_FAILURE() << "pattern "" << text << "" rows" << dump << ": count " << got
                    << " want " << want << ", match " << got_match;
      return;
    }
  }
  // The generator must exercise both outcomes and the error path.
  EXPECT_GT(matched, valid / 10);
  EXPECT_GT(valid - matched, valid / 10);
  EXPECT_GT(invalid, 1000);
}

TEST(SequenceRandom, WideMatchesReference) {
  // Reference conditions 0, 1, 2 are conditions 1, 65 and 100 of 100; some
  // rows also match condition 38, which no pattern names (the row still
  // takes part and `.` can match it).
  const std::vector<int> index = {0, 64, 99};
  std::mt19937_64 rng(77);
  SequenceScratch scratch;
  for (int iter = 0; iter < 20000; ++iter) {
    const std::vector<Token> tokens = random_tokens(rng);
    const std::vector<RefElement> prog = reference_program(tokens);
    if (prog.empty()) continue;
    const SequencePattern p = compile_sequence_pattern(pattern_text(tokens, {1, 65, 100}, rng), 100);
    FunnelEvents ev(100);
    const size_t n = rng() % 9;
    for (size_t i = 0; i < n; ++i) {
      std::vector<int> conds;
      const uint64_t bits = rng() % 8;
      for (int c = 0; c < 3; ++c)
        if ((bits >> c) & 1u) conds.push_back(index[c]);
      if (rng() % 4 == 0) conds.push_back(37);
      ev.add(random_ts(rng), conds);
    }
    cdp::core::sort_funnel_rows(ev);
    std::vector<RefRow> rows;
    for (const FunnelEvent& e : ev.rows) {
      const size_t off = e.mask >> 11, cnt = e.mask & 2047u;
      if (cnt == 0) continue;
      uint32_t mask = 0;
      for (size_t j = 0; j < cnt; ++j)
        for (int c = 0; c < 3; ++c)
          if (ev.pool[off + j] == index[c]) mask |= 1u << c;
      rows.push_back({e.ts, mask});
    }
    const int64_t want = reference_count(prog, rows);
    ASSERT_EQ(cdp::core::sequence_count(p, ev, &scratch), want) << iter;
    ASSERT_EQ(cdp::core::sequence_match(p, ev, &scratch), want > 0) << iter;
  }
}

}  // namespace
