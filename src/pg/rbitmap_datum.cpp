#include "cdp/pg/rbitmap_datum.h"

#include <cstring>

namespace cdp::pg {

std::string_view arg_bytes(FunctionCallInfo fcinfo, int n) {
  Datum d = PG_GETARG_DATUM(n);
  auto* raw = reinterpret_cast<struct varlena*>(DatumGetPointer(d));
  // Inline values (the common case: short texts, constants) need no
  // detoasting and no error guard.
  if (!VARATT_IS_EXTERNAL(raw) && !VARATT_IS_COMPRESSED(raw))
    return {VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw)};
  struct varlena* v = call([d] {
    return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d)));
  });
  return {VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)};
}

core::Bitmap arg_bitmap(FunctionCallInfo fcinfo, int n) {
  const std::string_view b = arg_bytes(fcinfo, n);
  return core::Bitmap::deserialize_trusted(b.data(), b.size());
}

Datum bitmap_datum(const core::Bitmap& b) {
  const size_t size = b.serialized_size();
  auto* v = static_cast<struct varlena*>(alloc(VARHDRSZ + size));
  b.serialize_into(VARDATA(v));
  SET_VARSIZE(v, VARHDRSZ + size);
  return PointerGetDatum(v);
}

Datum varlena_datum(std::string_view bytes) {
  auto* v = static_cast<struct varlena*>(alloc(VARHDRSZ + bytes.size()));
  if (!bytes.empty()) std::memcpy(VARDATA(v), bytes.data(), bytes.size());
  SET_VARSIZE(v, VARHDRSZ + bytes.size());
  return PointerGetDatum(v);
}

char* pstrdup_view(std::string_view s) {
  auto* out = static_cast<char*>(alloc(s.size() + 1));
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

}  // namespace cdp::pg
