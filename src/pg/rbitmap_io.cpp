// rbitmap type I/O: text in/out, binary recv/send, bytea casts.
//
// Bytes that arrive from outside are validated in full (portable::validate)
// and then stored exactly as received: a valid portable serialization is
// already our on-disk form, so there is nothing to re-encode.
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

}  // namespace

CDP_FUNCTION(cdp_rbitmap_in) {
  const char* text = PG_GETARG_CSTRING(0);
  Bitmap b = cdp::core::parse_bitmap_text(text);
  return bitmap_datum(b);
}

CDP_FUNCTION(cdp_rbitmap_out) {
  Bitmap b = arg_bitmap(fcinfo, 0);
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
