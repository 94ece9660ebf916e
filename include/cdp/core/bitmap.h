// cdp::core::Bitmap: a set of unsigned 32-bit ids (Roaring bitmap).
//
// This is the ONE place that talks to CRoaring: every CRoaring call of the
// project lives in src/core/bitmap.cpp, so a newer CRoaring (or another
// implementation) can be swapped in by changing that file alone. Callers see
// only this value type.
//
// Rules that come from Debian's CRoaring 0.2.66:
//  - bytes from outside are checked by portable::validate before CRoaring sees
//    them (deserialize_checked);
//  - CRoaring's range add/remove are never called (they corrupt data in
//    0.2.66); ranges are built from portable::range_bytes and combined with
//    ordinary set operations.
//
// CRoaring allocates with malloc and reports failure by returning NULL; the
// wrapper turns that into std::bad_alloc so the PostgreSQL glue can raise
// "out of memory".
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

struct roaring_bitmap_s;

namespace cdp::core {

class Bitmap {
 public:
  Bitmap();  // the empty set
  ~Bitmap();
  Bitmap(Bitmap&& other) noexcept;
  Bitmap& operator=(Bitmap&& other) noexcept;
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;

  Bitmap clone() const;

  // --- construction -------------------------------------------------------
  // Values in any order, duplicates allowed.
  static Bitmap of(const uint32_t* values, size_t n);
  static Bitmap of(const std::vector<uint32_t>& values) {
    return of(values.data(), values.size());
  }
  // The set [start, end) with 0 <= start <= end <= 2^32 (clamped).
  static Bitmap range(uint64_t start, uint64_t end);

  // --- serialization (portable Roaring format) ----------------------------
  // Bytes that come from outside: fully validated; throws cdp::core::Error
  // with SQLSTATE 22P02 naming the problem when they are not a well-formed
  // bitmap.
  static Bitmap deserialize_checked(const char* data, size_t size);
  // Bytes this extension wrote itself (stored datums): bounds-checked only.
  // Throws Error 22P02 (XX001 semantics) if the bytes do not even parse.
  static Bitmap deserialize_trusted(const char* data, size_t size);
  size_t serialized_size() const;
  // Writes exactly serialized_size() bytes.
  void serialize_into(char* out) const;
  std::string serialize() const;

  // --- single elements ----------------------------------------------------
  void add(uint32_t v);
  void add_many(const uint32_t* values, size_t n);  // fastest when sorted
  void remove(uint32_t v);
  bool contains(uint32_t v) const;

  // --- queries ------------------------------------------------------------
  uint64_t cardinality() const;
  bool empty() const;
  std::optional<uint32_t> min() const;
  std::optional<uint32_t> max() const;
  // Number of elements <= v.
  uint64_t rank(uint32_t v) const;
  // 0-based position of v, or -1 when absent.
  int64_t index_of(uint32_t v) const;
  // Element at 0-based position `pos` (unsigned order), if any.
  std::optional<uint32_t> select(uint64_t pos) const;
  // Number of elements in [start, end).
  uint64_t range_cardinality(uint64_t start, uint64_t end) const;
  // Bytes CRoaring uses in memory (for statistics only).
  size_t memory_bytes() const;

  // Calls f(uint32_t) for each element in increasing unsigned order;
  // stops early when f returns false.
  template <class F>
  void for_each(F&& f) const;
  std::vector<uint32_t> to_vector() const;
  // Reads up to `n` elements starting at the first element >= `from` into
  // out; returns how many were written. Used for paging.
  size_t read_from(uint32_t from, uint32_t* out, size_t n) const;

  // --- set algebra --------------------------------------------------------
  static Bitmap and_(const Bitmap& a, const Bitmap& b);
  static Bitmap or_(const Bitmap& a, const Bitmap& b);
  static Bitmap xor_(const Bitmap& a, const Bitmap& b);
  static Bitmap andnot_(const Bitmap& a, const Bitmap& b);
  void and_inplace(const Bitmap& b);
  void or_inplace(const Bitmap& b);
  void xor_inplace(const Bitmap& b);
  void andnot_inplace(const Bitmap& b);
  // Many ORs in a row: lazy_or_inplace skips cardinality upkeep; call
  // repair() once before any other use of the bitmap.
  void lazy_or_inplace(const Bitmap& b);
  void lazy_xor_inplace(const Bitmap& b);
  void repair();

  static uint64_t and_cardinality(const Bitmap& a, const Bitmap& b);
  static uint64_t or_cardinality(const Bitmap& a, const Bitmap& b);
  static uint64_t xor_cardinality(const Bitmap& a, const Bitmap& b);
  static uint64_t andnot_cardinality(const Bitmap& a, const Bitmap& b);
  // |a & b| / |a | b|. Two empty sets are identical: 1.0 (CRoaring and
  // pg_roaringbitmap return NaN there).
  static double jaccard_index(const Bitmap& a, const Bitmap& b);
  static bool intersects(const Bitmap& a, const Bitmap& b);
  // a is a subset of b
  static bool is_subset(const Bitmap& a, const Bitmap& b);
  static bool equals(const Bitmap& a, const Bitmap& b);
  // Total order used by the btree operator class: lexicographic comparison
  // of the sorted element sequences (unsigned), a proper prefix sorts first.
  // Returns <0, 0, >0.
  static int compare(const Bitmap& a, const Bitmap& b);
  // Hash of the set's contents (independent of container representation,
  // so equal sets hash equally even if one is run-optimized).
  uint64_t hash(uint64_t seed = 0) const;

  // --- range operations (never CRoaring's buggy range add/remove) ---------
  // All take [start, end) as int64 in the unsigned 32-bit domain; values are
  // clamped to [0, 2^32] as pg_roaringbitmap does; start >= end is a no-op.
  void fill(int64_t start, int64_t end);
  void clear_range(int64_t start, int64_t end);
  void flip(int64_t start, int64_t end);
  Bitmap restrict_to(int64_t start, int64_t end) const;

  // Elements [offset, offset+limit) of those in [start, end), counted from
  // the smallest (or from the largest when reverse). limit/offset >= 0.
  Bitmap select_page(uint64_t limit, uint64_t offset, bool reverse,
                     int64_t start, int64_t end) const;

  // Converts containers to run containers where smaller; true if changed.
  bool run_optimize();
  void shrink_to_fit();

 private:
  explicit Bitmap(roaring_bitmap_s* r) : r_(r) {}
  static roaring_bitmap_s* checked(roaring_bitmap_s* r);
  // Iteration without exposing CRoaring's iterator type in this header.
  using Visitor = bool (*)(uint32_t value, void* ctx);
  void visit(Visitor v, void* ctx) const;

  roaring_bitmap_s* r_;
};

template <class F>
void Bitmap::for_each(F&& f) const {
  visit(
      [](uint32_t value, void* ctx) -> bool {
        return (*static_cast<std::remove_reference_t<F>*>(ctx))(value);
      },
      &f);
}

// Clamps a pg_roaringbitmap-style bigint range bound to [0, 2^32].
inline uint64_t clamp_range_bound(int64_t v) {
  if (v < 0) return 0;
  if (v > (int64_t{1} << 32)) return uint64_t{1} << 32;
  return static_cast<uint64_t>(v);
}

}  // namespace cdp::core
