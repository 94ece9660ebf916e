// The C++ <-> PostgreSQL bridge. The one header that includes PostgreSQL.
//
// Include it LAST in a src/pg/*.cpp file, after every C++, CRoaring and core
// header: PostgreSQL's c.h defines function-like macros (Min, Max, Abs, ...)
// that break standard and Abseil headers included after it.
//
// Two kinds of error must never cross each other:
//  - a C++ exception must not unwind through PostgreSQL frames, and
//  - a PostgreSQL error (a longjmp) must not skip C++ destructors.
// So:
//  1. every SQL-callable function is declared with CDP_FUNCTION(name). The
//     extern "C" entry point holds no object with a destructor; it calls the
//     C++ body through guarded_call(), which catches every exception and only
//     after the C++ stack is unwound raises ereport(ERROR) (bad_alloc becomes
//     "out of memory", cdp::core::Error keeps its SQLSTATE, a caught
//     PostgreSQL error is re-thrown as it was).
//  2. C++ code that calls a PostgreSQL function that may ereport while C++
//     objects are alive wraps the call in cdp::pg::call(lambda) (the reverse
//     guard): the lambda runs inside PG_TRY in a plain frame, and a
//     PostgreSQL error comes back as a cdp::pg::PgError exception.
//  3. C++ objects that must live in a memory context (aggregate states) are
//     made by make_in_context<T>(cxt, ...): a reset callback on that context
//     runs ~T(), so an error mid-query leaks nothing.
#pragma once

#include <cstddef>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"
#include "utils/palloc.h"
}

namespace cdp::pg {

// A PostgreSQL error caught by call(); carries the copied ErrorData.
class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* data) : data_(data) {}
  ErrorData* data() const noexcept { return data_; }
  const char* what() const noexcept override;

 private:
  ErrorData* data_;
};

using Body = Datum (*)(FunctionCallInfo);

// Runs body(fcinfo); turns any C++ exception into ereport(ERROR).
Datum guarded_call(Body body, FunctionCallInfo fcinfo);

// Runs fn(arg) inside PG_TRY. Returns nullptr on success, or the copied
// ErrorData of the PostgreSQL error it raised (error state flushed).
ErrorData* try_pg(void (*fn)(void*), void* arg);

// The reverse guard: f() may call PostgreSQL functions that ereport. f must
// hold no C++ object with a destructor (a longjmp out of it skips them).
template <class F>
decltype(auto) call(F&& f) {
  using R = decltype(f());
  if constexpr (std::is_void_v<R>) {
    auto tramp = [](void* p) { (*static_cast<std::remove_reference_t<F>*>(p))(); };
    if (ErrorData* e = try_pg(tramp, &f)) throw PgError(e);
  } else {
    static_assert(std::is_trivially_copyable_v<R> &&
                      std::is_default_constructible_v<R>,
                  "cdp::pg::call returns plain values (pointers, Datum, ints)");
    struct Ctx {
      std::remove_reference_t<F>* f;
      R result;
    } ctx{&f, R{}};
    auto tramp = [](void* p) {
      auto* c = static_cast<Ctx*>(p);
      c->result = (*c->f)();
    };
    if (ErrorData* e = try_pg(tramp, &ctx)) throw PgError(e);
    return ctx.result;
  }
}

// palloc through the reverse guard.
inline void* alloc(size_t size) {
  return call([size] { return palloc(size); });
}

// Number of objects made by make_in_context that are still alive in this
// backend (for tests: it must drop back after errors and context resets).
long live_context_objects();

namespace detail {
void count_context_object(int delta);
}

// Creates a T in memory context `cxt`, destroyed by a reset callback when
// the context is reset or deleted (never call delete on it).
template <class T, class... Args>
T* make_in_context(MemoryContext cxt, Args&&... args) {
  static_assert(alignof(T) <= MAXIMUM_ALIGNOF, "over-aligned type");
  struct Holder {
    MemoryContextCallback cb;
    alignas(T) unsigned char storage[sizeof(T)];
  };
  auto* h = static_cast<Holder*>(
      call([cxt] { return MemoryContextAlloc(cxt, sizeof(Holder)); }));
  T* obj = nullptr;
  try {
    obj = new (h->storage) T(std::forward<Args>(args)...);
  } catch (...) {
    pfree(h);  // the object was never built; pfree does not ereport
    throw;
  }
  h->cb.func = [](void* p) {
    static_cast<T*>(p)->~T();
    detail::count_context_object(-1);
  };
  h->cb.arg = obj;
  MemoryContextRegisterResetCallback(cxt, &h->cb);
  detail::count_context_object(+1);
  return obj;
}

}  // namespace cdp::pg

// Declares an SQL-callable function `name` (C symbol of the same name) whose
// C++ body follows the macro:
//   CDP_FUNCTION(cdp_rb_and) { ... return datum; }
#define CDP_FUNCTION(name)                                                \
  static Datum name##_body(FunctionCallInfo fcinfo);                      \
  extern "C" {                                                            \
  PG_FUNCTION_INFO_V1(name);                                              \
  Datum name(PG_FUNCTION_ARGS) {                                          \
    return ::cdp::pg::guarded_call(name##_body, fcinfo);                  \
  }                                                                       \
  }                                                                       \
  static Datum name##_body(FunctionCallInfo fcinfo)
