// Byte codec of the core's portable states; see include/cdp/core/byte_codec.h.
#include "cdp/core/byte_codec.h"

#include <string>

#include "cdp/core/error.h"

namespace cdp::core::byte_codec {

void malformed(const char* what, const std::string& detail) {
  throw Error(sqlstate::kInvalidTextRepresentation, std::string("invalid ") + what + " state",
              detail);
}

}  // namespace cdp::core::byte_codec
