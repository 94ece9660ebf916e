// Moving rbitmap values between PostgreSQL datums and cdp::core::Bitmap.
// An rbitmap datum is a varlena holding exactly one bitmap in the portable
// Roaring format (the same bytes as its bytea cast and binary send/recv).
#pragma once

#include <cstddef>
#include <string_view>

#include "cdp/core/bitmap.h"
#include "cdp/pg/bridge.h"

namespace cdp::pg {

// The detoasted payload of varlena argument n (packed headers allowed).
std::string_view arg_bytes(FunctionCallInfo fcinfo, int n);

// Argument n as a Bitmap. Stored rbitmap datums were written by this
// extension, so they are only bounds-checked here (full validation happens
// where bytes enter: input, recv, bytea cast, aggregate deserialize).
core::Bitmap arg_bitmap(FunctionCallInfo fcinfo, int n);

// A new rbitmap datum holding b (palloc'd in the current memory context).
Datum bitmap_datum(const core::Bitmap& b);

// A new varlena (rbitmap or bytea) holding a copy of bytes.
Datum varlena_datum(std::string_view bytes);

// A palloc'd C string copy (for type output functions).
char* pstrdup_view(std::string_view s);

}  // namespace cdp::pg
