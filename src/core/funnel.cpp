// window_funnel core; see include/cdp/core/funnel.h.
//
// Engine: rows are sorted once, then scanned in order while a set of live
// chains is kept (state: start, timestamp of the last reached step, level).
// A chain leaves the set when it reaches N, when the current row is beyond its
// window, or when it ends (strict_order) / freezes (strict_deduplication);
// its level is recorded first. After each row the set is pruned: a chain A is
// dropped when another live chain B at the same level started no earlier and
// is no more restricted by strict_increase (B.last <= A.last, or B.last is
// before the next row's timestamp so the restriction no longer matters).
// Every rule of the spec then treats B at least as well as A on every future
// row (same rows, wider window, weaker timestamp restriction), so B reaches at
// least A's level; the randomized test against a literal brute force checks
// this for every mode combination. Without strict_increase this leaves at most
// one chain per level: O(rows x N) time and O(N) space per user.
//
// window_funnel_times needs the earliest-starting deepest chain, which the
// pruning above (it keeps the latest start) would lose: see run_times.
#include "cdp/core/text_util.h"
#include "cdp/core/funnel.h"

#include <algorithm>
#include <climits>
#include <string>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {


void check_nsteps(int nsteps) {
  if (nsteps > kMaxFunnelSteps)
    throw Error(sqlstate::kProgramLimitExceeded,
                "window_funnel supports at most " + std::to_string(kMaxFunnelSteps) +
                    " steps, got " + std::to_string(nsteps));
  if (nsteps < 1)
    throw Error(sqlstate::kInvalidParameterValue, "window_funnel needs at least one step");
}

void check_args(int nsteps, int64_t window, const FunnelMode& mode) {
  check_nsteps(nsteps);
  if (window < 0)
    throw Error(sqlstate::kInvalidParameterValue, "window_funnel window must not be negative");
  if (mode.allow_reentry && !mode.strict_order)
    throw Error(sqlstate::kInvalidParameterValue,
                "window_funnel mode flag \"allow_reentry\" requires \"strict_order\"");
}

inline bool in_window(int64_t ts, int64_t start, int64_t window) {
  // ts >= start always (rows are sorted); the difference fits in uint64.
  // INT64_MAX is a saturated (larger) window: unbounded, since two valid
  // timestamps can be more than INT64_MAX microseconds apart.
  return static_cast<uint64_t>(ts) - static_cast<uint64_t>(start) <=
             static_cast<uint64_t>(window) ||
         window == INT64_MAX;
}

// Row access for inline masks.
struct NarrowRows {
  const FunnelEvent* r;
  int64_t ts(size_t i) const { return r[i].ts; }
  bool has(size_t i, int s) const { return (r[i].mask >> s) & 1u; }
  int min_idx(size_t i) const {
    return r[i].mask ? __builtin_ctzll(r[i].mask) : INT_MAX;
  }
};

// Row access for pooled index lists.
struct WideRows {
  const FunnelEvent* r;
  const uint16_t* pool;
  static size_t off(uint64_t m) { return static_cast<size_t>(m >> 11); }
  static size_t cnt(uint64_t m) { return static_cast<size_t>(m & 2047u); }
  int64_t ts(size_t i) const { return r[i].ts; }
  bool has(size_t i, int s) const {
    const uint16_t* b = pool + off(r[i].mask);
    const uint16_t* e = b + cnt(r[i].mask);
    return std::binary_search(b, e, static_cast<uint16_t>(s));
  }
  int min_idx(size_t i) const {
    return cnt(r[i].mask) ? pool[off(r[i].mask)] : INT_MAX;
  }
};

void sort_narrow(FunnelEvent* ev, size_t n, int nsteps) {
  // Bits beyond the steps are not conditions of this funnel: clear them.
  if (nsteps < 64) {
    const uint64_t keep = (uint64_t{1} << nsteps) - 1;
    for (size_t i = 0; i < n; ++i) ev[i].mask &= keep;
  }
  if (n <= 24) {
    // Typical users have a handful of rows: insertion sort beats std::sort's
    // set-up there (and is adaptive: rows mostly arrive in time order).
    for (size_t i = 1; i < n; ++i) {
      const FunnelEvent x = ev[i];
      size_t j = i;
      for (; j > 0 && funnel_row_less(x, ev[j - 1]); --j) ev[j] = ev[j - 1];
      ev[j] = x;
    }
    return;
  }
  std::sort(ev, ev + n, funnel_row_less);
}
void sort_narrow(std::vector<FunnelEvent>& ev, int nsteps) {
  sort_narrow(ev.data(), ev.size(), nsteps);
}

void sort_wide(FunnelEvents& ev) {
  const uint16_t* pool = ev.pool.data();
  std::sort(ev.rows.begin(), ev.rows.end(), [pool](const FunnelEvent& a, const FunnelEvent& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    size_t ca = WideRows::cnt(a.mask), cb = WideRows::cnt(b.mask);
    if ((ca == 0) != (cb == 0)) return cb == 0;  // unmatched rows last
    if (ca == 0) return false;
    const uint16_t* pa = pool + WideRows::off(a.mask);
    const uint16_t* pb = pool + WideRows::off(b.mask);
    if (pa[0] != pb[0]) return pa[0] < pb[0];
    // Bitmask order = lexicographic order of the descending index lists.
    return std::lexicographical_compare(std::make_reverse_iterator(pa + ca),
                                        std::make_reverse_iterator(pa),
                                        std::make_reverse_iterator(pb + cb),
                                        std::make_reverse_iterator(pb));
  });
}

struct Chain {
  int64_t start;
  int64_t last;   // timestamp of the last reached step
  int level;      // 1..N
  uint32_t slot;  // index of the step-time record (times engine only)
};

// Applies row i to chain c (start/window already checked). Returns false when
// the chain ends (strict_order) or freezes (strict_deduplication). `times`,
// when not null, receives the timestamps of newly reached steps.
template <class Rows>
inline bool advance(const Rows& rows, size_t i, int n, const FunnelMode& m, Chain& c,
                    int64_t* times) {
  const int64_t t = rows.ts(i);
  const int k = c.level;
  if (rows.has(i, k) && (!m.strict_increase || t > c.last)) {
    if (times) times[k] = t;
    c.level = k + 1;
    c.last = t;
    if (!m.strict_once && !m.strict_increase) {
      while (c.level < n && rows.has(i, c.level)) {
        if (times) times[c.level] = t;
        ++c.level;
      }
    }
    return true;
  }
  const bool reentry = m.allow_reentry && rows.has(i, 0);
  if (reentry) return true;
  if (m.strict_order && !rows.has(i, k - 1)) return false;
  if (m.strict_deduplication && rows.min_idx(i) < k) return false;
  return true;
}

template <class Rows>
inline void start_chain(const Rows& rows, size_t i, int n, const FunnelMode& m, Chain& c,
                        int64_t* times) {
  const int64_t t = rows.ts(i);
  c.start = t;
  c.last = t;
  c.level = 1;
  if (times) times[0] = t;
  if (!m.strict_once && !m.strict_increase) {
    while (c.level < n && rows.has(i, c.level)) {
      if (times) times[c.level] = t;
      ++c.level;
    }
  }
}

template <class Rows>
int run_level(const Rows& rows, size_t nrows, int n, int64_t window, const FunnelMode& m,
              size_t start_hi) {
  int best = 0;
  // Scratch reused across calls (an aggregate calls this once per user, so
  // four allocations per call would cost more than the work for ~10 rows).
  struct Scratch {
    std::vector<Chain> chains, next;
    std::vector<int64_t> min_last;   // per level: min `last` of kept later chains
    std::vector<uint32_t> stamp;
  };
  thread_local Scratch sc;
  std::vector<Chain>& chains = sc.chains;
  std::vector<Chain>& next = sc.next;
  chains.clear();
  std::vector<int64_t>& min_last = sc.min_last;
  std::vector<uint32_t>& stamp = sc.stamp;
  min_last.resize(static_cast<size_t>(n) + 1);
  stamp.assign(static_cast<size_t>(n) + 1, 0);
  uint32_t epoch = 0;
  for (size_t i = 0; i < nrows; ++i) {
    const int64_t t = rows.ts(i);
    size_t w = 0;
    for (size_t j = 0; j < chains.size(); ++j) {
      Chain c = chains[j];
      if (!in_window(t, c.start, window)) continue;  // level already recorded
      bool alive = advance(rows, i, n, m, c, nullptr);
      if (c.level > best) best = c.level;
      if (alive && c.level < n) chains[w++] = c;
    }
    chains.resize(w);
    if (i < start_hi && rows.has(i, 0)) {
      Chain c{};
      start_chain(rows, i, n, m, c, nullptr);
      if (c.level > best) best = c.level;
      if (c.level < n) chains.push_back(c);
    }
    if (best == n) return n;
    if (chains.size() > 1) {
      // Chains are in nondecreasing start order; walk from the latest start.
      const bool more = i + 1 < nrows;
      const int64_t next_ts = more ? rows.ts(i + 1) : t;
      if (++epoch == 0) {
        std::fill(stamp.begin(), stamp.end(), 0);
        epoch = 1;
      }
      next.clear();
      for (size_t j = chains.size(); j-- > 0;) {
        const Chain& c = chains[j];
        const size_t lv = static_cast<size_t>(c.level);
        if (stamp[lv] == epoch) {
          if (!m.strict_increase) continue;
          const int64_t b = min_last[lv];
          if (b <= c.last || (more && b < next_ts)) continue;
          if (c.last < min_last[lv]) min_last[lv] = c.last;
        } else {
          stamp[lv] = epoch;
          min_last[lv] = c.last;
        }
        next.push_back(c);
      }
      chains.assign(next.rbegin(), next.rend());
    }
  }
  return best;
}

template <class Rows>
std::vector<int64_t> run_times_exhaustive(const Rows& rows, size_t nrows, int n,
                                          int64_t window, const FunnelMode& m, size_t start_lo,
                                          size_t start_hi) {
  std::vector<Chain> chains;
  std::vector<int64_t> times;  // n per slot
  std::vector<uint32_t> free_slots;
  int best_level = 0;
  std::vector<int64_t> best_times;
  std::vector<uint32_t> seen;
  uint32_t epoch = 0;
  auto consider = [&](const Chain& c) {
    const int64_t* tt = times.data() + static_cast<size_t>(c.slot) * n;
    if (c.level < best_level) return;
    if (c.level == best_level) {
      if (best_level == 0) return;
      // Ties: earliest start, then earliest completion.
      if (tt[0] > best_times[0]) return;
      if (tt[0] == best_times[0] && tt[c.level - 1] >= best_times[c.level - 1]) return;
    }
    best_level = c.level;
    best_times.assign(tt, tt + c.level);
  };
  for (size_t i = 0; i < nrows; ++i) {
    const int64_t t = rows.ts(i);
    size_t w = 0;
    for (size_t j = 0; j < chains.size(); ++j) {
      Chain c = chains[j];
      if (!in_window(t, c.start, window)) {
        free_slots.push_back(c.slot);
        continue;
      }
      const int before = c.level;
      bool alive = advance(rows, i, n, m, c, times.data() + static_cast<size_t>(c.slot) * n);
      if (c.level != before) consider(c);
      if (alive && c.level < n) {
        chains[w++] = c;
      } else {
        free_slots.push_back(c.slot);
      }
    }
    chains.resize(w);
    if (i >= start_lo && i < start_hi && rows.has(i, 0)) {
      Chain c{};
      if (free_slots.empty()) {
        c.slot = static_cast<uint32_t>(times.size() / static_cast<size_t>(n));
        times.resize(times.size() + static_cast<size_t>(n));
      } else {
        c.slot = free_slots.back();
        free_slots.pop_back();
      }
      start_chain(rows, i, n, m, c, times.data() + static_cast<size_t>(c.slot) * n);
      consider(c);
      if (c.level < n) {
        chains.push_back(c);
      } else {
        free_slots.push_back(c.slot);
      }
    }
    // All chains here share one start timestamp. Two chains at the same level
    // that are equally restricted by strict_increase for the rows still to
    // come (last step at the next row's timestamp or not) behave identically
    // from now on; the earlier-created one is always considered first, so the
    // other can never become the answer: drop it. At most 2N chains remain.
    if (chains.size() > 1) {
      if (seen.size() < 2 * static_cast<size_t>(n) + 2) seen.assign(2 * static_cast<size_t>(n) + 2, 0);
      if (++epoch == 0) {
        std::fill(seen.begin(), seen.end(), 0);
        epoch = 1;
      }
      const bool more = i + 1 < nrows;
      const int64_t next_ts = more ? rows.ts(i + 1) : t;
      size_t keep = 0;
      for (size_t j = 0; j < chains.size(); ++j) {
        const Chain& c = chains[j];
        const bool restricted = m.strict_increase && more && c.last >= next_ts;
        const size_t key = 2 * static_cast<size_t>(c.level) + (restricted ? 1 : 0);
        if (seen[key] == epoch) {
          free_slots.push_back(c.slot);
          continue;
        }
        seen[key] = epoch;
        chains[keep++] = c;
      }
      chains.resize(keep);
    }
  }
  std::vector<int64_t> out;
  for (int k = 1; k < best_level; ++k)
    out.push_back(static_cast<int64_t>(static_cast<uint64_t>(best_times[k]) -
                                       static_cast<uint64_t>(best_times[0])));
  return out;
}

// Deepest chain, ties earliest start then earliest completion. g(s) = deepest
// level over chains starting at rows <= s is nondecreasing in s, so a binary
// search with the pruned level engine finds the first step-1 row reaching the
// deepest level L; the chains starting at that row's timestamp (the tie group)
// are then followed one by one to break ties on completion.
// Cost: O(rows x N x log rows) plus O(rows x step-1 rows sharing that timestamp).
template <class Rows>
std::vector<int64_t> run_times(const Rows& rows, size_t nrows, int n, int64_t window,
                               const FunnelMode& m) {
  const int deepest = run_level(rows, nrows, n, window, m, nrows);
  if (deepest <= 1) return {};
  std::vector<size_t> starts;
  for (size_t i = 0; i < nrows; ++i)
    if (rows.has(i, 0)) starts.push_back(i);
  size_t lo = 0, hi = starts.size() - 1;  // g(starts[hi]) == deepest
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (run_level(rows, nrows, n, window, m, starts[mid] + 1) == deepest) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const size_t first = starts[lo];
  size_t end = first + 1;
  while (end < nrows && rows.ts(end) == rows.ts(first)) ++end;
  return run_times_exhaustive(rows, nrows, n, window, m, first, end);
}

}  // namespace

FunnelMode parse_funnel_mode(std::string_view text) {
  FunnelMode m;
  if (trim(text).empty()) return m;
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view tok =
        trim(text.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                              : comma - pos));
    if (tok == "strict_once") {
      m.strict_once = true;
    } else if (tok == "strict_increase") {
      m.strict_increase = true;
    } else if (tok == "strict_deduplication") {
      m.strict_deduplication = true;
    } else if (tok == "strict_order") {
      m.strict_order = true;
    } else if (tok == "allow_reentry") {
      m.allow_reentry = true;
    } else if (tok.empty()) {
      throw Error(sqlstate::kInvalidParameterValue, "empty window_funnel mode flag",
                  "mode: \"" + std::string(text) + "\"");
    } else {
      throw Error(sqlstate::kInvalidParameterValue,
                  "unknown window_funnel mode flag \"" + std::string(tok) + "\"",
                  {},
                  "valid flags: strict_once, strict_increase, strict_deduplication, "
                  "strict_order, allow_reentry");
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (m.allow_reentry && !m.strict_order)
    throw Error(sqlstate::kInvalidParameterValue,
                "window_funnel mode flag \"allow_reentry\" requires \"strict_order\"");
  return m;
}

void sort_funnel_rows(FunnelEvent* rows, size_t n, int nsteps) {
  check_nsteps(nsteps);
  if (nsteps > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline funnel masks hold at most 64 steps; use FunnelEvents");
  sort_narrow(rows, n, nsteps);
}

void sort_funnel_rows(FunnelEvents& events) {
  if (events.wide())
    sort_wide(events);
  else
    sort_narrow(events.rows, events.nsteps());
}

FunnelEvents::FunnelEvents(int nsteps) : nsteps_(nsteps) { check_nsteps(nsteps); }

void FunnelEvents::add(int64_t ts, const int* steps, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (steps[i] < 0 || steps[i] >= nsteps_)
      throw Error(sqlstate::kInvalidParameterValue,
                  "funnel step index " + std::to_string(steps[i]) + " out of range");
  if (!wide()) {
    uint64_t mask = 0;
    for (size_t i = 0; i < n; ++i) mask |= uint64_t{1} << steps[i];
    rows.push_back(FunnelEvent{ts, mask});
    return;
  }
  const size_t off = pool.size();
  for (size_t i = 0; i < n; ++i) pool.push_back(static_cast<uint16_t>(steps[i]));
  std::sort(pool.begin() + static_cast<std::ptrdiff_t>(off), pool.end());
  pool.erase(std::unique(pool.begin() + static_cast<std::ptrdiff_t>(off), pool.end()),
             pool.end());
  const uint64_t cnt = pool.size() - off;
  rows.push_back(FunnelEvent{ts, (static_cast<uint64_t>(off) << 11) | cnt});
}

void FunnelEvents::add_mask(int64_t ts, uint64_t mask) {
  if (wide())
    throw Error(sqlstate::kInternalError, "FunnelEvents::add_mask on a wide funnel");
  if (nsteps_ < 64 && (mask >> nsteps_) != 0)
    throw Error(sqlstate::kInvalidParameterValue, "funnel mask has bits beyond the steps");
  rows.push_back(FunnelEvent{ts, mask});
}

int window_funnel(std::vector<FunnelEvent>& events, int nsteps, int64_t window,
                  FunnelMode mode) {
  check_args(nsteps, window, mode);
  if (nsteps > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline funnel masks hold at most 64 steps; use FunnelEvents");
  sort_narrow(events, nsteps);
  return run_level(NarrowRows{events.data()}, events.size(), nsteps, window, mode,
                   events.size());
}

int window_funnel(FunnelEvents& events, int64_t window, FunnelMode mode) {
  check_args(events.nsteps(), window, mode);
  if (!events.wide()) return window_funnel(events.rows, events.nsteps(), window, mode);
  sort_wide(events);
  return run_level(WideRows{events.rows.data(), events.pool.data()}, events.rows.size(),
                   events.nsteps(), window, mode, events.rows.size());
}

std::vector<int64_t> window_funnel_times(std::vector<FunnelEvent>& events, int nsteps,
                                         int64_t window, FunnelMode mode) {
  check_args(nsteps, window, mode);
  if (nsteps > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline funnel masks hold at most 64 steps; use FunnelEvents");
  sort_narrow(events, nsteps);
  return run_times(NarrowRows{events.data()}, events.size(), nsteps, window, mode);
}

std::vector<int64_t> window_funnel_times(FunnelEvents& events, int64_t window,
                                         FunnelMode mode) {
  check_args(events.nsteps(), window, mode);
  if (!events.wide()) return window_funnel_times(events.rows, events.nsteps(), window, mode);
  sort_wide(events);
  return run_times(WideRows{events.rows.data(), events.pool.data()}, events.rows.size(),
                   events.nsteps(), window, mode);
}

int window_funnel_sorted(const FunnelEvent* rows, size_t n, int nsteps, int64_t window,
                         FunnelMode mode) {
  check_args(nsteps, window, mode);
  if (nsteps > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline funnel masks hold at most 64 steps; use FunnelEvents");
  return run_level(NarrowRows{rows}, n, nsteps, window, mode, n);
}

int window_funnel_sorted(const FunnelEvents& events, int64_t window, FunnelMode mode) {
  if (!events.wide())
    return window_funnel_sorted(events.rows.data(), events.rows.size(), events.nsteps(),
                                window, mode);
  check_args(events.nsteps(), window, mode);
  return run_level(WideRows{events.rows.data(), events.pool.data()}, events.rows.size(),
                   events.nsteps(), window, mode, events.rows.size());
}

std::vector<int64_t> window_funnel_times_sorted(const FunnelEvent* rows, size_t n,
                                                int nsteps, int64_t window,
                                                FunnelMode mode) {
  check_args(nsteps, window, mode);
  if (nsteps > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline funnel masks hold at most 64 steps; use FunnelEvents");
  return run_times(NarrowRows{rows}, n, nsteps, window, mode);
}

std::vector<int64_t> window_funnel_times_sorted(const FunnelEvents& events, int64_t window,
                                                FunnelMode mode) {
  if (!events.wide())
    return window_funnel_times_sorted(events.rows.data(), events.rows.size(),
                                      events.nsteps(), window, mode);
  check_args(events.nsteps(), window, mode);
  return run_times(WideRows{events.rows.data(), events.pool.data()}, events.rows.size(),
                   events.nsteps(), window, mode);
}

}  // namespace cdp::core
