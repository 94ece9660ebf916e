// Tests for the audience expression parser and evaluator.
#include "cdp/core/audience.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cdp/core/error.h"

namespace aud = cdp::core::audience;
using cdp::core::Bitmap;

namespace {

std::string P(const std::string& s) { return aud::to_string(*aud::parse(s)); }

// The message of the Error thrown by parse(s), or "" when it parses.
std::string Err(const std::string& s, std::string* state = nullptr) {
  try {
    aud::parse(s);
  } catch (const cdp::core::Error& e) {
    if (state) *state = e.sqlstate();
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Audience, PrecedenceExamplesOfTheSpec) {
  EXPECT_EQ(P("a | b & c"), "(a | (b & c))");
  EXPECT_EQ(P("a - b & c"), "((a - b) & c)");
  EXPECT_EQ(P("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(P("a & b | c"), "((a & b) | c)");
  EXPECT_EQ(P("a | b | c"), "((a | b) | c)");
  EXPECT_EQ(P("a & b - c"), "((a & b) - c)");
  EXPECT_EQ(P("a | b - c"), "(a | (b - c))");
  EXPECT_EQ(P("(a | b) & c"), "((a | b) & c)");
  EXPECT_EQ(P("a - (b - c)"), "(a - (b - c))");
  EXPECT_EQ(P("vip & (beijing | shanghai) - churned"), "((vip & (beijing | shanghai)) - churned)");
}

TEST(Audience, NamesAndQuoting) {
  EXPECT_EQ(P("x"), "x");
  EXPECT_EQ(P("  ((x))  "), "x");
  EXPECT_EQ(P("a&b"), "(a & b)");
  EXPECT_EQ(P("\"new york\" | \"a-b\""), "(\"new york\" | \"a-b\")");
  EXPECT_EQ(aud::parse("\"say \"\"hi\"\"\"")->name, "say \"hi\"");
  EXPECT_EQ(aud::parse("\"a|b\"")->name, "a|b");
  EXPECT_EQ(aud::parse("tag:1.x_y")->name, "tag:1.x_y");
  EXPECT_EQ(aud::parse("北京")->name, "北京");
  const auto n = aud::names(*aud::parse("b | a & b - \"c d\" | a"));
  EXPECT_EQ(n, (std::vector<std::string>{"b", "a", "c d"}));
}

TEST(Audience, ErrorsWithPositions) {
  std::string st;
  EXPECT_NE(Err("", &st).find("empty"), std::string::npos);
  EXPECT_EQ(st, "22023");
  EXPECT_NE(Err("   ").find("position 4"), std::string::npos);
  EXPECT_NE(Err("a &").find("position 4: expected a tag name"), std::string::npos);
  EXPECT_NE(Err("a & | b").find("position 5: expected a tag name or \"(\" but found \"|\""),
            std::string::npos);
  EXPECT_NE(Err("(a | b").find("position 1: \"(\" is not closed"), std::string::npos);
  EXPECT_NE(Err("a | b)").find("position 6: unbalanced"), std::string::npos);
  EXPECT_NE(Err("a b").find("position 3: expected an operator"), std::string::npos);
  EXPECT_NE(Err("a | \"b").find("position 5: unterminated"), std::string::npos);
  EXPECT_NE(Err("\"\"").find("position 1: empty tag name"), std::string::npos);
  EXPECT_NE(Err("()").find("position 2"), std::string::npos);
  EXPECT_NE(Err("- a").find("position 1"), std::string::npos);
  // positions count characters, not bytes
  EXPECT_NE(Err("北京 &").find("position 5"), std::string::npos);
  EXPECT_EQ(Err(std::string(1001, '(') + "a" + std::string(1001, ')'), &st).find("nested") ==
                std::string::npos,
            false);
  std::string many = "t";
  for (int i = 0; i < 10000; ++i) many += "|t";
  Err(many, &st);
  EXPECT_EQ(st, "54000");
}

TEST(Audience, Evaluate) {
  std::map<std::string, Bitmap> tags;
  tags.emplace("a", Bitmap::of(std::vector<uint32_t>{1, 2, 3, 4}));
  tags.emplace("b", Bitmap::of(std::vector<uint32_t>{3, 4, 5}));
  tags.emplace("c", Bitmap::of(std::vector<uint32_t>{4, 5, 6}));
  int calls = 0;
  auto lookup = [&](const std::string& n) -> const Bitmap& {
    ++calls;
    auto it = tags.find(n);
    if (it == tags.end()) throw cdp::core::Error("22023", "unknown tag " + n);
    return it->second;
  };
  auto ev = [&](const std::string& e) { return aud::evaluate(*aud::parse(e), lookup).to_vector(); };
  using V = std::vector<uint32_t>;
  EXPECT_EQ(ev("a | b & c"), (V{1, 2, 3, 4, 5}));
  EXPECT_EQ(ev("(a | b) & c"), (V{4, 5}));
  EXPECT_EQ(ev("a - b & c"), (V{}));
  EXPECT_EQ(ev("a - (b & c)"), (V{1, 2, 3}));
  EXPECT_EQ(ev("a - b - c"), (V{1, 2}));
  EXPECT_EQ(ev("a - (b - c)"), (V{1, 2, 4}));
  EXPECT_EQ(ev("c"), (V{4, 5, 6}));
  EXPECT_THROW(ev("a | zz"), cdp::core::Error);
  // the evaluator must not modify the looked-up bitmaps
  EXPECT_EQ(tags.at("a").to_vector(), (V{1, 2, 3, 4}));
  EXPECT_GT(calls, 0);
}
