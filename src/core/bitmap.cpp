// The thin wrapper around CRoaring: the only file of the project that calls
// it (see include/cdp/core/bitmap.h for the rules it follows).
#include "cdp/core/bitmap.h"

#include <roaring/roaring.h>

#include <algorithm>
#include <new>

#include "cdp/core/error.h"
#include "cdp/core/portable_format.h"

namespace cdp::core {

namespace {

constexpr uint64_t kUniverse = uint64_t{1} << 32;
constexpr uint32_t kReadBatch = 256;

// A CRoaring iterator positioned at the first element (or past the end).
struct Iter {
  roaring_uint32_iterator_t it;
  explicit Iter(const roaring_bitmap_t* r) { roaring_init_iterator(r, &it); }
  uint32_t read(uint32_t* buf, uint32_t n) {
    return roaring_read_uint32_iterator(&it, buf, n);
  }
};

uint64_t mix64(uint64_t x) {
  // splitmix64 finalizer: cheap and well distributed.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// CRoaring 0.2.66's in-place OR/XOR insert (and XOR removes) containers one
// at a time, moving the rest of the container arrays each time: quadratic in
// the number of 16-bit chunks (0.2-0.5 s to fill or flip 2^31 values next to
// 2^31 others). A range over many chunks is combined into a new bitmap
// instead, which is linear.
constexpr uint64_t kInplaceMaxChunks = 64;

bool spans_many_chunks(uint64_t start, uint64_t end) {
  return ((end - 1) >> 16) - (start >> 16) >= kInplaceMaxChunks;
}

}  // namespace

roaring_bitmap_s* Bitmap::checked(roaring_bitmap_s* r) {
  if (r == nullptr) throw std::bad_alloc();
  return r;
}

Bitmap::Bitmap() : r_(checked(roaring_bitmap_create())) {}

Bitmap::~Bitmap() {
  if (r_ != nullptr) roaring_bitmap_free(r_);
}

Bitmap::Bitmap(Bitmap&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }

Bitmap& Bitmap::operator=(Bitmap&& other) noexcept {
  if (this != &other) {
    if (r_ != nullptr) roaring_bitmap_free(r_);
    r_ = other.r_;
    other.r_ = nullptr;
  }
  return *this;
}

Bitmap Bitmap::clone() const { return Bitmap(checked(roaring_bitmap_copy(r_))); }

Bitmap Bitmap::of(const uint32_t* values, size_t n) {
  Bitmap b;
  b.add_many(values, n);
  return b;
}

Bitmap Bitmap::range(uint64_t start, uint64_t end) {
  const std::string bytes = portable::range_bytes(std::min(start, kUniverse),
                                                  std::min(end, kUniverse));
  return deserialize_trusted(bytes.data(), bytes.size());
}

Bitmap Bitmap::deserialize_checked(const char* data, size_t size) {
  std::string why;
  if (!portable::validate(data, size, &why))
    throw Error(sqlstate::kInvalidTextRepresentation,
                "invalid rbitmap value", why,
                "rbitmap bytes must be one bitmap in the portable Roaring "
                "format, with nothing after it.");
  return deserialize_trusted(data, size);
}

Bitmap Bitmap::deserialize_trusted(const char* data, size_t size) {
  // deserialize_size walks only the headers; it tells a malformed value
  // (0 or a different length) from an allocation failure (NULL below).
  if (roaring_bitmap_portable_deserialize_size(data, size) != size)
    throw Error(sqlstate::kInvalidTextRepresentation,
                "invalid rbitmap value",
                "the bytes are not one complete portable Roaring bitmap");
  return Bitmap(checked(roaring_bitmap_portable_deserialize_safe(data, size)));
}

size_t Bitmap::serialized_size() const {
  return roaring_bitmap_portable_size_in_bytes(r_);
}

void Bitmap::serialize_into(char* out) const {
  roaring_bitmap_portable_serialize(r_, out);
}

std::string Bitmap::serialize() const {
  std::string s(serialized_size(), '\0');
  serialize_into(s.data());
  return s;
}

void Bitmap::add(uint32_t v) { roaring_bitmap_add(r_, v); }

void Bitmap::add_many(const uint32_t* values, size_t n) {
  // add_many caches the last container, so sorted input costs little.
  if (n > 0) roaring_bitmap_add_many(r_, n, values);
}

void Bitmap::remove(uint32_t v) { roaring_bitmap_remove(r_, v); }

bool Bitmap::contains(uint32_t v) const { return roaring_bitmap_contains(r_, v); }

uint64_t Bitmap::cardinality() const { return roaring_bitmap_get_cardinality(r_); }

bool Bitmap::empty() const { return roaring_bitmap_is_empty(r_); }

std::optional<uint32_t> Bitmap::min() const {
  if (empty()) return std::nullopt;
  return roaring_bitmap_minimum(r_);
}

std::optional<uint32_t> Bitmap::max() const {
  if (empty()) return std::nullopt;
  return roaring_bitmap_maximum(r_);
}

uint64_t Bitmap::rank(uint32_t v) const { return roaring_bitmap_rank(r_, v); }

int64_t Bitmap::index_of(uint32_t v) const {
  if (!contains(v)) return -1;
  return static_cast<int64_t>(rank(v)) - 1;
}

std::optional<uint32_t> Bitmap::select(uint64_t pos) const {
  if (pos >= cardinality()) return std::nullopt;
  uint32_t out = 0;
  if (!roaring_bitmap_select(r_, static_cast<uint32_t>(pos), &out))
    return std::nullopt;
  return out;
}

uint64_t Bitmap::range_cardinality(uint64_t start, uint64_t end) const {
  start = std::min(start, kUniverse);
  end = std::min(end, kUniverse);
  if (start >= end) return 0;
  // rank(x) counts elements <= x.
  const uint64_t upto_end = rank(static_cast<uint32_t>(end - 1));
  const uint64_t below_start =
      start == 0 ? 0 : rank(static_cast<uint32_t>(start - 1));
  return upto_end - below_start;
}

size_t Bitmap::memory_bytes() const { return roaring_bitmap_size_in_bytes(r_); }

void Bitmap::visit(Visitor v, void* ctx) const {
  Iter it(r_);
  uint32_t buf[kReadBatch];
  for (;;) {
    const uint32_t got = it.read(buf, kReadBatch);
    for (uint32_t i = 0; i < got; ++i)
      if (!v(buf[i], ctx)) return;
    if (got < kReadBatch) return;
  }
}

std::vector<uint32_t> Bitmap::to_vector() const {
  std::vector<uint32_t> out(cardinality());
  if (!out.empty()) roaring_bitmap_to_uint32_array(r_, out.data());
  return out;
}

size_t Bitmap::read_from(uint32_t from, uint32_t* out, size_t n) const {
  Iter it(r_);
  if (!roaring_move_uint32_iterator_equalorlarger(&it.it, from)) return 0;
  size_t done = 0;
  while (done < n) {
    const uint32_t want =
        static_cast<uint32_t>(std::min<size_t>(n - done, kReadBatch * 64));
    const uint32_t got = it.read(out + done, want);
    done += got;
    if (got < want) break;
  }
  return done;
}

Bitmap Bitmap::and_(const Bitmap& a, const Bitmap& b) {
  return Bitmap(checked(roaring_bitmap_and(a.r_, b.r_)));
}
Bitmap Bitmap::or_(const Bitmap& a, const Bitmap& b) {
  return Bitmap(checked(roaring_bitmap_or(a.r_, b.r_)));
}
Bitmap Bitmap::xor_(const Bitmap& a, const Bitmap& b) {
  return Bitmap(checked(roaring_bitmap_xor(a.r_, b.r_)));
}
Bitmap Bitmap::andnot_(const Bitmap& a, const Bitmap& b) {
  return Bitmap(checked(roaring_bitmap_andnot(a.r_, b.r_)));
}

// x.op_inplace(x): CRoaring 0.2.66 asserts x1 != x2 in xor/andnot/lazy_xor
// (an abort() in Debian's build) and lazy_or computes a wrong union, so the
// self cases are answered here.
void Bitmap::and_inplace(const Bitmap& b) { roaring_bitmap_and_inplace(r_, b.r_); }
void Bitmap::or_inplace(const Bitmap& b) {
  if (&b == this) return;
  roaring_bitmap_or_inplace(r_, b.r_);
}
void Bitmap::xor_inplace(const Bitmap& b) {
  if (&b == this) {
    *this = Bitmap();
    return;
  }
  roaring_bitmap_xor_inplace(r_, b.r_);
}
void Bitmap::andnot_inplace(const Bitmap& b) {
  if (&b == this) {
    *this = Bitmap();
    return;
  }
  roaring_bitmap_andnot_inplace(r_, b.r_);
}
void Bitmap::lazy_or_inplace(const Bitmap& b) {
  if (&b == this) return;
  // bitsetconversion=true: unions of many inputs end up dense, so go to
  // bitsets early; repair() recounts and turns small bitsets back to arrays.
  roaring_bitmap_lazy_or_inplace(r_, b.r_, true);
}
void Bitmap::lazy_xor_inplace(const Bitmap& b) {
  if (&b == this) {
    *this = Bitmap();
    return;
  }
  roaring_bitmap_lazy_xor_inplace(r_, b.r_);
}
void Bitmap::repair() { roaring_bitmap_repair_after_lazy(r_); }

uint64_t Bitmap::and_cardinality(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_and_cardinality(a.r_, b.r_);
}
uint64_t Bitmap::or_cardinality(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_or_cardinality(a.r_, b.r_);
}
uint64_t Bitmap::xor_cardinality(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_xor_cardinality(a.r_, b.r_);
}
uint64_t Bitmap::andnot_cardinality(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_andnot_cardinality(a.r_, b.r_);
}

double Bitmap::jaccard_index(const Bitmap& a, const Bitmap& b) {
  const uint64_t inter = and_cardinality(a, b);
  const uint64_t uni = a.cardinality() + b.cardinality() - inter;
  if (uni == 0) return 1.0;
  return static_cast<double>(inter) / static_cast<double>(uni);
}

bool Bitmap::intersects(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_intersect(a.r_, b.r_);
}

bool Bitmap::is_subset(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_is_subset(a.r_, b.r_);
}

bool Bitmap::equals(const Bitmap& a, const Bitmap& b) {
  return roaring_bitmap_equals(a.r_, b.r_);
}

int Bitmap::compare(const Bitmap& a, const Bitmap& b) {
  Iter ia(a.r_), ib(b.r_);
  uint32_t ba[kReadBatch], bb[kReadBatch];
  for (;;) {
    const uint32_t na = ia.read(ba, kReadBatch);
    const uint32_t nb = ib.read(bb, kReadBatch);
    const uint32_t n = std::min(na, nb);
    for (uint32_t i = 0; i < n; ++i)
      if (ba[i] != bb[i]) return ba[i] < bb[i] ? -1 : 1;
    if (na != nb) return na < nb ? -1 : 1;  // the shorter one is a prefix
    if (na < kReadBatch) return 0;
  }
}

uint64_t Bitmap::hash(uint64_t seed) const {
  uint64_t h = mix64(seed ^ 0x9e3779b97f4a7c15ULL);
  for_each([&h](uint32_t v) {
    h = mix64(h ^ v) + 0x9e3779b97f4a7c15ULL;
    return true;
  });
  return mix64(h ^ cardinality());
}

void Bitmap::fill(int64_t start, int64_t end) {
  const uint64_t s = clamp_range_bound(start), e = clamp_range_bound(end);
  if (s >= e) return;
  if (spans_many_chunks(s, e))
    *this = or_(*this, range(s, e));
  else
    or_inplace(range(s, e));
}

void Bitmap::clear_range(int64_t start, int64_t end) {
  const uint64_t s = clamp_range_bound(start), e = clamp_range_bound(end);
  if (s >= e) return;
  andnot_inplace(range(s, e));
}

void Bitmap::flip(int64_t start, int64_t end) {
  const uint64_t s = clamp_range_bound(start), e = clamp_range_bound(end);
  if (s >= e) return;
  if (spans_many_chunks(s, e))
    *this = xor_(*this, range(s, e));
  else
    xor_inplace(range(s, e));
}

Bitmap Bitmap::restrict_to(int64_t start, int64_t end) const {
  const uint64_t s = clamp_range_bound(start), e = clamp_range_bound(end);
  if (s >= e) return Bitmap();
  if (s == 0 && e == kUniverse) return clone();
  return and_(*this, range(s, e));
}

Bitmap Bitmap::select_page(uint64_t limit, uint64_t offset, bool reverse,
                           int64_t start, int64_t end) const {
  const uint64_t s = clamp_range_bound(start), e = clamp_range_bound(end);
  Bitmap out;
  if (limit == 0 || s >= e) return out;
  // Positions of the window's elements in the whole bitmap: [lo, hi).
  const uint64_t lo = s == 0 ? 0 : rank(static_cast<uint32_t>(s - 1));
  const uint64_t hi = rank(static_cast<uint32_t>(e - 1));
  const uint64_t in_window = hi - lo;
  if (offset >= in_window) return out;
  const uint64_t take = std::min(limit, in_window - offset);
  const uint64_t first = reverse ? hi - offset - take : lo + offset;
  const std::optional<uint32_t> from = select(first);
  if (!from) return out;
  // Small pages (the usual case: a screen or a batch of ids) are copied out;
  // a huge page is every element from the first selected one to the last,
  // so it is an intersection with that value range (a copy could need 16 GB).
  constexpr uint64_t kCopyMax = 65536;
  if (take <= kCopyMax) {
    std::vector<uint32_t> buf(take);
    out.add_many(buf.data(), read_from(*from, buf.data(), take));
    return out;
  }
  const std::optional<uint32_t> to = select(first + take - 1);
  if (!to) return out;
  return and_(*this, range(*from, uint64_t{*to} + 1));
}

bool Bitmap::run_optimize() { return roaring_bitmap_run_optimize(r_); }

void Bitmap::shrink_to_fit() { roaring_bitmap_shrink_to_fit(r_); }

}  // namespace cdp::core
