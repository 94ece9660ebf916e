// Module entry: PG_MODULE_MAGIC, _PG_init and the extension's settings.
#include <malloc.h>

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

bool cdp_malloc_tuning = true;

// CRoaring allocates its containers with malloc, and large detoasted values
// come from malloc too. With glibc's defaults a backend hands multi-megabyte
// blocks back to the kernel after every bitmap query and page-faults them in
// again on the next: that was half the time of a 4-bitmap audience query.
// Keeping up to 32 MB of freed heap (and serving blocks up to 4 MB from it)
// halves it. Only touches malloc when turned on, and undoes it when off.
static void assign_malloc_tuning(bool newval, void* extra) {
  static bool applied = false;
  (void)extra;
  if (newval == applied) return;
  if (newval) {
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  } else {
    // glibc's initial values (its dynamic adjustment stays off once set).
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
  }
  applied = newval;
}

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
  DefineCustomBoolVariable(
      "cdp.malloc_tuning",
      "Keeps freed malloc memory in the backend for bitmap work.",
      "When on, a backend that loaded cdp keeps up to 32 MB of freed heap and "
      "serves blocks up to 4 MB from it instead of returning them to the "
      "kernel, which makes repeated bitmap queries about 2x faster.",
      &cdp_malloc_tuning, true, PGC_USERSET, 0, nullptr, assign_malloc_tuning,
      nullptr);
  MarkGUCPrefixReserved("cdp");
}
}
