#include "cdp/core/audience.h"

#include <string>
#include <unordered_set>

#include "cdp/core/error.h"

namespace cdp::core::audience {

namespace {

bool is_operator_char(char c) {
  return c == '&' || c == '|' || c == '-' || c == '(' || c == ')' || c == '"';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Bounds the tree depth (the evaluator and the destructor recurse).
constexpr int kMaxNames = 10000;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::unique_ptr<Node> parse_all() {
    skip();
    if (at_end()) fail("audience expression is empty", pos_);
    auto e = expr();
    skip();
    if (!at_end()) {
      if (s_[pos_] == ')') fail("unbalanced \")\"", pos_);
      fail("expected an operator (&, |, -) or the end of the expression", pos_);
    }
    return e;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  void skip() {
    while (!at_end() && is_space(s_[pos_])) ++pos_;
  }
  // 1-based character position of byte offset `off` (UTF-8 aware).
  int char_pos(size_t off) const {
    int n = 0;
    for (size_t i = 0; i < off && i < s_.size(); ++i)
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++n;
    return n + 1;
  }
  [[noreturn]] void fail(const std::string& what, size_t off) const {
    throw Error(sqlstate::kInvalidParameterValue,
                "invalid audience expression at position " + std::to_string(char_pos(off)) +
                    ": " + what,
                "Expression: " + std::string(s_),
                "Operators: & (and), | (or), - (and not), parentheses; quote tag names that "
                "contain spaces or operator characters with \"...\" (\"\" for a quote).");
  }

  std::unique_ptr<Node> expr() {
    auto left = term();
    for (;;) {
      skip();
      if (at_end() || s_[pos_] != '|') return left;
      const size_t op = pos_++;
      auto right = term();
      left = combine(Node::kOr, op, std::move(left), std::move(right));
    }
  }

  std::unique_ptr<Node> term() {
    auto left = factor();
    for (;;) {
      skip();
      if (at_end() || (s_[pos_] != '&' && s_[pos_] != '-')) return left;
      const size_t op = pos_;
      const Node::Kind kind = s_[pos_] == '&' ? Node::kAnd : Node::kAndNot;
      ++pos_;
      auto right = factor();
      left = combine(kind, op, std::move(left), std::move(right));
    }
  }

  std::unique_ptr<Node> combine(Node::Kind kind, size_t op, std::unique_ptr<Node> l,
                                std::unique_ptr<Node> r) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->position = char_pos(op);
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  std::unique_ptr<Node> factor() {
    skip();
    if (at_end()) fail("expected a tag name or \"(\" but the expression ends", pos_);
    const char c = s_[pos_];
    if (c == '(') {
      const size_t open = pos_++;
      if (++depth_ > 1000) fail("expression nested too deeply", open);
      auto e = expr();
      skip();
      if (at_end() || s_[pos_] != ')') fail("\"(\" is not closed", open);
      ++pos_;
      --depth_;
      return e;
    }
    if (++names_ > kMaxNames)
      throw Error(sqlstate::kProgramLimitExceeded,
                  "audience expression has more than " + std::to_string(kMaxNames) + " tag names");
    auto n = std::make_unique<Node>();
    n->kind = Node::kName;
    n->position = char_pos(pos_);
    if (c == '"') {
      const size_t open = pos_++;
      for (;;) {
        if (at_end()) fail("unterminated quoted tag name", open);
        if (s_[pos_] == '"') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
            n->name += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        n->name += s_[pos_++];
      }
      if (n->name.empty()) fail("empty tag name", open);
      return n;
    }
    if (is_operator_char(c))
      fail(std::string("expected a tag name or \"(\" but found \"") + c + "\"", pos_);
    const size_t start = pos_;
    while (!at_end() && !is_space(s_[pos_]) && !is_operator_char(s_[pos_])) ++pos_;
    n->name.assign(s_.substr(start, pos_ - start));
    return n;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
  int names_ = 0;
};

void collect(const Node& n, std::vector<std::string>& out, std::unordered_set<std::string>& seen) {
  if (n.kind == Node::kName) {
    if (seen.insert(n.name).second) out.push_back(n.name);
    return;
  }
  collect(*n.left, out, seen);
  collect(*n.right, out, seen);
}

bool needs_quotes(const std::string& s) {
  for (char c : s)
    if (is_space(c) || is_operator_char(c)) return true;
  return false;
}

}  // namespace

std::unique_ptr<Node> parse(std::string_view text) { return Parser(text).parse_all(); }

std::vector<std::string> names(const Node& root) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  collect(root, out, seen);
  return out;
}

std::string to_string(const Node& n) {
  switch (n.kind) {
    case Node::kName: {
      if (!needs_quotes(n.name)) return n.name;
      std::string q = "\"";
      for (char c : n.name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    }
    case Node::kOr:
      return "(" + to_string(*n.left) + " | " + to_string(*n.right) + ")";
    case Node::kAnd:
      return "(" + to_string(*n.left) + " & " + to_string(*n.right) + ")";
    case Node::kAndNot:
      return "(" + to_string(*n.left) + " - " + to_string(*n.right) + ")";
  }
  return {};
}

Bitmap evaluate(const Node& n, const std::function<const Bitmap&(const std::string&)>& lookup) {
  switch (n.kind) {
    case Node::kName:
      return lookup(n.name).clone();
    case Node::kOr:
      return Bitmap::or_(evaluate(*n.left, lookup), evaluate(*n.right, lookup));
    case Node::kAnd:
      return Bitmap::and_(evaluate(*n.left, lookup), evaluate(*n.right, lookup));
    case Node::kAndNot:
      return Bitmap::andnot_(evaluate(*n.left, lookup), evaluate(*n.right, lookup));
  }
  return Bitmap();
}

}  // namespace cdp::core::audience
