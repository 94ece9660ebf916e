// Module entry: PG_MODULE_MAGIC, _PG_init and the extension's settings.
#include "cdp/pg/bridge.h"
#include "cdp/pg/settings.h"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

int cdp_rbitmap_output = cdp::pg::kRbitmapOutputArray;

static const struct config_enum_entry rbitmap_output_options[] = {
    {"array", cdp::pg::kRbitmapOutputArray, false},
    {"binary", cdp::pg::kRbitmapOutputBinary, false},
    {nullptr, 0, false}};

void _PG_init(void);

// Plain C: defines settings only; nothing here holds a C++ object.
void _PG_init(void) {
  DefineCustomEnumVariable(
      "cdp.rbitmap_output",
      "Text form used to print rbitmap values.",
      "array prints {1,2,3} (elements as int4, in unsigned order); binary "
      "prints \\x followed by the hex of the portable Roaring serialization. "
      "Input accepts both forms whatever this setting.",
      &cdp_rbitmap_output, cdp::pg::kRbitmapOutputArray, rbitmap_output_options,
      PGC_USERSET, 0, nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("cdp");
}
}
