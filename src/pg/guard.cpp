// The two guards of the C++/PostgreSQL bridge (see include/cdp/pg/bridge.h).
#include <algorithm>
#include <cstring>
#include <exception>
#include <new>

#include "cdp/core/error.h"
#include "cdp/pg/bridge.h"

namespace cdp::pg {

namespace {

long g_live_objects = 0;

// What guarded_call caught, copied into fixed buffers so that raising the
// PostgreSQL error needs no C++ object (and no allocation that could fail
// while an exception is in flight).
struct Caught {
  enum Kind { kNone, kPg, kCore, kOutOfMemory, kStd, kUnknown } kind = kNone;
  ErrorData* pg = nullptr;
  // Left uninitialized on purpose: guarded_call runs for every row of an
  // aggregate, and zero-filling 3 KB per call cost a quarter of
  // rb_build_agg's time. Only the catch paths fill them, and only the
  // fields they fill are read.
  char sqlstate[6];
  char message[1024];
  char detail[1024];
  char hint[1024];
};

// Bounded copy (PostgreSQL's port.h redefines snprintf, so plain memcpy).
void copy_text(char* dst, size_t cap, const char* src) {
  const size_t n = std::min(std::strlen(src), cap - 1);
  std::memcpy(dst, src, n);
  dst[n] = '\0';
}

// Raises the PostgreSQL error for what was caught. Called with no C++
// exception in flight and no C++ object alive in any frame between here and
// the entry point, so the longjmp skips nothing.
[[noreturn]] pg_noinline void raise_caught(const Caught& c) {
  switch (c.kind) {
    case Caught::kPg:
      ReThrowError(c.pg);
    case Caught::kCore:
      ereport(ERROR,
              (errcode(MAKE_SQLSTATE(c.sqlstate[0], c.sqlstate[1], c.sqlstate[2],
                                     c.sqlstate[3], c.sqlstate[4])),
               errmsg_internal("%s", c.message),
               c.detail[0] ? errdetail_internal("%s", c.detail) : 0,
               c.hint[0] ? errhint("%s", c.hint) : 0));
      break;
    case Caught::kOutOfMemory:
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory"),
                      errdetail("A C++ allocation in the cdp extension failed.")));
      break;
    case Caught::kStd:
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("internal error in the cdp extension: %s", c.message)));
      break;
    default:
      ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                      errmsg("internal error in the cdp extension: unknown C++ exception")));
  }
  pg_unreachable();
}

}  // namespace

const char* PgError::what() const noexcept {
  return data_ != nullptr && data_->message != nullptr ? data_->message
                                                       : "PostgreSQL error";
}

long live_context_objects() { return g_live_objects; }

void detail::count_context_object(int delta) { g_live_objects += delta; }

Datum guarded_call(Body body, FunctionCallInfo fcinfo) {
  Caught c;
  try {
    return body(fcinfo);
  } catch (const PgError& e) {
    c.kind = Caught::kPg;
    c.pg = e.data();
  } catch (const core::Error& e) {
    c.kind = Caught::kCore;
    copy_text(c.sqlstate, sizeof c.sqlstate, e.sqlstate());
    copy_text(c.message, sizeof c.message, e.what());
    copy_text(c.detail, sizeof c.detail, e.detail().c_str());
    copy_text(c.hint, sizeof c.hint, e.hint().c_str());
  } catch (const std::bad_alloc&) {
    c.kind = Caught::kOutOfMemory;
  } catch (const std::exception& e) {
    c.kind = Caught::kStd;
    copy_text(c.message, sizeof c.message, e.what());
  } catch (...) {
    c.kind = Caught::kUnknown;
  }
  // The exception object is gone now; only plain data is left in `c`.
  raise_caught(c);
}

ErrorData* try_pg(void (*fn)(void*), void* arg) {
  // Plain C-style frame: nothing here has a destructor, so PostgreSQL may
  // longjmp back into PG_TRY safely.
  MemoryContext oldcxt = CurrentMemoryContext;
  ErrorData* volatile err = nullptr;
  PG_TRY();
  {
    fn(arg);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(oldcxt);
    err = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  return err;
}

}  // namespace cdp::pg
