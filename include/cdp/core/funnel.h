// window_funnel: the pure C++ core (no PostgreSQL).
//
// Semantics: docs section 1 of the SQL API spec. Rows are sorted by
// (timestamp, smallest matched step index, matched set as a bitmask
// ascending); rows matching no step come last among equal timestamps. Every
// row matching step 1 starts a chain; step k+1 extends a chain at step k when
// the row's timestamp is <= chain start + window (inclusive). The result is
// the deepest chain over all chains.
//
// Per-row representation (FunnelEvent, 16 bytes):
//   - N <= 64 steps: `mask` is the set of matched steps, bit i = step i+1.
//   - 64 < N <= kMaxFunnelSteps: rows live in a FunnelEvents container; `mask`
//     holds (offset << 11) | count, pointing at `count` ascending step
//     indices (uint16_t) in FunnelEvents::pool. Cost: 16 + 2 * matched bytes.
// Rows matching no step are only needed under strict_order (they end chains);
// callers may drop them otherwise (see funnel_needs_unmatched_rows).
//
// Readings of the spec fixed here (also pinned by tests):
//   - A row matching several steps fills several steps of a chain in one go,
//     including the row that starts the chain, unless strict_once or
//     strict_increase (a chain's consecutive steps need increasing timestamps,
//     so one row can never fill two steps then).
//   - strict_deduplication: a row that does not extend a chain at level k but
//     matches one of the steps 1..k freezes that chain at k.
//   - strict_order: a row that neither extends a chain at level k nor matches
//     step k ends it. A row matching step k+1 that cannot extend because of
//     strict_increase (equal timestamp) does not extend it, so it ends the
//     chain unless it also matches step k.
//   - allow_reentry: a row matching step 1 never ends or freezes an existing
//     chain (whatever else it matches); it can still extend it.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cdp::core {

// Maximum number of steps of every funnel / sequence function. More -> 54000.
inline constexpr int kMaxFunnelSteps = 1024;
// Steps that fit the inline mask of a FunnelEvent.
inline constexpr int kInlineFunnelSteps = 64;

struct FunnelEvent {
  int64_t ts;
  uint64_t mask;  // see the header comment
};
static_assert(sizeof(FunnelEvent) == 16, "FunnelEvent must stay 16 bytes");

struct FunnelMode {
  bool strict_once = false;
  bool strict_increase = false;
  bool strict_deduplication = false;
  bool strict_order = false;
  bool allow_reentry = false;

  bool operator==(const FunnelMode& o) const {
    return strict_once == o.strict_once && strict_increase == o.strict_increase &&
           strict_deduplication == o.strict_deduplication && strict_order == o.strict_order &&
           allow_reentry == o.allow_reentry;
  }
};

// Comma-separated flags, spaces around them allowed; "" (or only spaces) is
// the default mode. Unknown or empty flag, or allow_reentry without
// strict_order -> Error 22023 naming the flag.
FunnelMode parse_funnel_mode(std::string_view text);

// True when rows matching no step influence the result (strict_order).
inline bool funnel_needs_unmatched_rows(const FunnelMode& m) { return m.strict_order; }

// Rows of one user for any N up to kMaxFunnelSteps.
class FunnelEvents {
 public:
  // nsteps < 1 -> 22023; nsteps > kMaxFunnelSteps -> 54000.
  explicit FunnelEvents(int nsteps);
  int nsteps() const { return nsteps_; }
  bool wide() const { return nsteps_ > kInlineFunnelSteps; }
  // Adds a row matching the given 0-based step indices (any order, duplicates
  // allowed; out-of-range -> 22023).
  void add(int64_t ts, const int* steps, size_t n);
  void add(int64_t ts, const std::vector<int>& steps) { add(ts, steps.data(), steps.size()); }
  // Only when !wide(): bit i = step i.
  void add_mask(int64_t ts, uint64_t mask);
  size_t size() const { return rows.size(); }
  size_t memory_bytes() const {
    return rows.size() * sizeof(FunnelEvent) + pool.size() * sizeof(uint16_t);
  }

  std::vector<FunnelEvent> rows;
  std::vector<uint16_t> pool;  // wide() only

 private:
  int nsteps_;
};

// Sorts rows in the spec's order: timestamp, then smallest matched index,
// then the matched set as a bitmask (ascending); rows matching nothing last
// among equal timestamps. Rows equal in this order are identical, so the
// order is total: merging sorted runs gives the same rows as sorting all.
// The narrow form clears mask bits at or beyond nsteps (1..64).
void sort_funnel_rows(FunnelEvent* rows, size_t n, int nsteps);
void sort_funnel_rows(FunnelEvents& events);
// True when a sorts before b (narrow masks, bits beyond the steps cleared).
inline bool funnel_row_less(const FunnelEvent& a, const FunnelEvent& b) {
  if (a.ts != b.ts) return a.ts < b.ts;
  const int ia = a.mask ? __builtin_ctzll(a.mask) : 64;
  const int ib = b.mask ? __builtin_ctzll(b.mask) : 64;
  if (ia != ib) return ia < ib;
  return a.mask < b.mask;
}

// Sorts `events` in the spec's order and returns the deepest chain level
// 0..nsteps. window (microseconds) INT64_MAX means unbounded: two valid
// timestamps can be further apart than that, and callers saturate larger
// windows to INT64_MAX. Inline masks only: nsteps must be <= 64 (use FunnelEvents for
// more). window < 0 -> 22023; nsteps > kMaxFunnelSteps -> 54000; nsteps < 1
// or 64 < nsteps -> 22023; allow_reentry without strict_order -> 22023.
int window_funnel(std::vector<FunnelEvent>& events, int nsteps, int64_t window,
                  FunnelMode mode = {});
int window_funnel(FunnelEvents& events, int64_t window, FunnelMode mode = {});

// For the deepest chain (ties: earliest start, then earliest completion):
// element k is the time from step 1 to step k+2 (k = 0..level-2); empty when
// the level is <= 1. Same errors as window_funnel. Times are never negative
// but two valid timestamps can be more than INT64_MAX microseconds apart:
// read an element as uint64_t to get its exact value.
std::vector<int64_t> window_funnel_times(std::vector<FunnelEvent>& events, int nsteps,
                                         int64_t window, FunnelMode mode = {});
std::vector<int64_t> window_funnel_times(FunnelEvents& events, int64_t window,
                                         FunnelMode mode = {});

// The same on rows already in the canonical order (sort_funnel_rows): for
// callers that keep sorted runs and merge them (aggregate states).
int window_funnel_sorted(const FunnelEvent* rows, size_t n, int nsteps, int64_t window,
                         FunnelMode mode = {});
int window_funnel_sorted(const FunnelEvents& events, int64_t window, FunnelMode mode = {});
std::vector<int64_t> window_funnel_times_sorted(const FunnelEvent* rows, size_t n,
                                                int nsteps, int64_t window,
                                                FunnelMode mode = {});
std::vector<int64_t> window_funnel_times_sorted(const FunnelEvents& events, int64_t window,
                                                FunnelMode mode = {});

}  // namespace cdp::core
