// The portable Roaring serialization format, read and written without CRoaring.
//
// Why this exists: Debian's CRoaring 0.2.66 only bounds-checks bytes it
// deserializes; it trusts key order, array sortedness, run overlap and the
// stored cardinalities, so a crafted value could corrupt memory later. Every
// byte string that comes from outside (bytea cast, binary recv, `\x` text,
// serialized aggregate states) is checked here first. The format is
// documented at https://github.com/RoaringBitmap/RoaringFormatSpec.
//
// Layout (all little endian):
//   cookie u32:  12346 (no run containers): then u32 container count n;
//                12347 | (n-1) << 16: then a bitset of ceil(n/8) bytes that
//                marks run containers.
//   n x (u16 key, u16 cardinality-1)             descriptive header
//   n x u32 byte offset of each container        when cookie is 12346, or n >= 4
//   containers: run (u16 nruns, nruns x (u16 start, u16 length-1)),
//               array (cardinality x u16, when cardinality <= 4096),
//               bitset (8192 bytes, when cardinality > 4096).
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string>

namespace cdp::core::portable {

inline constexpr uint32_t kCookieNoRun = 12346;
inline constexpr uint32_t kCookieRun = 12347;
inline constexpr uint32_t kNoOffsetThreshold = 4;
inline constexpr uint32_t kMaxArrayCardinality = 4096;
inline constexpr size_t kBitsetBytes = 8192;
inline constexpr size_t kMaxContainers = 65536;

// Full validation of one serialized bitmap occupying exactly [data, data+size).
// Returns true when the bytes are a canonical, well-formed bitmap:
//   - the header fits and the container count is 1..65536 (or 0 with cookie 12346),
//   - keys strictly increase,
//   - array containers hold exactly `cardinality` strictly increasing values,
//   - bitset containers have cardinality > 4096 and exactly that many bits set,
//   - run containers have >= 1 run, runs sorted, neither overlapping nor
//     touching (start[i] > end[i-1] + 1), no run past 65535, and the run
//     lengths add up to the stored cardinality,
//   - offsets, where present, point exactly at each container,
//   - no byte is left over after the last container.
// On failure, *why (if not null) receives a short English reason suitable for
// an error DETAIL, e.g. "keys not increasing at container 3".
bool validate(const char* data, size_t size, std::string* why = nullptr);

// Total cardinality read from the descriptive header alone (no container is
// decoded). Precondition: validate(data, size) or bytes we serialized ourselves.
// Returns false only if the header itself does not fit.
bool header_cardinality(const char* data, size_t size, uint64_t* out);

// How many leading bytes header_cardinality needs, read from the first 8
// bytes (or fewer when `size` is smaller); 0 when they are not a header.
// Lets the glue fetch only a slice of a large TOASTed value.
size_t cardinality_header_bytes(const char* data, size_t size);

// Serialized bytes of the bitmap holding exactly the integers in
// [start, end), 0 <= start <= end <= 2^32, as one run container per 16-bit
// key. Used to implement rb_fill/rb_clear/rb_range/rb_flip without calling
// CRoaring's range add/remove, which have data-corruption bugs in 0.2.66.
std::string range_bytes(uint64_t start, uint64_t end);

}  // namespace cdp::core::portable
