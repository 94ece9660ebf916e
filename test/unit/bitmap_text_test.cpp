// Tests for the text forms of an rbitmap (include/cdp/core/bitmap_text.h) and
// for cdp::core::Error (include/cdp/core/error.h).
#include "cdp/core/bitmap_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cdp/core/bitmap.h"
#include "cdp/core/error.h"

namespace {

using cdp::core::Bitmap;
using cdp::core::Error;
using cdp::core::format_bitmap_array;
using cdp::core::format_bitmap_hex;
using cdp::core::hex_decode;
using cdp::core::hex_encode;
using cdp::core::parse_bitmap_text;
using Vec = std::vector<uint32_t>;

Vec Parse(const std::string& text) { return parse_bitmap_text(text).to_vector(); }

// Expects parse_bitmap_text(text) to throw Error 22P02 with a message.
void ExpectRejected(const std::string& text) {
  SCOPED_TRACE("input: \"" + text + "\"");
  try {
    const Bitmap b = parse_bitmap_text(text);
    ADD_FAILURE() << "accepted, as " << format_bitmap_array(b);
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "22P02");
    EXPECT_NE(std::string(e.what()), "");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw something else than cdp::core::Error: " << e.what();
  }
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// ---------------------------------------------------------------------------
// parse_bitmap_text: array form

TEST(BitmapTextParse, AcceptsArrayForms) {
  EXPECT_EQ(Parse("{}"), Vec{});
  EXPECT_EQ(Parse("{ }"), Vec{});
  EXPECT_EQ(Parse(" \t\n{ \t\n}\r\n "), Vec{});
  EXPECT_EQ(Parse("{1,2,3}"), (Vec{1, 2, 3}));
  EXPECT_EQ(Parse("{3,1,2}"), (Vec{1, 2, 3}));
  EXPECT_EQ(Parse("{ 1 , 2 ,3 }"), (Vec{1, 2, 3}));
  EXPECT_EQ(Parse("{1,\t2,\n3}"), (Vec{1, 2, 3}));
  EXPECT_EQ(Parse("\n\t  {1,2,3}  \t\n"), (Vec{1, 2, 3}));
  EXPECT_EQ(Parse("{5,5,1,5,1}"), (Vec{1, 5}));
  EXPECT_EQ(Parse("{+5}"), (Vec{5}));
  EXPECT_EQ(Parse("{-1}"), (Vec{4294967295u}));
  EXPECT_EQ(Parse("{-0}"), (Vec{0}));
  EXPECT_EQ(Parse("{007}"), (Vec{7}));
  EXPECT_EQ(Parse("{2147483647}"), (Vec{2147483647u}));
  EXPECT_EQ(Parse("{-2147483648}"), (Vec{2147483648u}));
  EXPECT_EQ(Parse("{+2147483647,-2147483648,0}"), (Vec{0, 2147483647u, 2147483648u}));
  EXPECT_EQ(Parse("{-1,2,555555,-4}"), (Vec{2, 555555, 4294967292u, 4294967295u}));
  EXPECT_EQ(Parse("{65535,65536,131071}"), (Vec{65535, 65536, 131071}));
}

TEST(BitmapTextParse, AcceptsLargeArray) {
  std::string text = "{";
  Vec want;
  for (uint32_t i = 0; i < 20000; ++i) {
    // descending, over several chunks, negative int4 (>= 2^31) included
    const uint32_t v = 4294967295u - i * 214700u;
    text += (i ? "," : "") + std::to_string(static_cast<int32_t>(v));
    want.push_back(v);
  }
  text += "}";
  std::sort(want.begin(), want.end());
  EXPECT_EQ(Parse(text), want);
}

TEST(BitmapTextParse, RejectsBadArrays) {
  for (const char* text : {
           "{2147483648}",  // int4 bounds
           "{-2147483649}",
           "{4294967295}",
           "{1,2147483648}",
           "{1,}",
           "{,}",
           "{,1}",
           "{1,,2}",
           "{1 2}",
           "{1\t2}",
           "{a}",
           "{1a}",
           "{0x10}",
           "{1.5}",
           "{1e3}",
           "{+}",
           "{-}",
           "{--1}",
           "{+-1}",
           "{- 1}",
           "{{1}}",
           "{1}}",
           "{1} {2}",
           "{1}x",
           "x{1}",
           "1,2,3",
           "{1,2,3",
           "{12",  // no closing brace: must not parse as {1}
           "{ 5 ",
           "1,2,3}",
           "[1,2,3]",
           "(1)",
           "{",
           "}",
           "",
           "   ",
           "\t\n",
           "{1;2}",
           "{\"1\"}",
       })
    ExpectRejected(text);
  ExpectRejected(std::string("{1\0}", 4));
  ExpectRejected(std::string("{1}\0", 4));
  ExpectRejected("{" + std::string(100, '9') + "}");
  ExpectRejected("{-" + std::string(100, '9') + "}");
  ExpectRejected("{1," + std::string(100, '1') + ",2}");
  ExpectRejected("{" + std::string(19, '9') + "}");  // past int64 too
  ExpectRejected("{9223372036854775808}");            // just past int64
}

TEST(BitmapTextParse, ErrorNamesTheProblem) {
  try {
    parse_bitmap_text("{1,2147483648}");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "22P02");
    EXPECT_NE(std::string(e.what()).find("rbitmap"), std::string::npos) << e.what();
    EXPECT_NE(e.detail().find("2147483648"), std::string::npos) << e.detail();
  }
  // A long input is cut in the message.
  try {
    parse_bitmap_text("{" + std::string(5000, '1') + "}");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u);
  }
}

// ---------------------------------------------------------------------------
// parse_bitmap_text: \x form

TEST(BitmapTextParse, AcceptsHexOfValidSerialization) {
  const std::string hex = "3a30000001000000000002001000000001000a006400";
  EXPECT_EQ(Parse("\\x" + hex), (Vec{1, 10, 100}));
  EXPECT_EQ(Parse("\\x" + Upper(hex)), (Vec{1, 10, 100}));
  EXPECT_EQ(Parse("  \\x" + hex + " \n"), (Vec{1, 10, 100}));
  // mixed case digits
  std::string mixed = hex;
  for (size_t i = 0; i < mixed.size(); i += 3)
    mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
  EXPECT_EQ(Parse("\\x" + mixed), (Vec{1, 10, 100}));
  // the empty bitmap
  EXPECT_EQ(Parse("\\x3a30000000000000"), Vec{});
  // with run containers (cookie 12347)
  Bitmap runs = Bitmap::range(65530, 200000);
  runs.add(4294967295u);
  runs.run_optimize();
  EXPECT_TRUE(Bitmap::equals(parse_bitmap_text(format_bitmap_hex(runs)), runs));
}

TEST(BitmapTextParse, RejectsBadHex) {
  const std::string hex = "3a30000001000000000002001000000001000a006400";
  ExpectRejected("\\x");                              // no bytes
  ExpectRejected("\\x" + hex.substr(1));              // odd length
  ExpectRejected("\\x" + hex + "0");                  // odd length
  ExpectRejected("\\x" + hex.substr(0, 10) + "zz" + hex.substr(12));  // non-hex
  ExpectRejected("\\x" + hex.substr(0, 10) + "g0" + hex.substr(12));
  ExpectRejected("\\x " + hex);                       // space inside
  ExpectRejected("\\x" + hex.substr(0, 20) + " " + hex.substr(20));
  ExpectRejected("\\x" + hex + "00");                 // trailing byte
  ExpectRejected("\\x" + hex + hex);                  // two bitmaps
  ExpectRejected("\\x" + hex.substr(0, hex.size() - 2));  // truncated
  ExpectRejected("\\x3b30000001000000000002001000000001000a006400");  // cookie
  ExpectRejected("\\x3a30000001000000000002001000000001006400" "0a00");  // unsorted
  ExpectRejected("\\x3a30000001000000000003001000000001000a006400");  // cardinality
  ExpectRejected("\\x3a30000001000000000002001400000001000a006400");  // offset
  ExpectRejected("\\x0000");
  ExpectRejected("x" + hex);
  ExpectRejected("\\" + hex);
  ExpectRejected("\\\\x" + hex);
}

// ---------------------------------------------------------------------------
// Formatting

TEST(BitmapTextFormat, ArrayInUnsignedOrderPrintedAsInt4) {
  EXPECT_EQ(format_bitmap_array(parse_bitmap_text("{-1,2,555555,-4}")),
            "{2,555555,-4,-1}");
  EXPECT_EQ(format_bitmap_array(Bitmap()), "{}");
  EXPECT_EQ(format_bitmap_array(Bitmap::of({0})), "{0}");
  EXPECT_EQ(format_bitmap_array(Bitmap::of({2147483648u, 2147483647u, 0u, 4294967295u})),
            "{0,2147483647,-2147483648,-1}");
  EXPECT_EQ(format_bitmap_array(Bitmap::range(65534, 65539)),
            "{65534,65535,65536,65537,65538}");
}

TEST(BitmapTextFormat, HexOfPortableSerialization) {
  EXPECT_EQ(format_bitmap_hex(Bitmap::of({1, 10, 100})),
            "\\x3a30000001000000000002001000000001000a006400");
  EXPECT_EQ(format_bitmap_hex(Bitmap()), "\\x3a30000000000000");
  const std::string h = format_bitmap_hex(Bitmap::range(0, 1000000));
  EXPECT_EQ(h.substr(0, 2), "\\x");
  EXPECT_TRUE(std::none_of(h.begin() + 2, h.end(), [](char c) { return std::isupper(c); }));
}

TEST(BitmapTextFormat, RoundTripsRandomBitmaps) {
  std::mt19937_64 g(20240611);
  for (int it = 0; it < 200; ++it) {
    SCOPED_TRACE("seed 20240611 iteration " + std::to_string(it));
    Bitmap b;
    const int n = static_cast<int>(g() % 300);
    for (int i = 0; i < n; ++i) {
      switch (g() % 4) {
        case 0:
          b.add(static_cast<uint32_t>(g()));
          break;
        case 1:
          b.add(static_cast<uint32_t>(g() % 200000));
          break;
        case 2:
          b.add(static_cast<uint32_t>(0u - 1u - g() % 70000));
          break;
        default: {
          const int64_t s = static_cast<int64_t>(g() % 300000);
          b.fill(s, s + static_cast<int64_t>(g() % 2000));
        }
      }
    }
    if (g() % 2) b.run_optimize();
    const std::string arr = format_bitmap_array(b);
    EXPECT_TRUE(Bitmap::equals(parse_bitmap_text(arr), b));
    const std::string hex = format_bitmap_hex(b);
    EXPECT_TRUE(Bitmap::equals(parse_bitmap_text(hex), b));
    EXPECT_TRUE(Bitmap::equals(parse_bitmap_text("\\x" + Upper(hex.substr(2))), b));
    EXPECT_EQ(format_bitmap_hex(parse_bitmap_text(hex)), hex);
    if (HasFailure()) break;
  }
}

// ---------------------------------------------------------------------------
// hex_encode / hex_decode

TEST(BitmapTextHex, EncodeDecodeRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string hex = hex_encode(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  std::string back;
  ASSERT_TRUE(hex_decode(hex, &back));
  EXPECT_EQ(back, all);
  ASSERT_TRUE(hex_decode(Upper(hex), &back));
  EXPECT_EQ(back, all);
  EXPECT_EQ(hex_encode(""), "");
  ASSERT_TRUE(hex_decode("", &back));
  EXPECT_EQ(back, "");
  EXPECT_EQ(hex_encode(std::string("\0\x7f\x80", 3)), "007f80");
}

TEST(BitmapTextHex, DecodeRejects) {
  std::string out;
  EXPECT_FALSE(hex_decode("0", &out));
  EXPECT_FALSE(hex_decode("abc", &out));
  EXPECT_FALSE(hex_decode("0g", &out));
  EXPECT_FALSE(hex_decode("g0", &out));
  EXPECT_FALSE(hex_decode("0 ", &out));
  EXPECT_FALSE(hex_decode("-1", &out));
  EXPECT_FALSE(hex_decode("\\x00", &out));
  EXPECT_FALSE(hex_decode(std::string("0\0", 2), &out));
}

// ---------------------------------------------------------------------------
// cdp::core::Error

TEST(CoreError, KeepsSqlstateMessageDetailHint) {
  const Error e(cdp::core::sqlstate::kInvalidParameterValue, "bad value", "the detail",
                "the hint");
  EXPECT_STREQ(e.sqlstate(), "22023");
  EXPECT_STREQ(e.what(), "bad value");
  EXPECT_EQ(e.detail(), "the detail");
  EXPECT_EQ(e.hint(), "the hint");
}

TEST(CoreError, DefaultsAndCopies) {
  const Error e("XX001", "corrupt");
  EXPECT_STREQ(e.sqlstate(), "XX001");
  EXPECT_STREQ(e.what(), "corrupt");
  EXPECT_TRUE(e.detail().empty());
  EXPECT_TRUE(e.hint().empty());
  const Error copy = e;
  EXPECT_STREQ(copy.sqlstate(), "XX001");
  EXPECT_STREQ(copy.what(), "corrupt");
  // Only the five SQLSTATE characters are kept.
  const Error longer("54000-and-more", "m");
  EXPECT_STREQ(longer.sqlstate(), "54000");
}

TEST(CoreError, CaughtAsRuntimeError) {
  try {
    throw Error(cdp::core::sqlstate::kProgramLimitExceeded, "too big", "d", "h");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "too big");
    const Error* ce = dynamic_cast<const Error*>(&e);
    ASSERT_NE(ce, nullptr);
    EXPECT_STREQ(ce->sqlstate(), "54000");
    EXPECT_EQ(ce->detail(), "d");
    EXPECT_EQ(ce->hint(), "h");
  }
}

TEST(CoreError, SqlstateConstants) {
  namespace s = cdp::core::sqlstate;
  EXPECT_STREQ(s::kInvalidTextRepresentation, "22P02");
  EXPECT_STREQ(s::kInvalidParameterValue, "22023");
  EXPECT_STREQ(s::kNullValueNotAllowed, "22004");
  EXPECT_STREQ(s::kProgramLimitExceeded, "54000");
  EXPECT_STREQ(s::kDatatypeMismatch, "42804");
  EXPECT_STREQ(s::kDataCorrupted, "XX001");
  EXPECT_STREQ(s::kInternalError, "XX000");
}

}  // namespace
