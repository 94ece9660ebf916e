// markov_attribution core; see include/cdp/core/markov.h.
//
// State layout: channel names are interned (NameTable). Transient state ids
// are 1..T in order of first appearance (0 is start); each has a packed key,
// the tuple of its channel ids + 1 in 16-bit slots, oldest first (order 1:
// state id = channel id + 1, key = channel id + 1). Transitions live in an
// open-addressing map keyed (from << 32) | to, to being a state id or one of
// kConv / kNull. kMaxMarkovStates < 65535 keeps channel ids in 16 bits.
#include "cdp/core/markov.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

using attribution_internal::ByteReader;
using attribution_internal::checked_add;
using attribution_internal::NameTable;
using attribution_internal::put_i64;
using attribution_internal::put_u32;
using attribution_internal::put_u8;

constexpr const char* kFn = "markov_attribution";
constexpr uint32_t kConv = 0xFFFFFFFEu;
constexpr uint32_t kNull = 0xFFFFFFFFu;
constexpr uint8_t kVersion = 1;
constexpr uint8_t kKind = 'M';
static_assert(kMaxMarkovStates < 65535, "channel ids must fit 16-bit key slots");

// Open-addressing map from nonzero uint64 keys to V (key 0 = empty slot).
template <class V>
class U64Map {
 public:
  V* find(uint64_t key) {
    if (keys_.empty()) return nullptr;
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &vals_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }
  // Returns the value of `key`, inserting `init` when absent; *inserted says which.
  V& get(uint64_t key, V init, bool* inserted) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    size_t i = slot(key);
    for (;; i = (i + 1) & mask_) {
      if (keys_[i] == key) {
        *inserted = false;
        return vals_[i];
      }
      if (keys_[i] == 0) break;
    }
    keys_[i] = key;
    vals_[i] = init;
    ++size_;
    *inserted = true;
    return vals_[i];
  }
  size_t size() const { return size_; }
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != 0) f(keys_[i], vals_[i]);
  }
  size_t memory_bytes() const { return keys_.capacity() * (sizeof(uint64_t) + sizeof(V)); }

 private:
  size_t slot(uint64_t key) const {
    return size_t((key * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
  }
  void grow() {
    const size_t n = keys_.empty() ? 64 : keys_.size() * 2;
    std::vector<uint64_t> k(n, 0);
    std::vector<V> v(n);
    keys_.swap(k);
    vals_.swap(v);
    mask_ = n - 1;
    for (size_t i = 0; i < k.size(); ++i) {
      if (k[i] == 0) continue;
      size_t j = slot(k[i]);
      while (keys_[j] != 0) j = (j + 1) & mask_;
      keys_[j] = k[i];
      vals_[j] = v[i];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<V> vals_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

inline uint64_t tkey(uint32_t from, uint32_t to) { return (uint64_t(from) << 32) | to; }

[[noreturn]] void too_many_states() {
  throw Error(sqlstate::kProgramLimitExceeded,
              std::string(kFn) + " supports at most " + std::to_string(kMaxMarkovStates) +
                  " states",
              {}, "A first-order chain has one state per channel; an order-k chain one per "
                  "observed tuple of up to k channels. Use fewer channels or a lower order.");
}

}  // namespace

struct MarkovCounts::Impl {
  int order = 1;
  NameTable channels;
  std::vector<uint64_t> state_key{0};   // index 0 = start
  std::vector<uint32_t> state_last{0};  // last channel id of each state
  U64Map<uint32_t> state_index;         // key -> state id (order > 1)
  U64Map<int64_t> transitions;
  std::vector<ExactSum> value;  // per state id; may be shorter than state_key
  int64_t conversions = 0;
  int64_t non_conversions = 0;
  ExactSum total_value;
  std::vector<uint32_t> scratch;

  uint32_t states() const { return uint32_t(state_key.size() - 1); }

  // State for a packed key whose last channel is `last`, created when new.
  uint32_t state_for(uint64_t key, uint32_t last) {
    if (order == 1) {
      const uint32_t s = last + 1;
      while (state_key.size() <= s) {  // channel ids are dense: at most one step
        const uint32_t c = uint32_t(state_key.size() - 1);
        if (c >= kMaxMarkovStates) too_many_states();
        state_key.push_back(uint64_t(c) + 1);
        state_last.push_back(c);
      }
      return s;
    }
    bool inserted;
    uint32_t& id = state_index.get(key, 0, &inserted);
    if (inserted) {
      if (states() >= kMaxMarkovStates) {
        id = UINT32_MAX;  // keep the map consistent: this key never becomes a state
        too_many_states();
      }
      id = uint32_t(state_key.size());
      state_key.push_back(key);
      state_last.push_back(last);
    } else if (id == UINT32_MAX) {
      too_many_states();
    }
    return id;
  }

  void add_transition(uint32_t from, uint32_t to, int64_t count) {
    bool inserted;
    int64_t& c = transitions.get(tkey(from, to), 0, &inserted);
    c = checked_add(c, count, kFn);
  }

  void add_value(uint32_t state, const ExactSum& v) {
    if (v.is_zero()) return;
    if (value.size() <= state) value.resize(state_key.size());
    value[state].add(v);
  }
};

MarkovCounts::MarkovCounts(int order) : impl_(std::make_unique<Impl>()) {
  if (order < 1 || order > kMaxMarkovOrder)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) + " order must be between 1 and " +
                    std::to_string(kMaxMarkovOrder),
                "order " + std::to_string(order) + ".");
  impl_->order = order;
}
MarkovCounts::~MarkovCounts() = default;
MarkovCounts::MarkovCounts(const MarkovCounts& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
MarkovCounts& MarkovCounts::operator=(const MarkovCounts& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
MarkovCounts::MarkovCounts(MarkovCounts&&) noexcept = default;
MarkovCounts& MarkovCounts::operator=(MarkovCounts&&) noexcept = default;

int MarkovCounts::order() const { return impl_->order; }
int64_t MarkovCounts::total_conversions() const { return impl_->conversions; }
int64_t MarkovCounts::total_non_conversions() const { return impl_->non_conversions; }
double MarkovCounts::total_value() const { return impl_->total_value.value(); }
size_t MarkovCounts::channel_count() const { return impl_->channels.size(); }
size_t MarkovCounts::state_count() const { return impl_->states(); }
size_t MarkovCounts::memory_bytes() const {
  const Impl& m = *impl_;
  return sizeof(Impl) + m.channels.memory_bytes() +
         m.state_key.capacity() * sizeof(uint64_t) + m.state_last.capacity() * sizeof(uint32_t) +
         m.state_index.memory_bytes() + m.transitions.memory_bytes() +
         m.value.capacity() * sizeof(ExactSum) + m.scratch.capacity() * sizeof(uint32_t);
}

void MarkovCounts::add_path(const std::string_view* channels, size_t n, int64_t conversions,
                            int64_t non_conversions, double conversion_value) {
  validate_path_counts(kFn, conversions, non_conversions, conversion_value);
  if (n == 0) return;
  const int64_t weight = conversions + non_conversions;  // checked above
  if (weight == 0) return;
  Impl& m = *impl_;
  // Pass 1: the state sequence (may throw 54000 before anything is counted).
  m.scratch.clear();
  const int k = m.order;
  uint32_t prev = UINT32_MAX;
  uint64_t key = 0;
  int len = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = m.channels.intern(channels[i], kMaxMarkovStates, kFn);
    if (c == prev) continue;
    prev = c;
    if (k > 1) {
      if (len < k) {
        key |= uint64_t(c + 1) << (16 * len);
        ++len;
      } else {
        key = (key >> 16) | (uint64_t(c + 1) << (16 * (k - 1)));
      }
    }
    m.scratch.push_back(m.state_for(key, c));
  }
  // Pass 2: counts.
  uint32_t from = 0;
  for (uint32_t s : m.scratch) {
    m.add_transition(from, s, weight);
    from = s;
  }
  if (conversions > 0) m.add_transition(from, kConv, conversions);
  if (non_conversions > 0) m.add_transition(from, kNull, non_conversions);
  if (conversion_value > 0) {
    if (m.value.size() <= from) m.value.resize(m.state_key.size());
    m.value[from].add(conversion_value);
    m.total_value.add(conversion_value);
  }
  m.conversions = checked_add(m.conversions, conversions, kFn);
  m.non_conversions = checked_add(m.non_conversions, non_conversions, kFn);
}

void MarkovCounts::merge(const MarkovCounts& other_in) {
  if (&other_in == this) {
    const MarkovCounts copy(other_in);
    merge(copy);
    return;
  }
  const Impl& o = *other_in.impl_;
  Impl& m = *impl_;
  if (o.order != m.order)
    throw Error(sqlstate::kInvalidParameterValue,
                std::string(kFn) + " cannot combine chains of different orders",
                "orders " + std::to_string(m.order) + " and " + std::to_string(o.order) + ".");
  std::vector<uint32_t> cmap(o.channels.size());
  for (uint32_t c = 0; c < o.channels.size(); ++c)
    cmap[c] = m.channels.intern(o.channels.name(c), kMaxMarkovStates, kFn);
  std::vector<uint32_t> smap(o.state_key.size(), 0);
  for (uint32_t s = 1; s < o.state_key.size(); ++s) {
    uint64_t key = 0;
    for (int slot = 0; slot < m.order; ++slot) {
      const uint64_t v = (o.state_key[s] >> (16 * slot)) & 0xffff;
      if (v == 0) break;
      key |= uint64_t(cmap[v - 1] + 1) << (16 * slot);
    }
    smap[s] = m.state_for(key, cmap[o.state_last[s]]);
  }
  o.transitions.for_each([&](uint64_t k, int64_t count) {
    const uint32_t from = uint32_t(k >> 32), to = uint32_t(k);
    m.add_transition(smap[from], to >= kConv ? to : smap[to], count);
  });
  for (uint32_t s = 1; s < o.value.size(); ++s) m.add_value(smap[s], o.value[s]);
  m.total_value.add(o.total_value);
  m.conversions = checked_add(m.conversions, o.conversions, kFn);
  m.non_conversions = checked_add(m.non_conversions, o.non_conversions, kFn);
}

// ---------------------------------------------------------------------------
// Serialization
//
// u8 version (1), u8 kind ('M'), u8 order,
// i64 conversions, i64 non_conversions, ExactSum total value,
// u32 channel count, per channel: u32 length, bytes,
// u32 state count, per state (ids 1..T): u8 tuple length, u32 channel ids
//   (oldest first),
// u32 transition count, per transition (ascending (from, to)): u32 from,
//   u32 to, i64 count (to = 0xFFFFFFFE conversion, 0xFFFFFFFF null),
// u32 value count, per value: u32 state (ascending), ExactSum.

namespace {
int key_len(uint64_t key) {
  int n = 0;
  while (key != 0) {
    ++n;
    key >>= 16;
  }
  return n;
}
}  // namespace

size_t MarkovCounts::serialized_size() const {
  const Impl& m = *impl_;
  size_t n = 3 + 8 + 8 + m.total_value.serialized_size() + 4;
  for (uint32_t c = 0; c < m.channels.size(); ++c) n += 4 + m.channels.name(c).size();
  n += 4;
  for (uint32_t s = 1; s < m.state_key.size(); ++s) n += 1 + 4 * size_t(key_len(m.state_key[s]));
  n += 4 + m.transitions.size() * 16 + 4;
  for (uint32_t s = 1; s < m.value.size(); ++s)
    if (!m.value[s].is_zero()) n += 4 + m.value[s].serialized_size();
  return n;
}

void MarkovCounts::serialize_to(uint8_t* p) const {
  const Impl& m = *impl_;
  p = put_u8(p, kVersion);
  p = put_u8(p, kKind);
  p = put_u8(p, uint8_t(m.order));
  p = put_i64(p, m.conversions);
  p = put_i64(p, m.non_conversions);
  p = m.total_value.serialize_to(p);
  p = put_u32(p, uint32_t(m.channels.size()));
  for (uint32_t c = 0; c < m.channels.size(); ++c) {
    const std::string& name = m.channels.name(c);
    p = put_u32(p, uint32_t(name.size()));
    if (!name.empty()) std::memcpy(p, name.data(), name.size());
    p += name.size();
  }
  p = put_u32(p, m.states());
  for (uint32_t s = 1; s < m.state_key.size(); ++s) {
    const uint64_t key = m.state_key[s];
    const int len = key_len(key);
    p = put_u8(p, uint8_t(len));
    for (int i = 0; i < len; ++i) p = put_u32(p, uint32_t(((key >> (16 * i)) & 0xffff) - 1));
  }
  // Transitions sorted by (from, to): the bytes depend only on the ids, not
  // on the hash table's history.
  std::vector<std::pair<uint64_t, int64_t>> tr;
  tr.reserve(m.transitions.size());
  m.transitions.for_each([&](uint64_t k, int64_t count) { tr.emplace_back(k, count); });
  std::sort(tr.begin(), tr.end());
  p = put_u32(p, uint32_t(tr.size()));
  for (const auto& [k, count] : tr) {
    p = put_u32(p, uint32_t(k >> 32));
    p = put_u32(p, uint32_t(k));
    p = put_i64(p, count);
  }
  uint32_t nv = 0;
  for (uint32_t s = 1; s < m.value.size(); ++s) nv += !m.value[s].is_zero();
  p = put_u32(p, nv);
  for (uint32_t s = 1; s < m.value.size(); ++s) {
    if (m.value[s].is_zero()) continue;
    p = put_u32(p, s);
    p = m.value[s].serialize_to(p);
  }
}

std::string MarkovCounts::serialize() const {
  std::string out(serialized_size(), '\0');
  serialize_to(reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

MarkovCounts MarkovCounts::deserialize(const void* data, size_t size) {
  ByteReader r(data, size, kFn);
  if (r.u8() != kVersion) r.fail("unknown version");
  if (r.u8() != kKind) r.fail("not a markov_attribution state");
  const int order = r.u8();
  if (order < 1 || order > kMaxMarkovOrder) r.fail("bad chain order");
  MarkovCounts out(order);
  Impl& m = *out.impl_;
  m.conversions = r.i64();
  m.non_conversions = r.i64();
  if (m.conversions < 0 || m.non_conversions < 0) r.fail("negative total");
  r.exact_sum(&m.total_value);

  const uint32_t nch = r.u32();
  if (nch > kMaxMarkovStates) r.fail("too many channels");
  for (uint32_t c = 0; c < nch; ++c) {
    const uint32_t len = r.u32();
    if (len > r.remaining()) r.fail("truncated data");
    if (m.channels.intern(r.bytes(len), kMaxMarkovStates, kFn) != c)
      r.fail("duplicate channel name");
  }
  const uint32_t ns = r.u32();
  if (ns > kMaxMarkovStates) r.fail("too many states");
  if (order == 1 && ns != nch) r.fail("state count differs from channel count");
  std::vector<uint8_t> last_seen(nch, 0);
  for (uint32_t s = 1; s <= ns; ++s) {
    const int len = r.u8();
    if (len < 1 || len > order) r.fail("bad state tuple length");
    uint64_t key = 0;
    uint32_t last = 0, prev = UINT32_MAX;
    for (int i = 0; i < len; ++i) {
      const uint32_t c = r.u32();
      if (c >= nch) r.fail("channel id out of range");
      if (c == prev) r.fail("state tuple repeats a channel consecutively");
      key |= uint64_t(c + 1) << (16 * i);
      last = prev = c;
    }
    if (order == 1) {
      if (last != s - 1) r.fail("first-order states out of order");
      m.state_key.push_back(key);
      m.state_last.push_back(last);
    } else {
      bool inserted;
      uint32_t& id = m.state_index.get(key, 0, &inserted);
      if (!inserted) r.fail("duplicate state");
      id = s;
      m.state_key.push_back(key);
      m.state_last.push_back(last);
    }
    last_seen[last] = 1;
  }
  for (uint32_t c = 0; c < nch; ++c)
    if (!last_seen[c]) r.fail("channel without a state");

  // Transitions, with the flow balance of every state.
  const uint32_t nt = r.u32();
  if (nt > r.remaining() / 16) r.fail("truncated data");
  std::vector<__int128> in(ns + 1, 0), out_flow(ns + 1, 0);
  std::vector<uint8_t> converts(ns + 1, 0);
  __int128 conv = 0, null = 0;
  for (uint32_t i = 0; i < nt; ++i) {
    const uint32_t from = r.u32(), to = r.u32();
    const int64_t count = r.i64();
    if (from > ns) r.fail("transition from an unknown state");
    if (to < kConv && (to == 0 || to > ns)) r.fail("transition to an unknown state");
    if (to == from) r.fail("self-transition");
    if (from == 0 && to >= kConv) r.fail("transition from start to an end state");
    if (count <= 0) r.fail("transition count not positive");
    bool inserted;
    m.transitions.get(tkey(from, to), count, &inserted);
    if (!inserted) r.fail("duplicate transition");
    out_flow[from] += count;
    if (to == kConv) {
      conv += count;
      converts[from] = 1;
    } else if (to == kNull) {
      null += count;
    } else {
      in[to] += count;
    }
  }
  if (conv != m.conversions || null != m.non_conversions)
    r.fail("transition counts do not match the totals");
  if (out_flow[0] != conv + null) r.fail("start count does not match the totals");
  for (uint32_t s = 1; s <= ns; ++s)
    if (in[s] != out_flow[s]) r.fail("unbalanced state");

  const uint32_t nv = r.u32();
  if (nv > ns) r.fail("too many value sums");
  ExactSum total;
  uint32_t prev_state = 0;
  for (uint32_t i = 0; i < nv; ++i) {
    const uint32_t s = r.u32();
    if (s <= prev_state || s > ns) r.fail("value sum of an unknown state");
    if (!converts[s]) r.fail("value sum on a state without conversions");
    prev_state = s;
    ExactSum v;
    r.exact_sum(&v);
    if (v.is_zero()) r.fail("zero value sum");
    m.add_value(s, v);
    total.add(v);
  }
  if (!(total == m.total_value)) r.fail("value sums do not match the total");
  r.expect_end();
  return out;
}

// ---------------------------------------------------------------------------
// Solver

namespace {

// Rows i and columns j < n of the row-major matrix `a` (stride ncols) hold
// A = I - Q of the pruned chain; columns n.. hold right-hand sides, column n
// being the exit vector e = A 1 (probability of leaving to conversion, null or
// a pruned state in one step). sweep() runs Gauss-Jordan in place without
// pivoting, so that afterwards columns < n hold G = A^-1 and column c >= n
// holds G times the original column.
//
// A is a nonsingular M-matrix (Q >= 0 substochastic, and every kept state
// reaches an exit), so elimination needs no pivoting: every Schur complement
// is again an M-matrix. Each pivot is computed GTH-style (Grassmann, Taksar,
// Heyman 1985) as the exit mass of the row plus the magnitudes of its
// off-diagonal entries in the not yet swept columns, instead of the
// cancellation-prone diagonal update; the exit column is swept along to keep
// the row exits current. Every other update then adds quantities of one sign
// (swept entries >= 0, off-diagonal Schur entries <= 0), so nothing cancels
// and every entry of G is obtained to a small relative error, even for
// chains that loop for a very long time before leaving.
//
// Blocked: pivots are processed in panels of kPanel. Rows and columns of the
// panel are updated at once; the rest of the matrix gets one rank-kPanel
// update per panel (A_rest -= C R with C the panel columns at panel start and
// R the final panel rows), which keeps the working set in cache.
constexpr size_t kPanel = 32;

// ri[j] -= c0 r0[j] + c1 r1[j] + c2 r2[j] + c3 r3[j] for j in [lo, hi), two
// lanes at a time with GCC vector extensions (-O2 does not vectorize it; each
// lane computes exactly the scalar expression, so results do not change).
typedef double v2d __attribute__((vector_size(16), aligned(8)));
inline void update4(double* __restrict ri, const double* __restrict r0,
                    const double* __restrict r1, const double* __restrict r2,
                    const double* __restrict r3, double c0, double c1, double c2, double c3,
                    size_t lo, size_t hi) {
  size_t j = lo;
  const v2d C0 = {c0, c0}, C1 = {c1, c1}, C2 = {c2, c2}, C3 = {c3, c3};
  for (; j + 2 <= hi; j += 2) {
    v2d x;
    std::memcpy(&x, ri + j, sizeof x);
    v2d a0, a1, a2, a3;
    std::memcpy(&a0, r0 + j, sizeof a0);
    std::memcpy(&a1, r1 + j, sizeof a1);
    std::memcpy(&a2, r2 + j, sizeof a2);
    std::memcpy(&a3, r3 + j, sizeof a3);
    x -= C0 * a0 + C1 * a1 + C2 * a2 + C3 * a3;
    std::memcpy(ri + j, &x, sizeof x);
  }
  for (; j < hi; ++j) ri[j] -= c0 * r0[j] + c1 * r1[j] + c2 * r2[j] + c3 * r3[j];
}

void sweep(std::vector<double>& a, size_t n, size_t ncols) {
  std::vector<double> C(n * kPanel);
  for (size_t k0 = 0; k0 < n; k0 += kPanel) {
    const size_t kb = std::min(kPanel, n - k0), k1 = k0 + kb;
    for (size_t i = 0; i < n; ++i) {
      if (i >= k0 && i < k1) continue;
      for (size_t m = 0; m < kb; ++m) C[i * kPanel + m] = a[i * ncols + k0 + m];
    }
    for (size_t k = k0; k < k1; ++k) {
      double* __restrict rk = &a[k * ncols];
      double piv = rk[n];  // exit mass of row k in the current Schur complement
      for (size_t j = k + 1; j < n; ++j) piv -= rk[j];  // rk[j] <= 0
      if (!(piv > 0) || !std::isfinite(piv))
        throw Error(sqlstate::kInternalError, "markov_attribution: singular chain");
      const double p = 1.0 / piv;
      for (size_t j = 0; j < ncols; ++j) rk[j] *= p;
      rk[k] = p;
      // Panel rows: the whole row.
      for (size_t i = k0; i < k1; ++i) {
        if (i == k) continue;
        double* __restrict ri = &a[i * ncols];
        const double f = ri[k];
        if (f == 0) continue;
        for (size_t j = 0; j < ncols; ++j) ri[j] -= f * rk[j];
        ri[k] = -f * p;
      }
      // Other rows: the panel columns only.
      for (size_t i = 0; i < n; ++i) {
        if (i >= k0 && i < k1) continue;
        double* __restrict ri = &a[i * ncols];
        const double f = ri[k];
        if (f == 0) continue;
        for (size_t j = k0; j < k1; ++j) ri[j] -= f * rk[j];
        ri[k] = -f * p;
      }
    }
    // Deferred rank-kb update of the other rows outside the panel columns.
    for (size_t i = 0; i < n; ++i) {
      if (i >= k0 && i < k1) continue;
      double* __restrict ri = &a[i * ncols];
      const double* ci = &C[i * kPanel];
      size_t m = 0;
      for (; m + 4 <= kb; m += 4) {
        const double c0 = ci[m], c1 = ci[m + 1], c2 = ci[m + 2], c3 = ci[m + 3];
        if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) continue;
        const double* __restrict r0 = &a[(k0 + m) * ncols];
        const double* __restrict r1 = r0 + ncols;
        const double* __restrict r2 = r1 + ncols;
        const double* __restrict r3 = r2 + ncols;
        update4(ri, r0, r1, r2, r3, c0, c1, c2, c3, 0, k0);
        update4(ri, r0, r1, r2, r3, c0, c1, c2, c3, k1, ncols);
      }
      for (; m < kb; ++m) {
        const double c = ci[m];
        if (c == 0) continue;
        const double* __restrict r0 = &a[(k0 + m) * ncols];
        for (size_t j = 0; j < k0; ++j) ri[j] -= c * r0[j];
        for (size_t j = k1; j < ncols; ++j) ri[j] -= c * r0[j];
      }
    }
  }
}

// Solves the m x m system M x = b in place (b becomes x); Gaussian
// elimination with partial pivoting. Returns false when singular.
bool solve_small(std::vector<double>& M, std::vector<double>& b, size_t m) {
  for (size_t k = 0; k < m; ++k) {
    size_t p = k;
    for (size_t i = k + 1; i < m; ++i)
      if (std::fabs(M[i * m + k]) > std::fabs(M[p * m + k])) p = i;
    if (!(std::fabs(M[p * m + k]) > 0)) return false;
    if (p != k) {
      for (size_t j = 0; j < m; ++j) std::swap(M[k * m + j], M[p * m + j]);
      std::swap(b[k], b[p]);
    }
    for (size_t i = k + 1; i < m; ++i) {
      const double f = M[i * m + k] / M[k * m + k];
      if (f == 0) continue;
      for (size_t j = k; j < m; ++j) M[i * m + j] -= f * M[k * m + j];
      b[i] -= f * b[k];
    }
  }
  for (size_t k = m; k-- > 0;) {
    double s = b[k];
    for (size_t j = k + 1; j < m; ++j) s -= M[k * m + j] * b[j];
    b[k] = s / M[k * m + k];
  }
  return true;
}

double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace

MarkovResult solve_markov(const MarkovCounts& counts) {
  const MarkovCounts::Impl& m = counts.impl();
  MarkovResult res;
  res.total_conversions = m.conversions;
  res.total_value = m.total_value.value();
  const uint32_t nch = uint32_t(m.channels.size());
  const uint32_t ns = m.states();

  // Channels by name; states by their tuples of channel ranks.
  std::vector<uint32_t> by_name(nch);
  std::iota(by_name.begin(), by_name.end(), 0u);
  std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) {
    return m.channels.name(a) < m.channels.name(b);
  });
  std::vector<uint32_t> rank(nch);
  for (uint32_t i = 0; i < nch; ++i) rank[by_name[i]] = i;
  for (uint32_t c : by_name) res.channels.push_back(m.channels.name(c));
  res.removal_effect.assign(nch, 0.0);
  res.value_removal_effect.assign(nch, 0.0);
  if (ns == 0) return res;

  std::vector<std::vector<uint32_t>> tuple(ns + 1);
  for (uint32_t s = 1; s <= ns; ++s)
    for (uint64_t key = m.state_key[s]; key != 0; key >>= 16)
      tuple[s].push_back(rank[uint32_t(key & 0xffff) - 1]);
  std::vector<uint32_t> order(ns);
  std::iota(order.begin(), order.end(), 1u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return tuple[a] < tuple[b]; });

  // Adjacency (state ids), outgoing totals, and which states reach an end.
  std::vector<__int128> out_total(ns + 1, 0);
  std::vector<std::vector<uint32_t>> succ(ns + 1), pred(ns + 1);
  std::vector<uint8_t> ends(ns + 1, 0);
  m.transitions.for_each([&](uint64_t k, int64_t count) {
    const uint32_t from = uint32_t(k >> 32), to = uint32_t(k);
    out_total[from] += count;
    if (to >= kConv) {
      ends[from] = 1;
    } else {
      succ[from].push_back(to);
      pred[to].push_back(from);
    }
  });
  std::vector<uint8_t> fwd(ns + 1, 0), bwd(ns + 1, 0);
  std::vector<uint32_t> stack{0};
  fwd[0] = 1;
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    for (uint32_t t : succ[s])
      if (!fwd[t]) fwd[t] = 1, stack.push_back(t);
  }
  for (uint32_t s = 1; s <= ns; ++s)
    if (ends[s]) bwd[s] = 1, stack.push_back(s);
  while (!stack.empty()) {
    const uint32_t s = stack.back();
    stack.pop_back();
    for (uint32_t t : pred[s])
      if (t != 0 && !bwd[t]) bwd[t] = 1, stack.push_back(t);
  }
  std::vector<uint32_t> pos(ns + 1, UINT32_MAX);  // state id -> matrix index
  std::vector<uint32_t> kept;
  for (uint32_t s : order)
    if (fwd[s] && bwd[s]) pos[s] = uint32_t(kept.size()), kept.push_back(s);
  const size_t T = kept.size();
  res.states = T;
  if (T == 0) return res;

  // [A | e | r | rv] with A = I - Q; s = start distribution. Probabilities
  // are count / outgoing count; e sums the exits (conversion, null, pruned
  // states) directly, never as 1 - sum.
  const size_t ncols = T + 3, kE = T, kR = T + 1, kRV = T + 2;
  std::vector<double> A(T * ncols, 0.0), start(T, 0.0);
  for (size_t i = 0; i < T; ++i) A[i * ncols + i] = 1.0;
  m.transitions.for_each([&](uint64_t k, int64_t count) {
    const uint32_t from = uint32_t(k >> 32), to = uint32_t(k);
    if (from != 0 && pos[from] == UINT32_MAX) return;
    if (from == 0 && to >= kConv) return;  // never built (deserialize rejects it)
    const double p = double(count) / double(out_total[from]);
    if (from == 0) {
      if (to < kConv && pos[to] != UINT32_MAX) start[pos[to]] = p;
      return;
    }
    double* row = &A[size_t(pos[from]) * ncols];
    if (to == kConv) {
      row[kR] = p;
      row[kE] += p;
    } else if (to == kNull || pos[to] == UINT32_MAX) {
      row[kE] += p;
    } else {
      row[pos[to]] = -p;
    }
  });
  for (size_t i = 0; i < T; ++i) {
    const uint32_t s = kept[i];
    if (s < m.value.size() && !m.value[s].is_zero())
      A[i * ncols + kRV] = m.value[s].value() / double(out_total[s]);
  }

  sweep(A, T, ncols);  // columns < T: G; kR: h = G r; kRV: hv = G rv
  auto G = [&](size_t i, size_t j) { return A[i * ncols + j]; };
  std::vector<double> h(T), hv(T), v(T, 0.0);
  for (size_t i = 0; i < T; ++i) {
    h[i] = G(i, kR);
    hv[i] = G(i, kRV);
  }
  for (size_t i = 0; i < T; ++i) {
    if (start[i] == 0) continue;
    const double* gi = &A[i * ncols];
    for (size_t j = 0; j < T; ++j) v[j] += start[i] * gi[j];
  }
  double P = 0, EV = 0;
  for (size_t i = 0; i < T; ++i) {
    P += start[i] * h[i];
    EV += start[i] * hv[i];
  }
  res.conversion_probability = P;
  res.expected_value = EV;
  if (!(P > 0)) return res;

  // Groups: kept states by last channel (in matrix order).
  std::vector<std::vector<uint32_t>> group(nch);
  for (size_t i = 0; i < T; ++i) group[rank[m.state_last[kept[i]]]].push_back(uint32_t(i));
  std::vector<double> M, f;
  for (uint32_t c = 0; c < nch; ++c) {
    const auto& S = group[c];
    if (S.empty()) continue;
    const size_t n = S.size();
    // f solves G_SS^T f = v_S.
    M.assign(n * n, 0.0);
    f.assign(n, 0.0);
    for (size_t a = 0; a < n; ++a) {
      f[a] = v[S[a]];
      for (size_t b = 0; b < n; ++b) M[a * n + b] = G(S[b], S[a]);
    }
    if (!solve_small(M, f, n))
      throw Error(sqlstate::kInternalError, "markov_attribution: singular block");
    double conv = 0, val = 0;
    for (size_t a = 0; a < n; ++a) {
      conv += f[a] * h[S[a]];
      val += f[a] * hv[S[a]];
    }
    res.removal_effect[c] = clamp01(conv / P);
    if (EV > 0) res.value_removal_effect[c] = clamp01(val / EV);
  }
  return res;
}

std::vector<ChannelCredit> markov_credits(const MarkovResult& res, bool by_value) {
  const std::vector<double>& re = by_value ? res.value_removal_effect : res.removal_effect;
  const double total = by_value ? res.total_value : double(res.total_conversions);
  double sum = 0;
  for (double x : re) sum += x;
  std::vector<ChannelCredit> out;
  out.reserve(re.size());
  for (size_t i = 0; i < re.size(); ++i)
    out.push_back({res.channels[i], re[i], sum > 0 ? re[i] / sum * total : 0.0});
  sort_channel_credits(out);
  return out;
}

}  // namespace cdp::core
