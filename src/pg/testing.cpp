// Test hooks for the C++/PostgreSQL bridge. They are exported by the shared
// library but NOT created by CREATE EXTENSION: sql/bridge.sql declares them
// itself, so users never see them.
#include <stdexcept>
#include <string>

#include "cdp/core/error.h"
#include "cdp/pg/bridge.h"

extern "C" {
#include "utils/builtins.h"
}

namespace {
// An object with a destructor that must run when the reverse guard turns a
// PostgreSQL error into a C++ exception.
struct Tracked {
  std::string name;
  explicit Tracked(std::string n) : name(std::move(n)) {}
};
}  // namespace

// cdp_test_raise(kind text) -> text: raises the error named by kind.
CDP_FUNCTION(cdp_test_raise) {
  const std::string kind =
      cdp::pg::call([fcinfo] { return text_to_cstring(PG_GETARG_TEXT_PP(0)); });
  if (kind == "core")
    throw cdp::core::Error(cdp::core::sqlstate::kInvalidParameterValue,
                           "test error from the C++ core", "some detail",
                           "some hint");
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "std") throw std::runtime_error("test std::runtime_error");
  if (kind == "unknown") throw 42;
  if (kind == "pg") {
    // A C++ object is alive while PostgreSQL raises: the reverse guard
    // turns the longjmp into an exception so ~Tracked runs.
    Tracked alive("alive during a PostgreSQL error");
    cdp::pg::call([] {
      ereport(ERROR, (errcode(ERRCODE_DIVISION_BY_ZERO),
                      errmsg("test PostgreSQL error through the reverse guard")));
    });
    return 0;
  }
  if (kind == "context") {
    // An object tied to the per-call memory context, then an error: the
    // context reset must destroy it (checked with cdp_test_live_objects()).
    cdp::pg::make_in_context<Tracked>(CurrentMemoryContext, "leak check");
    throw cdp::core::Error(cdp::core::sqlstate::kInvalidParameterValue,
                           "test error with a context-owned object alive");
  }
  if (kind == "none") PG_RETURN_TEXT_P(cdp::pg::call([] { return cstring_to_text("ok"); }));
  throw cdp::core::Error(cdp::core::sqlstate::kInvalidParameterValue,
                         "unknown test error kind \"" + kind + "\"");
}

// cdp_test_live_objects() -> bigint: C++ objects owned by memory contexts
// that are still alive in this backend.
CDP_FUNCTION(cdp_test_live_objects) {
  PG_RETURN_INT64(cdp::pg::live_context_objects());
}
