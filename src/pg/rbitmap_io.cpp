// rbitmap type I/O: text in/out, binary recv/send, bytea casts.
//
// Bytes that arrive from outside are validated in full (portable::validate)
// and then stored exactly as received: a valid portable serialization is
// already our on-disk form, so there is nothing to re-encode.
#include <cstdint>
#include <string>
#include <string_view>

#include "cdp/core/bitmap.h"
#include "cdp/core/bitmap_text.h"
#include "cdp/core/error.h"
#include "cdp/core/portable_format.h"
#include "cdp/pg/rbitmap_datum.h"
#include "cdp/pg/settings.h"

extern "C" {
#include "lib/stringinfo.h"
}

namespace {

using cdp::core::Bitmap;
using namespace cdp::pg;

// Throws the 22P02 error for bytes that are not one valid bitmap.
void validate_or_throw(std::string_view bytes) {
  std::string why;
  if (!cdp::core::portable::validate(bytes.data(), bytes.size(), &why))
    throw cdp::core::Error(
        cdp::core::sqlstate::kInvalidTextRepresentation,
        "invalid rbitmap value", why,
        "rbitmap bytes must be one bitmap in the portable Roaring format, "
        "with nothing after it.");
}

// The {..} text of a huge bitmap can exceed what a cstring may hold (1 GB):
// refuse it before building gigabytes of text. An element takes 2 to 12
// bytes ("0," .. "-2147483648,"), so only sizes in between need counting.
void check_array_text_fits(const Bitmap& b) {
  constexpr uint64_t kMaxText = MaxAllocSize - 1;  // room for the NUL
  const uint64_t n = b.cardinality();
  if (n <= (kMaxText - 2) / 12) return;
  uint64_t len = 1;  // "{" and "}", minus the comma after the last element
  if (n <= kMaxText / 2)
    b.for_each([&len](uint32_t v) {
      const bool negative = static_cast<int32_t>(v) < 0;
      uint64_t digits = negative ? 2 : 1;
      for (uint32_t a = negative ? 0u - v : v; a >= 10; a /= 10) ++digits;
      len += digits + 1;
      return len <= kMaxText;
    });
  if (n > kMaxText / 2 || len > kMaxText)
    throw cdp::core::Error(
        cdp::core::sqlstate::kProgramLimitExceeded,
        "rbitmap too large for its array text form",
        "It has " + std::to_string(n) + " elements; the text would exceed 1 GB.",
        "Print it with cdp.rbitmap_output = binary, or use rb_iterate() or rb_select().");
}

}  // namespace

CDP_FUNCTION(cdp_rbitmap_in) {
  const char* text = PG_GETARG_CSTRING(0);
  Bitmap b = cdp::core::parse_bitmap_text(text);
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rbitmap_out) {
  Bitmap b = arg_bitmap(fcinfo, 0);
  if (cdp_rbitmap_output != kRbitmapOutputBinary) check_array_text_fits(b);
  const std::string s = cdp_rbitmap_output == kRbitmapOutputBinary
                            ? cdp::core::format_bitmap_hex(b)
                            : cdp::core::format_bitmap_array(b);
  PG_RETURN_CSTRING(pstrdup_view(s));
}

CDP_FUNCTION(cdp_rbitmap_recv) {
  auto* buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
  const std::string_view bytes(buf->data + buf->cursor,
                               static_cast<size_t>(buf->len - buf->cursor));
  validate_or_throw(bytes);
  buf->cursor = buf->len;
  return varlena_datum(bytes);
}

CDP_FUNCTION(cdp_rbitmap_send) {
  // The stored bytes are the portable serialization: send them as they are.
  return varlena_datum(arg_bytes(fcinfo, 0));
}

CDP_FUNCTION(cdp_rbitmap_from_bytea) {
  const std::string_view bytes = arg_bytes(fcinfo, 0);
  validate_or_throw(bytes);
  return varlena_datum(bytes);
}

CDP_FUNCTION(cdp_rbitmap_to_bytea) { return varlena_datum(arg_bytes(fcinfo, 0)); }
