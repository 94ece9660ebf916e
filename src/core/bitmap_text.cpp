#include "cdp/core/bitmap_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

[[noreturn]] void syntax_error(std::string_view text, std::string detail) {
  // Long inputs are cut in the message; the detail says where it went wrong.
  constexpr size_t kShow = 64;
  std::string shown(text.substr(0, kShow));
  if (text.size() > kShow) shown += "...";
  throw Error(sqlstate::kInvalidTextRepresentation,
              "invalid input syntax for type rbitmap: \"" + shown + "\"",
              std::move(detail),
              "Write an rbitmap as {1,2,3} (int4 elements) or as \\x "
              "followed by the hex of its portable Roaring serialization.");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Bitmap parse_array_form(std::string_view all, std::string_view s) {
  // s starts with '{' and ends with '}'.
  std::string_view body = s.substr(1, s.size() - 2);
  std::vector<uint32_t> values;
  size_t pos = 0;
  const size_t offset = static_cast<size_t>(body.data() - all.data());
  bool expect_value = true;
  bool any = false;
  while (true) {
    while (pos < body.size() && is_space(body[pos])) ++pos;
    if (pos == body.size()) break;
    if (!expect_value) {
      if (body[pos] != ',')
        syntax_error(all, "expected \",\" or \"}\" at character " +
                              std::to_string(offset + pos + 1));
      ++pos;
      expect_value = true;
      continue;
    }
    size_t start = pos;
    if (body[pos] == '+' || body[pos] == '-') ++pos;
    const size_t digits = pos;
    while (pos < body.size() && body[pos] >= '0' && body[pos] <= '9') ++pos;
    if (pos == digits)
      syntax_error(all, "expected an integer at character " +
                            std::to_string(offset + start + 1));
    // Parse as int64 first so that out-of-range input is reported, not wrapped.
    std::string_view num = body.substr(start, pos - start);
    const char* first = num.data();
    if (*first == '+') ++first;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(first, num.data() + num.size(), v);
    if (ec != std::errc() || ptr != num.data() + num.size() ||
        v < INT32_MIN || v > INT32_MAX)
      syntax_error(all, "value \"" + std::string(num) +
                            "\" is out of range for type integer");
    values.push_back(static_cast<uint32_t>(static_cast<int32_t>(v)));
    any = true;
    expect_value = false;
  }
  if (expect_value && any)
    syntax_error(all, "expected an integer after the last \",\"");
  std::sort(values.begin(), values.end());
  return Bitmap::of(values);
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

bool hex_decode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->assign(hex.size() / 2, '\0');
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<char>(hi << 4 | lo);
  }
  return true;
}

Bitmap parse_bitmap_text(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.size() >= 2 && s[0] == '\\' && (s[1] == 'x' || s[1] == 'X')) {
    std::string bytes;
    if (!hex_decode(s.substr(2), &bytes))
      syntax_error(text, "\\x must be followed by an even number of hex digits");
    return Bitmap::deserialize_checked(bytes.data(), bytes.size());
  }
  if (s.size() < 2 || s.front() != '{' || s.back() != '}')
    syntax_error(text, "an rbitmap starts with \"{\" and ends with \"}\", or starts with \\x");
  return parse_array_form(text, s);
}

std::string format_bitmap_array(const Bitmap& b) {
  std::string out;
  out.reserve(2 + b.cardinality() * 8);
  out.push_back('{');
  bool first = true;
  char buf[16];
  b.for_each([&](uint32_t v) {
    if (!first) out.push_back(',');
    first = false;
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf,
                                   static_cast<int32_t>(v));
    (void)ec;
    out.append(buf, end);
    return true;
  });
  out.push_back('}');
  return out;
}

std::string format_bitmap_hex(const Bitmap& b) {
  return "\\x" + hex_encode(b.serialize());
}

}  // namespace cdp::core
