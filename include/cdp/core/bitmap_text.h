// Text forms of an rbitmap: `{1,2,3}` (elements as int4, unsigned order) and
// `\x` + hex of the portable serialization. Pure C++, no PostgreSQL.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <string>
#include <string_view>

#include "cdp/core/bitmap.h"

namespace cdp::core {

// Accepts `{}` / `{v, v, ...}` with int4 values in any order, duplicates and
// white space allowed, or `\x<hex>` holding a portable serialization (fully
// validated). Leading and trailing white space is ignored. Anything else,
// and any value outside int4, throws Error 22P02.
Bitmap parse_bitmap_text(std::string_view text);

// `{...}`: elements in unsigned order, printed as int4 (values >= 2^31 are
// negative and come after the non-negative ones).
std::string format_bitmap_array(const Bitmap& b);

// `\x` + lower-case hex of the portable serialization.
std::string format_bitmap_hex(const Bitmap& b);

// Lower-level helpers, exposed for tests.
std::string hex_encode(std::string_view bytes);
// Returns false on odd length or a non-hex digit.
bool hex_decode(std::string_view hex, std::string* out);

}  // namespace cdp::core
