// A small bounds-checked byte codec for the portable aggregate states of the
// core (retention.cpp, session.cpp): little-endian fixed-width integers and
// LEB128 varints (canonical, at most 10 bytes). Reading past the end, or a
// malformed varint, throws 22P02 "invalid <what> state" with a DETAIL.
// No PostgreSQL.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string>

namespace cdp::core::byte_codec {

inline void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}

inline void put_u32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}

inline void put_varint(std::string& out, uint64_t v) {
  char b[10];
  int n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, n);
}

// Throws 22P02 "invalid <what> state" with DETAIL `detail`.
[[noreturn]] void malformed(const char* what, const std::string& detail);

// Reads [p, end); `what` names the state in errors.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  const char* what;

  size_t left() const { return static_cast<size_t>(end - p); }
  uint8_t u8() {
    if (p == end) malformed(what, "truncated state");
    return *p++;
  }
  uint64_t u64() {
    if (left() < 8) malformed(what, "truncated state");
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{p[i]} << (8 * i);
    p += 8;
    return v;
  }
  uint32_t u32() {
    if (left() < 4) malformed(what, "truncated state");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{p[i]} << (8 * i);
    p += 4;
    return v;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int i = 0; i < 10; ++i) {
      const uint8_t b = u8();
      if (i == 9 && b > 1) malformed(what, "varint overflows 64 bits");
      v |= uint64_t{b & 0x7Fu} << (7 * i);
      if (!(b & 0x80)) {
        if (b == 0 && i > 0) malformed(what, "non-canonical varint");
        return v;
      }
    }
    malformed(what, "varint longer than 10 bytes");
  }
};

}  // namespace cdp::core::byte_codec
