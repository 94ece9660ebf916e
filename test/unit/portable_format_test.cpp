// Tests for the CRoaring-free reader/writer of the portable Roaring format.
//
// CRoaring itself is used here only as an independent witness: what it writes
// must validate, and whatever we accept it must be able to read back into a
// well-formed bitmap.
#include "cdp/core/portable_format.h"

#include <gtest/gtest.h>
#include <roaring/roaring.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace pf = cdp::core::portable;

namespace {

constexpr uint64_t kUniverse = uint64_t{1} << 32;

struct BitmapFree {
  void operator()(roaring_bitmap_t* r) const { roaring_bitmap_free(r); }
};
using Bitmap = std::unique_ptr<roaring_bitmap_t, BitmapFree>;

Bitmap make_bitmap() { return Bitmap(roaring_bitmap_create()); }

Bitmap deserialize(const std::string& bytes) {
  return Bitmap(roaring_bitmap_portable_deserialize_safe(bytes.data(), bytes.size()));
}

std::string serialize(const roaring_bitmap_t* r) {
  std::string out(roaring_bitmap_portable_size_in_bytes(r), '\0');
  size_t written = roaring_bitmap_portable_serialize(r, &out[0]);
  out.resize(written);
  return out;
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// Validates a copy in an allocation of exactly bytes.size(), so that a
// sanitizer build catches any read past the end (std::string has slack).
bool valid(const std::string& bytes, std::string* why = nullptr) {
  std::vector<char> exact(bytes.begin(), bytes.end());
  return pf::validate(exact.data(), exact.size(), why);
}

uint64_t header_card(const std::string& bytes) {
  uint64_t card = ~uint64_t{0};
  EXPECT_TRUE(pf::header_cardinality(bytes.data(), bytes.size(), &card));
  return card;
}

// Little-endian byte string builder for hand-written serializations.
struct Bytes {
  std::string s;
  Bytes& u8(uint8_t v) {
    s.push_back(static_cast<char>(v));
    return *this;
  }
  Bytes& u16(uint16_t v) { return u8(v & 0xFF).u8(v >> 8); }
  Bytes& u32(uint32_t v) { return u16(v & 0xFFFF).u16(v >> 16); }
};

void set_u16(std::string& s, size_t at, uint16_t v) {
  s[at] = static_cast<char>(v & 0xFF);
  s[at + 1] = static_cast<char>(v >> 8);
}

void set_u32(std::string& s, size_t at, uint32_t v) {
  set_u16(s, at, v & 0xFFFF);
  set_u16(s, at + 2, v >> 16);
}

// Rejected, and for the reason we meant to provoke (not, say, truncation).
::testing::AssertionResult rejected(const std::string& bytes, const char* reason) {
  std::string why;
  if (valid(bytes, &why)) return ::testing::AssertionFailure() << "accepted " << hex(bytes);
  if (why.find(reason) == std::string::npos)
    return ::testing::AssertionFailure() << "rejected for \"" << why << "\", expected \""
                                         << reason << "\"";
  return ::testing::AssertionSuccess();
}

struct Walk {
  uint64_t count = 0;
  bool increasing = true;
  int64_t prev = -1;
};

bool walk_value(uint32_t v, void* p) {
  auto* w = static_cast<Walk*>(p);
  if (static_cast<int64_t>(v) <= w->prev) w->increasing = false;
  w->prev = v;
  ++w->count;
  return true;
}

// For bytes that `validate` accepted: CRoaring must read them, and what it read
// must be a genuine set whose size is the one the header announced.
::testing::AssertionResult truly_well_formed(const std::string& bytes) {
  Bitmap r = deserialize(bytes);
  if (!r) return ::testing::AssertionFailure() << "CRoaring refused " << hex(bytes);
  size_t used = roaring_bitmap_portable_deserialize_size(bytes.data(), bytes.size());
  if (used != bytes.size())
    return ::testing::AssertionFailure() << "CRoaring consumed " << used << " of " << bytes.size();
  std::string again = serialize(r.get());
  std::string why;
  if (!valid(again, &why))
    return ::testing::AssertionFailure() << "re-serialization rejected: " << why;
  Bitmap r2 = deserialize(again);
  if (!r2) return ::testing::AssertionFailure() << "CRoaring refused its own output";
  Walk w;
  roaring_iterate(r2.get(), walk_value, &w);
  uint64_t expected = header_card(bytes);
  if (!w.increasing) return ::testing::AssertionFailure() << "values not increasing";
  if (w.count != expected || roaring_bitmap_get_cardinality(r2.get()) != expected)
    return ::testing::AssertionFailure()
           << "header says " << expected << ", iteration found " << w.count;
  if (header_card(again) != expected)
    return ::testing::AssertionFailure() << "re-serialized header cardinality differs";
  return ::testing::AssertionSuccess();
}

Bitmap of(std::initializer_list<uint32_t> values) {
  Bitmap r = make_bitmap();
  for (uint32_t v : values) roaring_bitmap_add(r.get(), v);
  return r;
}

// Adds [lo, hi] value by value: CRoaring 0.2.66's range add is not trusted.
void add_interval(roaring_bitmap_t* r, uint64_t lo, uint64_t hi) {
  std::vector<uint32_t> v;
  v.reserve(hi - lo + 1);
  for (uint64_t x = lo; x <= hi; ++x) v.push_back(static_cast<uint32_t>(x));
  roaring_bitmap_add_many(r, v.size(), v.data());
}

// ---- hand-written valid serializations --------------------------------------

// {1, 10, 100}: one array container (the example in pg_roaringbitmap's README).
const std::string kArrayHex = "3a30000001000000000002001000000001000a006400";

// {5..9}: one run container, no offsets (cookie 12347, n = 1).
std::string run_5_to_9() {
  return Bytes{}.u32(12347).u8(0x01).u16(0).u16(4).u16(1).u16(5).u16(4).s;
}

// The whole first chunk [0, 65535]: cardinality 65536 is stored as 65535.
std::string full_chunk() {
  return Bytes{}.u32(12347).u8(0x01).u16(0).u16(0xFFFF).u16(1).u16(0).u16(0xFFFF).s;
}

// Even numbers 0..8192: 4097 values, so a bitset container.
std::string even_bitset() {
  Bytes b;
  b.u32(12346).u32(1).u16(0).u16(4096).u32(16);
  std::string bits(8192, '\0');
  for (uint32_t v = 0; v <= 8192; v += 2) bits[v / 8] |= static_cast<char>(1 << (v % 8));
  return b.s + bits;
}

// Four containers with cookie 12347, so offsets are present:
// key 0 run [0, 9]; key 1 {7}; key 2 {1, 2}; key 3 {65535}.
std::string four_containers() {
  Bytes b;
  b.u32(12347 | (3u << 16)).u8(0x01);
  b.u16(0).u16(9).u16(1).u16(0).u16(2).u16(1).u16(3).u16(0);
  b.u32(37).u32(43).u32(45).u32(49);  // header = 4 + 1 + 16 + 16 bytes
  b.u16(1).u16(0).u16(9);             // run container
  b.u16(7);
  b.u16(1).u16(2);
  b.u16(65535);
  return b.s;
}

Bitmap four_containers_bitmap() {
  Bitmap r = of({65536 + 7, 131072 + 1, 131072 + 2, 196608 + 65535});
  add_interval(r.get(), 0, 9);
  roaring_bitmap_run_optimize(r.get());
  return r;
}

const std::string kEmpty = unhex("3a30000000000000");

std::vector<std::string> hand_built_valid() {
  return {unhex(kArrayHex), run_5_to_9(), full_chunk(), even_bitset(), four_containers(), kEmpty};
}

TEST(PortableFormatHandBuilt, ArrayMatchesReadmeAndCRoaring) {
  std::string bytes = unhex(kArrayHex);
  Bitmap r = of({1, 100, 10});
  EXPECT_EQ(hex(serialize(r.get())), kArrayHex);
  EXPECT_TRUE(valid(bytes));
  EXPECT_EQ(header_card(bytes), 3u);
}

TEST(PortableFormatHandBuilt, RunMatchesCRoaring) {
  Bitmap r = make_bitmap();
  add_interval(r.get(), 5, 9);
  roaring_bitmap_run_optimize(r.get());
  EXPECT_EQ(hex(serialize(r.get())), hex(run_5_to_9()));
  EXPECT_TRUE(valid(run_5_to_9()));
  EXPECT_EQ(header_card(run_5_to_9()), 5u);
}

TEST(PortableFormatHandBuilt, FullChunkMatchesCRoaring) {
  Bitmap r = make_bitmap();
  add_interval(r.get(), 0, 65535);
  roaring_bitmap_run_optimize(r.get());
  EXPECT_EQ(hex(serialize(r.get())), hex(full_chunk()));
  EXPECT_TRUE(valid(full_chunk()));
  EXPECT_EQ(header_card(full_chunk()), 65536u);
}

TEST(PortableFormatHandBuilt, BitsetMatchesCRoaring) {
  Bitmap r = make_bitmap();
  for (uint32_t v = 0; v <= 8192; v += 2) roaring_bitmap_add(r.get(), v);
  roaring_bitmap_run_optimize(r.get());  // 4097 runs are bigger than a bitset
  EXPECT_EQ(serialize(r.get()), even_bitset());
  EXPECT_TRUE(valid(even_bitset()));
  EXPECT_EQ(header_card(even_bitset()), 4097u);
}

TEST(PortableFormatHandBuilt, OffsetsWithRunCookieMatchCRoaring) {
  Bitmap r = four_containers_bitmap();
  EXPECT_EQ(hex(serialize(r.get())), hex(four_containers()));
  std::string why;
  EXPECT_TRUE(valid(four_containers(), &why)) << why;
  EXPECT_EQ(header_card(four_containers()), 14u);
}

TEST(PortableFormatHandBuilt, EmptyMatchesCRoaring) {
  Bitmap r = make_bitmap();
  EXPECT_EQ(serialize(r.get()), kEmpty);
  EXPECT_TRUE(valid(kEmpty));
  EXPECT_EQ(header_card(kEmpty), 0u);
}

TEST(PortableFormatHandBuilt, TopOfUniverse) {
  // {4294967295}: key 65535, array {65535}.
  std::string bytes = Bytes{}.u32(12346).u32(1).u16(0xFFFF).u16(0).u32(16).u16(0xFFFF).s;
  Bitmap r = of({4294967295u});
  EXPECT_EQ(serialize(r.get()), bytes);
  EXPECT_TRUE(valid(bytes));
}

TEST(PortableFormatHandBuilt, HandBuiltAreTrulyWellFormed) {
  for (const std::string& s : hand_built_valid()) EXPECT_TRUE(truly_well_formed(s));
}

// ---- every rejection rule ---------------------------------------------------

TEST(PortableFormatReject, Cookie) {
  EXPECT_TRUE(rejected(Bytes{}.u32(12345).u32(0).s, "unknown cookie"));
  EXPECT_TRUE(rejected(Bytes{}.u32(12346 | (1u << 16)).u32(0).s, "unknown cookie"));
  EXPECT_TRUE(rejected(Bytes{}.u32(0).s, "unknown cookie"));
  EXPECT_TRUE(rejected("", "truncated"));
  EXPECT_TRUE(rejected(unhex("3a30"), "truncated"));
}

TEST(PortableFormatReject, ContainerCount) {
  // 65537 containers cannot exist; no bytes need to follow for us to know.
  EXPECT_TRUE(rejected(Bytes{}.u32(12346).u32(65537).s, "too many containers"));
  EXPECT_TRUE(rejected(Bytes{}.u32(12346).u32(0xFFFFFFFF).s, "too many containers"));
  // A plausible count whose header does not fit.
  EXPECT_TRUE(rejected(Bytes{}.u32(12346).u32(65536).s, "truncated descriptive header"));
  // 12347 with n = 65536 needs 8192 bytes of run flags.
  EXPECT_TRUE(rejected(Bytes{}.u32(12347 | 0xFFFF0000u).s, "truncated run container bitset"));
}

TEST(PortableFormatReject, KeysNotIncreasing) {
  std::string s = four_containers();
  set_u16(s, 5 + 4 * 2, 1);  // key of container 2 equals key of container 1
  EXPECT_TRUE(rejected(s, "keys not increasing at container 2"));
  set_u16(s, 5 + 4 * 2, 0);  // now decreasing
  EXPECT_TRUE(rejected(s, "keys not increasing at container 2"));
}

TEST(PortableFormatReject, ArrayNotSorted) {
  auto three = [](uint16_t a, uint16_t b, uint16_t c) {
    return Bytes{}.u32(12346).u32(1).u16(0).u16(2).u32(16).u16(a).u16(b).u16(c).s;
  };
  EXPECT_TRUE(valid(three(1, 10, 100)));
  EXPECT_TRUE(rejected(three(1, 100, 10), "array values not strictly increasing"));
  EXPECT_TRUE(rejected(three(1, 10, 10), "array values not strictly increasing"));
  EXPECT_TRUE(rejected(three(7, 7, 7), "array values not strictly increasing"));
  EXPECT_TRUE(rejected(three(65535, 0, 1), "array values not strictly increasing"));
}

TEST(PortableFormatReject, BitsetPopulation) {
  std::string s = even_bitset();
  s[16 + 100] ^= 0x01;  // clear value 800
  EXPECT_TRUE(rejected(s, "bitset population does not match cardinality"));
  s = even_bitset();
  s[16 + 8191] |= static_cast<char>(0x80);  // add value 65535
  EXPECT_TRUE(rejected(s, "bitset population does not match cardinality"));
}

TEST(PortableFormatReject, ContainerTypeFollowsCardinality) {
  // A "bitset" with 4096 bits set is read as an array of 4096 u16 values,
  // and 0xFFFF, 0xFFFF, ... is not increasing.
  Bytes b;
  b.u32(12346).u32(1).u16(0).u16(4095).u32(16);
  std::string bits(8192, '\0');
  std::fill(bits.begin(), bits.begin() + 512, static_cast<char>(0xFF));
  EXPECT_TRUE(rejected(b.s + bits, "array values not strictly increasing"));

  // An "array" of 4097 values is read as an 8192-byte bitset with 2 bytes left.
  Bytes a;
  a.u32(12346).u32(1).u16(0).u16(4096).u32(16);
  for (uint32_t v = 0; v < 4097; ++v) a.u16(static_cast<uint16_t>(v * 3));
  EXPECT_FALSE(valid(a.s));
}

TEST(PortableFormatReject, RunWithoutRuns) {
  std::string s = Bytes{}.u32(12347).u8(0x01).u16(0).u16(0).u16(0).s;
  EXPECT_TRUE(rejected(s, "run container without runs"));
}

TEST(PortableFormatReject, RunPast65535) {
  // start 65535, length 2: covers 65535 and 65536.
  std::string s = Bytes{}.u32(12347).u8(0x01).u16(0).u16(1).u16(1).u16(65535).u16(1).s;
  EXPECT_TRUE(rejected(s, "run extends past 65535"));
  s = Bytes{}.u32(12347).u8(0x01).u16(0).u16(0xFFFF).u16(1).u16(1).u16(0xFFFF).s;
  EXPECT_TRUE(rejected(s, "run extends past 65535"));
}

// Two runs [a, a+la-1] and [b, b+lb-1] in one container of cardinality la+lb.
std::string two_runs(uint16_t a, uint16_t la, uint16_t b, uint16_t lb) {
  return Bytes{}
      .u32(12347)
      .u8(0x01)
      .u16(0)
      .u16(static_cast<uint16_t>(la + lb - 1))
      .u16(2)
      .u16(a)
      .u16(static_cast<uint16_t>(la - 1))
      .u16(b)
      .u16(static_cast<uint16_t>(lb - 1))
      .s;
}

TEST(PortableFormatReject, RunsOrder) {
  EXPECT_TRUE(valid(two_runs(0, 5, 6, 5)));  // [0,4] [6,10]: gap of one
  EXPECT_TRUE(valid(two_runs(0, 1, 65535, 1)));
  EXPECT_TRUE(rejected(two_runs(0, 5, 5, 5), "adjacent"));    // [0,4] [5,9]
  EXPECT_TRUE(rejected(two_runs(0, 5, 4, 5), "overlapping"));  // [0,4] [4,8]
  EXPECT_TRUE(rejected(two_runs(0, 5, 2, 1), "overlapping"));  // inside
  EXPECT_TRUE(rejected(two_runs(10, 5, 0, 5), "not sorted"));  // reversed
  EXPECT_TRUE(rejected(two_runs(3, 1, 3, 1), "overlapping"));  // duplicate
}

TEST(PortableFormatReject, RunCardinality) {
  std::string s = two_runs(0, 5, 6, 5);
  set_u16(s, 7, 8);  // claims 9 values, runs hold 10
  EXPECT_TRUE(rejected(s, "run lengths do not match cardinality"));
  set_u16(s, 7, 10);  // claims 11
  EXPECT_TRUE(rejected(s, "run lengths do not match cardinality"));
}

TEST(PortableFormatReject, Offsets) {
  // Cookie 12346: the offset sits right after the header.
  std::string s = unhex(kArrayHex);
  set_u32(s, 12, 17);
  EXPECT_TRUE(rejected(s, "offset mismatch at container 0"));
  set_u32(s, 12, 0);
  EXPECT_TRUE(rejected(s, "offset mismatch at container 0"));

  // Cookie 12347, n >= 4: every offset counts.
  const uint32_t good[] = {37, 43, 45, 49};
  for (size_t i = 0; i < 4; ++i) {
    s = four_containers();
    set_u32(s, 21 + 4 * i, good[i] + 2);
    EXPECT_TRUE(rejected(s, ("offset mismatch at container " + std::to_string(i)).c_str()));
  }

  // Offsets omitted although n >= 4: the first "offset" is the run container.
  s = four_containers();
  s.erase(21, 16);
  EXPECT_FALSE(valid(s));

  // Offsets written although n < 4 (cookie 12347): they are not expected, so
  // they are read as container bytes and the buffer no longer adds up.
  std::string r = run_5_to_9();
  r.insert(9, Bytes{}.u32(9 + 4).s);
  EXPECT_FALSE(valid(r));
}

TEST(PortableFormatReject, RunFlagPadding) {
  std::string s = run_5_to_9();
  s[4] = static_cast<char>(0x03);  // flag for a nonexistent second container
  EXPECT_TRUE(rejected(s, "bits past the last container"));
}

TEST(PortableFormatReject, TrailingBytes) {
  EXPECT_TRUE(rejected(kEmpty + std::string(1, '\0'), "trailing bytes"));
  EXPECT_TRUE(rejected(unhex(kArrayHex) + "x", "trailing bytes"));
  EXPECT_TRUE(rejected(four_containers() + std::string(4, '\0'), "trailing bytes"));
}

TEST(PortableFormatReject, HeaderCardinalityNeedsHeader) {
  uint64_t card = 0;
  EXPECT_FALSE(pf::header_cardinality(nullptr, 0, &card));
  EXPECT_FALSE(pf::header_cardinality("\x3a\x30", 2, &card));
  std::string s = four_containers().substr(0, 20);  // header cut short
  EXPECT_FALSE(pf::header_cardinality(s.data(), s.size(), &card));
  std::string big = Bytes{}.u32(12346).u32(65537).s;
  EXPECT_FALSE(pf::header_cardinality(big.data(), big.size(), &card));
}

// ---- truncation and extension ----------------------------------------------

std::vector<std::string> samples_for_truncation() {
  std::vector<std::string> out = hand_built_valid();
  Bitmap mixed = of({0, 65535, 65536, 4294967295u});
  for (uint32_t v = 0; v < 6000; ++v) roaring_bitmap_add(mixed.get(), 5 * 65536 + v * 7);
  add_interval(mixed.get(), 9 * 65536 + 100, 9 * 65536 + 300);
  roaring_bitmap_run_optimize(mixed.get());
  out.push_back(serialize(mixed.get()));
  out.push_back(pf::range_bytes(65530, 6 * 65536 + 3));
  return out;
}

TEST(PortableFormatTruncation, EveryPrefixRejected) {
  for (const std::string& s : samples_for_truncation()) {
    ASSERT_TRUE(valid(s)) << hex(s.substr(0, 64));
    for (size_t len = 0; len < s.size(); ++len) {
      std::string prefix = s.substr(0, len);
      ASSERT_FALSE(valid(prefix)) << "prefix " << len << " of " << s.size();
    }
  }
}

TEST(PortableFormatTruncation, EveryAppendedByteRejected) {
  for (const std::string& s : samples_for_truncation()) {
    for (int c = 0; c < 256; ++c) {
      std::string longer = s + static_cast<char>(c);
      ASSERT_TRUE(rejected(longer, "trailing bytes")) << "byte " << c;
    }
  }
}

// ---- CRoaring's own output --------------------------------------------------

// Random bitmaps built to hit each container kind and the edges of chunks
// and of the universe.
Bitmap random_bitmap(std::mt19937_64& rng) {
  Bitmap r = make_bitmap();
  auto pick = [&](uint64_t n) { return rng() % n; };
  const uint32_t edge_keys[] = {0, 1, 2, 32767, 32768, 65534, 65535};
  int chunks = static_cast<int>(pick(5));
  std::vector<uint32_t> v;
  for (int c = 0; c < chunks; ++c) {
    uint32_t key = pick(2) ? edge_keys[pick(7)] : static_cast<uint32_t>(pick(65536));
    uint64_t base = uint64_t{key} << 16;
    v.clear();
    switch (pick(6)) {
      case 0:  // sparse array, often touching the chunk's ends
        for (uint64_t i = 0, k = 1 + pick(40); i < k; ++i) v.push_back(base + pick(65536));
        if (pick(2)) v.push_back(base);
        if (pick(2)) v.push_back(base + 65535);
        break;
      case 1:  // exactly 4096 or 4097 values: the array/bitset boundary
        for (uint32_t i = 0, k = 4096 + static_cast<uint32_t>(pick(2)); i < k; ++i)
          v.push_back(static_cast<uint32_t>(base + i * 16));
        break;
      case 2:  // dense bitset
        for (uint64_t i = 0, k = 4097 + pick(12000); i < k; ++i) v.push_back(base + pick(65536));
        break;
      case 3:  // a few intervals, which run_optimize turns into runs
        for (uint64_t i = 0, k = 1 + pick(6); i < k; ++i) {
          uint64_t lo = pick(65536), len = 1 + pick(pick(2) ? 20 : 9000);
          for (uint64_t x = lo; x < std::min<uint64_t>(lo + len, 65536); ++x) v.push_back(base + x);
        }
        break;
      case 4:  // full chunk or nearly
        for (uint64_t x = pick(3); x < 65536 - pick(3); ++x) v.push_back(base + x);
        break;
      default:  // straddle a chunk boundary
        for (uint64_t x = 65536 - 1 - pick(300); x < 65536 + pick(300); ++x) {
          uint64_t val = base + x;
          if (val < kUniverse) v.push_back(static_cast<uint32_t>(val));
        }
        break;
    }
    roaring_bitmap_add_many(r.get(), v.size(), v.data());
  }
  if (pick(3) == 0) {
    const uint32_t extremes[] = {0, 65535, 65536, 131071, 4294901760u, 4294967295u};
    roaring_bitmap_add(r.get(), extremes[pick(6)]);
  }
  if (pick(4) == 0) {  // removals shrink containers across type boundaries
    uint32_t removes = static_cast<uint32_t>(pick(600));
    for (uint32_t i = 0; i < removes && !roaring_bitmap_is_empty(r.get()); ++i) {
      uint32_t target;
      if (roaring_bitmap_select(r.get(), static_cast<uint32_t>(pick(roaring_bitmap_get_cardinality(r.get()))), &target))
        roaring_bitmap_remove(r.get(), target);
    }
  }
  if (pick(2)) roaring_bitmap_run_optimize(r.get());
  return r;
}

TEST(PortableFormatCRoaring, RandomBitmapsValidate) {
  std::mt19937_64 rng(20240601);
  int with_runs = 0, bitsets = 0;
  for (int i = 0; i < 2000; ++i) {
    Bitmap r = random_bitmap(rng);
    std::string s = serialize(r.get());
    std::string why;
    ASSERT_TRUE(valid(s, &why)) << "bitmap " << i << ": " << why;
    ASSERT_EQ(header_card(s), roaring_bitmap_get_cardinality(r.get()));
    if ((s[0] | s[1] << 8) == 12347) ++with_runs;
    if (s.size() > 8192) ++bitsets;
  }
  // The generator must actually reach both shapes it is meant to cover.
  EXPECT_GT(with_runs, 300);
  EXPECT_GT(bitsets, 300);
}

// Results of CRoaring's set operations, whose run-container code paths differ
// from run_optimize's.
TEST(PortableFormatCRoaring, SetOperationResultsValidate) {
  std::mt19937_64 rng(77);
  for (int i = 0; i < 400; ++i) {
    Bitmap a = random_bitmap(rng), b = random_bitmap(rng);
    Bitmap results[] = {Bitmap(roaring_bitmap_or(a.get(), b.get())),
                        Bitmap(roaring_bitmap_and(a.get(), b.get())),
                        Bitmap(roaring_bitmap_xor(a.get(), b.get())),
                        Bitmap(roaring_bitmap_andnot(a.get(), b.get()))};
    for (const Bitmap& r : results) {
      std::string s = serialize(r.get());
      std::string why;
      ASSERT_TRUE(valid(s, &why)) << "pair " << i << ": " << why;
      ASSERT_EQ(header_card(s), roaring_bitmap_get_cardinality(r.get()));
    }
  }
}

// ---- mutation fuzz ------------------------------------------------------------

TEST(PortableFormatFuzz, RandomByteFlips) {
  std::mt19937_64 rng(4242);
  int accepted = 0, tried = 0;
  for (int i = 0; i < 300; ++i) {
    Bitmap r = random_bitmap(rng);
    const std::string original = serialize(r.get());
    for (int m = 0; m < 60; ++m) {
      std::string s = original;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        // Half the time aim at the header, where a flip changes the structure.
        size_t limit = (rng() % 2) ? std::min<size_t>(s.size(), 64) : s.size();
        s[rng() % limit] ^= static_cast<char>(1 + rng() % 255);
      }
      ++tried;
      if (valid(s)) {
        ++accepted;
        ASSERT_TRUE(truly_well_formed(s)) << "mutation of bitmap " << i;
      }
    }
  }
  // Some flips (inside array values, say) leave a valid bitmap behind; if none
  // did, this test would be checking nothing.
  EXPECT_GT(accepted, 100) << "of " << tried;
}

TEST(PortableFormatFuzz, EverySingleByteOfSmallInputs) {
  int accepted = 0;
  // (full_chunk() is left out: every accepted variant would be walked value
  // by value, 65536 at a time.)
  std::vector<std::string> inputs = {unhex(kArrayHex), run_5_to_9(), four_containers(), kEmpty, two_runs(0, 5, 6, 5),
                                     pf::range_bytes(65530, 4 * 65536 + 3)};
  for (const std::string& original : inputs) {
    for (size_t at = 0; at < original.size(); ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string s = original;
        s[at] = static_cast<char>(c);
        if (s == original || !valid(s)) continue;
        ++accepted;
        ASSERT_TRUE(truly_well_formed(s)) << hex(s);
      }
    }
  }
  EXPECT_GT(accepted, 0);
}

TEST(PortableFormatFuzz, RandomGarbageBehindValidCookies) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    switch (rng() % 3) {
      case 0: s = Bytes{}.u32(12346).u32(static_cast<uint32_t>(rng() % 5)).s; break;
      case 1: s = Bytes{}.u32(12347 | static_cast<uint32_t>(rng() % 5) << 16).s; break;
      default: break;
    }
    for (size_t k = rng() % 48; k > 0; --k) s.push_back(static_cast<char>(rng() % 4 ? rng() % 8 : rng()));
    if (valid(s)) {
      ASSERT_TRUE(truly_well_formed(s)) << hex(s);
    }
  }
}

// ---- range_bytes ------------------------------------------------------------

size_t expected_range_size(uint64_t start, uint64_t end) {
  if (start >= end) return 8;
  size_t n = ((end - 1) >> 16) - (start >> 16) + 1;
  return 4 + (n + 7) / 8 + 4 * n + (n >= 4 ? 4 * n : 0) + 6 * n;
}

// Checks range_bytes(start, end) against the obvious description of [start, end).
void check_range(uint64_t start, uint64_t end) {
  SCOPED_TRACE("range [" + std::to_string(start) + ", " + std::to_string(end) + ")");
  std::string s = pf::range_bytes(start, end);
  std::string why;
  ASSERT_TRUE(valid(s, &why)) << why;
  ASSERT_EQ(s.size(), expected_range_size(start, end));
  const uint64_t card = start < end ? end - start : 0;
  EXPECT_EQ(header_card(s), card);
  if (card == 0) {
    EXPECT_EQ(s, kEmpty);
    return;
  }
  EXPECT_EQ(static_cast<uint8_t>(s[0]) | static_cast<uint8_t>(s[1]) << 8, 12347);
  Bitmap r = deserialize(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(roaring_bitmap_get_cardinality(r.get()), card);
  EXPECT_EQ(roaring_bitmap_minimum(r.get()), start);
  EXPECT_EQ(roaring_bitmap_maximum(r.get()), end - 1);
  // Membership just inside and outside both ends and at every chunk edge near them.
  for (uint64_t probe : {start - 1, start, start + 1, end - 2, end - 1, end, end + 1,
                         (start | 0xFFFF), (start | 0xFFFF) + 1, (end & ~uint64_t{0xFFFF}),
                         (end & ~uint64_t{0xFFFF}) - 1}) {
    if (probe >= kUniverse) continue;  // includes start - 1 wrapping from 0
    EXPECT_EQ(roaring_bitmap_contains(r.get(), static_cast<uint32_t>(probe)),
              probe >= start && probe < end)
        << "probe " << probe;
  }
  // For ranges small enough to spell out, the set must equal the naive one.
  if (card <= 300000) {
    Bitmap naive = make_bitmap();
    add_interval(naive.get(), start, end - 1);
    EXPECT_TRUE(roaring_bitmap_equals(r.get(), naive.get()));
    // Walks every value, hence only here.
    EXPECT_TRUE(truly_well_formed(s));
  }
}

TEST(PortableFormatRange, HandWritten) {
  EXPECT_EQ(pf::range_bytes(5, 10), run_5_to_9());
  EXPECT_EQ(pf::range_bytes(0, 65536), full_chunk());
  // [65535, 65537): {65535} in key 0 and {0} in key 1, no offsets (n = 2).
  EXPECT_EQ(hex(pf::range_bytes(65535, 65537)),
            hex(Bytes{}
                    .u32(12347 | 1u << 16)
                    .u8(0x03)
                    .u16(0).u16(0).u16(1).u16(0)
                    .u16(1).u16(65535).u16(0)
                    .u16(1).u16(0).u16(0)
                    .s));
}

TEST(PortableFormatRange, EmptyAndClamped) {
  EXPECT_EQ(pf::range_bytes(0, 0), kEmpty);
  EXPECT_EQ(pf::range_bytes(7, 7), kEmpty);
  EXPECT_EQ(pf::range_bytes(10, 5), kEmpty);
  EXPECT_EQ(pf::range_bytes(kUniverse, kUniverse), kEmpty);
  EXPECT_EQ(pf::range_bytes(kUniverse + 1, kUniverse * 2), kEmpty);
  EXPECT_EQ(pf::range_bytes(~uint64_t{0}, ~uint64_t{0}), kEmpty);
  EXPECT_EQ(pf::range_bytes(5, kUniverse + 7), pf::range_bytes(5, kUniverse));
  EXPECT_EQ(pf::range_bytes(kUniverse - 1, ~uint64_t{0}), pf::range_bytes(kUniverse - 1, kUniverse));
}

TEST(PortableFormatRange, InterestingPointsPairwise) {
  const uint64_t points[] = {0,          1,          2,          65534,      65535,
                             65536,      65537,      131071,     131072,     196608,
                             262144 + 5, kUniverse / 2, kUniverse - 65537, kUniverse - 65536,
                             kUniverse - 2, kUniverse - 1, kUniverse};
  for (uint64_t a : points)
    for (uint64_t b : points) check_range(a, b);
}

TEST(PortableFormatRange, RandomRanges) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 300; ++i) {
    uint64_t a, b;
    switch (i % 3) {
      case 0:  // anywhere
        a = rng() % (kUniverse + 1);
        b = rng() % (kUniverse + 1);
        break;
      case 1:  // short, so the naive oracle is spelled out
        a = rng() % (kUniverse + 1);
        b = a + rng() % 200000;
        break;
      default:  // snapped near chunk edges
        a = ((rng() % 65537) << 16) + rng() % 3 - 1;
        b = a + ((rng() % 8) << 16) + rng() % 3;
        break;
    }
    a = std::min(a, kUniverse);
    b = std::min(b, kUniverse);
    check_range(a, b);
    if (HasFatalFailure()) return;
  }
}

// Where every container holds enough values that CRoaring also picks run
// containers, our bytes are exactly CRoaring's.
TEST(PortableFormatRange, SameBytesAsCRoaringRunOptimize) {
  const std::pair<uint64_t, uint64_t> ranges[] = {
      {5, 10}, {0, 65536}, {100, 300000}, {65530, 6 * 65536 + 3}, {kUniverse - 200000, kUniverse}};
  for (auto [a, b] : ranges) {
    Bitmap r = make_bitmap();
    add_interval(r.get(), a, b - 1);
    roaring_bitmap_run_optimize(r.get());
    EXPECT_EQ(hex(serialize(r.get())), hex(pf::range_bytes(a, b))) << a << ".." << b;
  }
}

}  // namespace
