// Reader/checker and writer for the portable Roaring format, independent of
// CRoaring. See include/cdp/core/portable_format.h for the layout and the
// exact contract.
//
// The validator works on a bounds-checked cursor: every read states how many
// bytes it needs and fails cleanly when they are not there, so no input can
// make it read outside [data, data+size). It never allocates (apart from the
// reason string), so a huge container count in the header costs nothing
// before it has been checked against `size`.
#include "cdp/core/portable_format.h"

#include <algorithm>
#include <cstring>

namespace cdp::core::portable {
namespace {


uint16_t load16(const unsigned char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);  // x86_64 is little endian, like the format
  return v;
}

uint32_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void put16(std::string& out, uint16_t v) {
  char b[2];
  std::memcpy(b, &v, sizeof b);
  out.append(b, sizeof b);
}

void put32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, sizeof b);
  out.append(b, sizeof b);
}

bool fail(std::string* why, std::string reason) {
  if (why) *why = std::move(reason);
  return false;
}

bool fail_at(std::string* why, const char* what, size_t container) {
  return fail(why, std::string(what) + " at container " + std::to_string(container));
}

// Checks one array container of `card` (1..4096) values at p.
bool check_array(const unsigned char* p, uint32_t card, size_t i, std::string* why) {
  uint16_t prev = load16(p);
  for (uint32_t j = 1; j < card; ++j) {
    uint16_t v = load16(p + 2 * j);
    if (v <= prev) return fail_at(why, "array values not strictly increasing", i);
    prev = v;
  }
  return true;
}

// Bits set in one 8 KB bitset container. Debian builds for baseline x86-64,
// where __builtin_popcountll is a bit-twiddling sequence; the POPCNT
// instruction makes validating a dense bitmap about 9x faster, so it is used
// when the CPU has it (every x86-64 CPU of the last 15 years does).
template <class Word>
inline __attribute__((always_inline)) uint64_t count_bits(const unsigned char* p) {
  uint64_t bits = 0;
  for (size_t w = 0; w < kBitsetBytes / 8; ++w) {
    Word word;
    std::memcpy(&word, p + 8 * w, sizeof word);
    bits += static_cast<uint64_t>(__builtin_popcountll(word));
  }
  return bits;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) uint64_t count_bits_popcnt(const unsigned char* p) {
  return count_bits<uint64_t>(p);
}
// Runs during static initialization, hence the explicit cpu_init.
const bool kHasPopcnt = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("popcnt") != 0;
}();
uint64_t bitset_population(const unsigned char* p) {
  return kHasPopcnt ? count_bits_popcnt(p) : count_bits<uint64_t>(p);
}
#else
uint64_t bitset_population(const unsigned char* p) { return count_bits<uint64_t>(p); }
#endif

// Checks one bitset container: its popcount must equal the stored cardinality,
// because CRoaring trusts the stored number.
bool check_bitset(const unsigned char* p, uint32_t card, size_t i, std::string* why) {
  if (bitset_population(p) != card)
    return fail_at(why, "bitset population does not match cardinality", i);
  return true;
}

// Checks `nruns` runs at p (the run count itself already consumed).
bool check_runs(const unsigned char* p, uint32_t nruns, uint32_t card, size_t i,
                std::string* why) {
  uint64_t total = 0;
  int64_t prev_end = -2;  // so that a first run starting at 0 is "not adjacent"
  for (uint32_t r = 0; r < nruns; ++r) {
    uint32_t start = load16(p + 4 * r);
    uint32_t len_minus_1 = load16(p + 4 * r + 2);
    uint32_t end = start + len_minus_1;
    if (end > 0xFFFF) return fail_at(why, "run extends past 65535", i);
    // Overlapping or touching runs are not canonical and CRoaring's run
    // algorithms assume they never occur.
    if (static_cast<int64_t>(start) <= prev_end + 1)
      return fail_at(why, "runs not sorted or overlapping or adjacent", i);
    prev_end = end;
    total += len_minus_1 + 1;
  }
  if (total != card) return fail_at(why, "run lengths do not match cardinality", i);
  return true;
}

}  // namespace

bool validate(const char* data, size_t size, std::string* why) {
  const auto* base = reinterpret_cast<const unsigned char*>(data);
  if (data == nullptr && size != 0) return fail(why, "null buffer");
  if (size < 4) return fail(why, "truncated cookie");

  const uint32_t cookie = load32(base);
  size_t pos = 4;
  size_t n;
  bool has_run_flags;
  if ((cookie & 0xFFFF) == kCookieRun) {
    n = (cookie >> 16) + 1;  // 1..65536 by construction
    has_run_flags = true;
  } else if (cookie == kCookieNoRun) {
    if (size - pos < 4) return fail(why, "truncated container count");
    n = load32(base + pos);
    pos += 4;
    if (n > kMaxContainers) return fail(why, "too many containers");
    has_run_flags = false;
  } else {
    return fail(why, "unknown cookie");
  }

  const unsigned char* run_flags = nullptr;
  if (has_run_flags) {
    const size_t flag_bytes = (n + 7) / 8;
    if (size - pos < flag_bytes) return fail(why, "truncated run container bitset");
    run_flags = base + pos;
    pos += flag_bytes;
    // Bits past the last container carry no meaning; CRoaring writes zeros,
    // so anything else is not a canonical serialization.
    if (n % 8 != 0 && (run_flags[flag_bytes - 1] >> (n % 8)) != 0)
      return fail(why, "run container bitset has bits past the last container");
  }

  // n <= 65536, so these products cannot overflow size_t.
  if (size - pos < 4 * n) return fail(why, "truncated descriptive header");
  const unsigned char* header = base + pos;
  pos += 4 * n;

  const unsigned char* offsets = nullptr;
  if (!has_run_flags || n >= kNoOffsetThreshold) {
    if (size - pos < 4 * n) return fail(why, "truncated offset header");
    offsets = base + pos;
    pos += 4 * n;
  }

  int32_t prev_key = -1;
  for (size_t i = 0; i < n; ++i) {
    const int32_t key = load16(header + 4 * i);
    if (key <= prev_key) return fail_at(why, "keys not increasing", i);
    prev_key = key;
    const uint32_t card = uint32_t{load16(header + 4 * i + 2)} + 1;

    if (offsets && load32(offsets + 4 * i) != pos)
      return fail_at(why, "offset mismatch", i);

    // The reader decides the container type exactly like the spec does:
    // run flag first, then the cardinality picks array or bitset.
    const bool is_run = run_flags && ((run_flags[i / 8] >> (i % 8)) & 1);
    if (is_run) {
      if (size - pos < 2) return fail_at(why, "truncated run container", i);
      const uint32_t nruns = load16(base + pos);
      pos += 2;
      if (nruns == 0) return fail_at(why, "run container without runs", i);
      if (size - pos < 4 * size_t{nruns}) return fail_at(why, "truncated run container", i);
      if (!check_runs(base + pos, nruns, card, i, why)) return false;
      pos += 4 * size_t{nruns};
    } else if (card <= kMaxArrayCardinality) {
      if (size - pos < 2 * size_t{card}) return fail_at(why, "truncated array container", i);
      if (!check_array(base + pos, card, i, why)) return false;
      pos += 2 * size_t{card};
    } else {
      if (size - pos < kBitsetBytes) return fail_at(why, "truncated bitset container", i);
      if (!check_bitset(base + pos, card, i, why)) return false;
      pos += kBitsetBytes;
    }
  }

  if (pos != size) return fail(why, "trailing bytes after last container");
  return true;
}

size_t cardinality_header_bytes(const char* data, size_t size) {
  const auto* base = reinterpret_cast<const unsigned char*>(data);
  if (data == nullptr || size < 4) return 0;
  const uint32_t cookie = load32(base);
  if ((cookie & 0xFFFF) == kCookieRun) {
    const size_t n = (cookie >> 16) + 1;
    return 4 + (n + 7) / 8 + 4 * n;
  }
  if (cookie == kCookieNoRun) {
    if (size < 8) return 0;
    const size_t n = load32(base + 4);
    if (n > kMaxContainers) return 0;
    return 8 + 4 * n;
  }
  return 0;
}

bool header_cardinality(const char* data, size_t size, uint64_t* out) {
  const auto* base = reinterpret_cast<const unsigned char*>(data);
  if (data == nullptr || size < 4) return false;
  const uint32_t cookie = load32(base);
  size_t pos = 4;
  size_t n;
  if ((cookie & 0xFFFF) == kCookieRun) {
    n = (cookie >> 16) + 1;
    pos += (n + 7) / 8;
  } else if (cookie == kCookieNoRun) {
    if (size - pos < 4) return false;
    n = load32(base + pos);
    pos += 4;
    if (n > kMaxContainers) return false;
  } else {
    return false;
  }
  if (pos > size || size - pos < 4 * n) return false;

  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) total += uint64_t{load16(base + pos + 4 * i + 2)} + 1;
  *out = total;
  return true;
}

std::string range_bytes(uint64_t start, uint64_t end) {
  constexpr uint64_t kUniverse = uint64_t{1} << 32;
  end = std::min(end, kUniverse);
  std::string out;
  if (start >= end) {
    // The same 8 bytes CRoaring writes for an empty bitmap.
    put32(out, kCookieNoRun);
    put32(out, 0);
    return out;
  }

  const uint64_t last = end - 1;  // inclusive, < 2^32
  const uint32_t first_key = static_cast<uint32_t>(start >> 16);
  const uint32_t last_key = static_cast<uint32_t>(last >> 16);
  const size_t n = last_key - first_key + 1;  // 1..65536
  const size_t flag_bytes = (n + 7) / 8;
  const bool with_offsets = n >= kNoOffsetThreshold;
  constexpr size_t kRunContainerBytes = 2 + 4;  // one run per container

  const size_t header_bytes = 4 + flag_bytes + 4 * n + (with_offsets ? 4 * n : 0);
  out.reserve(header_bytes + kRunContainerBytes * n);

  put32(out, kCookieRun | static_cast<uint32_t>(n - 1) << 16);
  // Every container is a run container: all n flag bits set, padding clear.
  out.append(n / 8, static_cast<char>(0xFF));
  if (n % 8 != 0) out.push_back(static_cast<char>((1u << (n % 8)) - 1));

  // Within container k the run is [lo, hi]; only the first and the last
  // container can be partial.
  auto lo = [&](uint32_t key) -> uint16_t {
    return key == first_key ? static_cast<uint16_t>(start & 0xFFFF) : 0;
  };
  auto hi = [&](uint32_t key) -> uint16_t {
    return key == last_key ? static_cast<uint16_t>(last & 0xFFFF) : 0xFFFF;
  };

  for (uint32_t key = first_key; key <= last_key; ++key) {
    put16(out, static_cast<uint16_t>(key));
    put16(out, static_cast<uint16_t>(hi(key) - lo(key)));  // cardinality - 1
  }
  if (with_offsets) {
    for (size_t i = 0; i < n; ++i)
      put32(out, static_cast<uint32_t>(header_bytes + kRunContainerBytes * i));
  }
  for (uint32_t key = first_key; key <= last_key; ++key) {
    put16(out, 1);  // number of runs
    put16(out, lo(key));
    put16(out, static_cast<uint16_t>(hi(key) - lo(key)));  // length - 1
  }
  return out;
}

}  // namespace cdp::core::portable
