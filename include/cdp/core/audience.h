// Audience expressions (SQL contract section 6, cdp_audience).
//
// Grammar (whitespace between tokens is ignored):
//   expr   := term   { '|' term }              union
//   term   := factor { ('&' | '-') factor }    intersection, difference
//   factor := name | '(' expr ')'
//   name   := bare | quoted
//   bare   := one or more characters other than whitespace, & | - ( ) "
//   quoted := '"' { any character except '"' | '""' } '"'   ("" is one ")
// `&` and `-` share one precedence level, tighter than `|`; all operators
// are left-associative: a | b & c = a | (b & c), a - b & c = (a - b) & c,
// a - b - c = (a - b) - c. A name may not be empty.
//
// At most 10,000 tag names and 1,000 nested parentheses (54000 / 22023).
// Errors: cdp::core::Error 22023 with the 1-based character position (UTF-8
// characters, not bytes) of the offending token in the message.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/bitmap.h"

namespace cdp::core::audience {

struct Node {
  enum Kind { kName, kOr, kAnd, kAndNot } kind;
  std::string name;       // kName
  int position = 0;       // 1-based character position of the name / operator
  std::unique_ptr<Node> left, right;
};

// Parses an expression; throws Error 22023 on malformed input.
std::unique_ptr<Node> parse(std::string_view text);

// The distinct tag names of the expression, in order of first appearance.
std::vector<std::string> names(const Node& root);

// Canonical fully parenthesized form, for tests: ((a | b) & "x y").
std::string to_string(const Node& root);

// Evaluates the expression; `lookup` returns the bitmap of one name (it may
// throw, e.g. for an unknown name). Each distinct name is looked up once.
Bitmap evaluate(const Node& root, const std::function<const Bitmap&(const std::string&)>& lookup);

}  // namespace cdp::core::audience
