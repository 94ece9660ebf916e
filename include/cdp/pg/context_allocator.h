// A standard-library allocator that takes memory from a PostgreSQL memory
// context. Aggregate states use it for their per-row buffers so that
//  - the memory is counted in the aggregate's context (hash aggregation
//    sees it and spills to disk instead of growing without limit), and
//  - small buffers come from the context's free lists (much cheaper than
//    one malloc per group for a million groups).
// Allocation never ereports: it asks for MCXT_ALLOC_NO_OOM and throws
// std::bad_alloc itself (the guard turns it into "out of memory"), and
// pfree never fails. Include after the C++ headers (it includes bridge.h).
#pragma once

#include <cstddef>
#include <new>

#include "cdp/pg/bridge.h"

namespace cdp::pg {

template <class T>
struct ContextAllocator {
  using value_type = T;

  MemoryContext cxt;

  explicit ContextAllocator(MemoryContext c) noexcept : cxt(c) {}
  template <class U>
  ContextAllocator(const ContextAllocator<U>& o) noexcept : cxt(o.cxt) {}

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(MaxAllocHugeSize) / sizeof(T)) throw std::bad_alloc();
    void* p = MemoryContextAllocExtended(cxt, n * sizeof(T),
                                         MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { pfree(p); }

  template <class U>
  bool operator==(const ContextAllocator<U>& o) const noexcept { return cxt == o.cxt; }
  template <class U>
  bool operator!=(const ContextAllocator<U>& o) const noexcept { return cxt != o.cxt; }
};

}  // namespace cdp::pg
