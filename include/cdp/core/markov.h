// markov_attribution: the pure C++ core (no PostgreSQL). Contract: section 4
// of the SQL API spec.
//
// Model. Each path row (channels c_1..c_n, conversions, non_conversions,
// optional conversion value) is read as conversions + non_conversions
// journeys start -> c_1 -> ... -> c_n -> (conversion | null). Consecutive
// repeats are collapsed first (A > A > B -> A > B). A chain of order k has
// one transient state per tuple of the last min(i, k) channels after step i
// (so a journey's first k-1 states are shorter tuples: order 2 gives
// start -> (A) -> (A,B) -> (B,C) -> ...). Transition probabilities are the
// observed transition counts divided by the state's total outgoing count.
//
// Why repeats are collapsed, and the "A 2.0, B 1.0" worked case. Paths
// A>B>A>B>B>A, A>B>B>A>A, A>A, one conversion each, no nulls. Collapsed they
// are A>B>A>B>A, A>B>A, A, giving start->A 3, A->B 3, B->A 3, A->conv 3:
// from A, B or conversion with 1/2 each; from B, always A. P(conv) = 1.
// Removing A: nothing converts, RE_A = 1. Removing B: A->B goes to null,
// P = 1/2, RE_B = 1/2. Credits: 3 * 1/1.5 = 2 and 3 * 0.5/1.5 = 1, exactly.
// For order 1, keeping the repeats as self-loops (A->A) would give the same
// numbers: a self-loop only delays the chain, it never changes where it is
// absorbed. What does change the result is counting a transition once per
// path instead of once per occurrence (A->B 2, A->conv 3 there: A 2.14,
// B 0.86); we count every occurrence. For order >= 2 the collapse matters
// (it removes states like (A,A)); it is applied before the tuples are built.
// Simulators report about 1.99/1.01 here because they estimate these
// probabilities by sampling journeys.
//
// Removal effect. Removing channel c redirects every transition into a state
// whose last channel is c to null (for order >= 2, any state containing c is
// only reachable through one ending in c, so this removes them all).
// RE_c = 1 - P(conv | c removed) / P(conv). We never simulate and never
// subtract: with G = (I - Q)^-1 (Q = transient-to-transient probabilities),
// h = G r (r = one-step conversion probabilities), v = s^T G (s = start
// distribution; v = expected visits), P(conv) = s.h, and S_c the states
// ending in c,
//     P(conv) - P(conv | c removed) = P(visit S_c and convert) = f . h_S
// where f = v_S G_SS^-1 is the distribution of the first state of S_c the
// journey visits (strong Markov property). For order 1, S_c = {c} and
// RE_c = v_c h_c / (G_cc P(conv)) = P(a converting journey visits c). So
// 0 <= RE_c <= 1, and when P(conv) > 0 the RE sum to at least 1 (every
// converting journey visits a channel). Since the chain is estimated from
// complete journeys, P(conv) itself always equals conversions / (conversions
// + non_conversions) of the rows added (a check the tests use).
//
// Solver. G comes from one in-place Gauss-Jordan sweep of [I - Q | e | r]
// without pivoting (I - Q is a nonsingular M-matrix), with GTH-style pivots
// (each pivot is the row's exit mass plus its off-diagonal magnitudes, never a
// difference), so no step subtracts numbers of opposite sign: every entry of G,
// h and v has a small relative error even when journeys loop for a very long
// time (a loop left with probability 1e-12 per pass still gives 15 digits,
// where a textbook elimination keeps about 5). For order >= 2, f needs one
// small dense solve per channel (|S_c|^3, sum <= T^3; partial pivoting).
// Cost: O(T^3) time and T^2 doubles for T transient states, blocked for the
// cache; measured on one core of the development machine (-O2): 12 states
// 0.01 ms, 100 states 0.5 ms, 500 states 28 ms, 1000 states 0.2 s, 2000
// states (kMaxMarkovStates) 1.6 s and 32 MB.
//
// Credits. credit_c = RE_c / sum(RE) * total conversions of the rows added.
// Value variant: each conversion transition carries the average conversion
// value of the journeys that converted from that state (the state keeps the
// exact sum of their values; ChannelAttribution's simulation likewise draws
// a conversion's value from those observed at the state it converts from),
// E[value] = s^T G (r o w), the value removal
// effect is P(visit S_c and convert, weighted by value) / E[value], and value
// credits share the total conversion value in proportion to it. With one
// value per conversion everywhere, value credits = conversion credits x
// that value.
//
// Edge cases. No conversion at all (or no rows): every RE and credit is 0.
// A channel seen only on non-converting paths: RE 0, credit 0 (it is still
// listed). Rows with an empty path are ignored (a conversion with no touch
// cannot be credited to a channel), and so are rows with conversions =
// non_conversions = 0. Loops never trap the chain: every state built from
// rows balances its flow, so it reaches conversion or null (deserialize()
// checks the balance of bytes from outside). The solver still drops states
// that start cannot reach or that cannot reach an end (the first kind can
// occur in hand-made bytes) and treats transitions into them as null, so the
// linear system is never singular and nothing hangs.
//
// Determinism. Channel and state ids depend on the order rows and partial
// states arrive in, so solve_markov() first renumbers channels by name
// (bytewise) and states by their tuples of channel ranks; counts are
// integers and value sums are exact (ExactSum), so the same rows give
// bitwise the same result in any order and any parallel split.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"

namespace cdp::core {

// Highest chain order (22023 beyond).
inline constexpr int kMaxMarkovOrder = 4;
// Most transient states (= distinct channels for order 1, distinct observed
// tuples for order k) one chain may have; one more -> 54000 while rows are
// added. Bounded by the dense O(T^3) solve: about 1.6 s and 32 MB at the
// limit.
inline constexpr size_t kMaxMarkovStates = 2000;

// The aggregate state: transition counts between start, the transient states,
// conversion and null, the row totals, and per-state conversion value sums.
class MarkovCounts {
 public:
  explicit MarkovCounts(int order = 1);  // order outside 1..kMaxMarkovOrder -> 22023
  ~MarkovCounts();
  MarkovCounts(const MarkovCounts&);
  MarkovCounts& operator=(const MarkovCounts&);
  MarkovCounts(MarkovCounts&&) noexcept;
  MarkovCounts& operator=(MarkovCounts&&) noexcept;

  int order() const;

  // Adds one path row. conversions, non_conversions >= 0, value finite >= 0
  // and 0 when conversions is 0 (22023); counts overflowing bigint -> 22003;
  // more than kMaxMarkovStates states -> 54000. Empty paths and rows with no
  // conversion and no non-conversion are ignored (nothing is added, not even
  // their channels).
  void add_path(const std::string_view* channels, size_t n, int64_t conversions,
                int64_t non_conversions, double conversion_value = 0.0);
  void add_path(const std::vector<std::string_view>& channels, int64_t conversions,
                int64_t non_conversions, double conversion_value = 0.0) {
    add_path(channels.data(), channels.size(), conversions, non_conversions, conversion_value);
  }

  // Adds every count of `other` (channels matched by name). Different orders
  // -> 22023; same limits as add_path.
  void merge(const MarkovCounts& other);

  // Portable bytes (little-endian, version byte 1). deserialize() checks
  // bounds, ids, uniqueness and the flow balance of every state (what enters
  // a state leaves it; conversions and non-conversions match the totals) and
  // throws 22P02 on anything malformed.
  size_t serialized_size() const;
  void serialize_to(uint8_t* out) const;  // writes exactly serialized_size() bytes
  std::string serialize() const;
  static MarkovCounts deserialize(const void* data, size_t size);

  int64_t total_conversions() const;
  int64_t total_non_conversions() const;
  double total_value() const;
  size_t channel_count() const;
  size_t state_count() const;  // transient states
  bool empty() const { return channel_count() == 0; }
  size_t memory_bytes() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct MarkovResult {
  double conversion_probability = 0;  // P(conv) of a journey from start
  double expected_value = 0;          // E[conversion value] of a journey
  std::vector<std::string> channels;  // sorted by name (bytewise)
  std::vector<double> removal_effect;        // per channel, in that order
  std::vector<double> value_removal_effect;  // per channel (0 without values)
  int64_t total_conversions = 0;
  double total_value = 0;
  size_t states = 0;  // transient states in the solved chain (after pruning)
};

// Solves the chain (see the header comment). Never throws for a state built
// by add_path/merge/deserialize except std::bad_alloc.
MarkovResult solve_markov(const MarkovCounts& counts);

// Credits in the output order (descending credit, ties by name). by_value:
// removal_effect = value removal effect, credit = share of total value.
std::vector<ChannelCredit> markov_credits(const MarkovResult& result, bool by_value = false);
inline std::vector<ChannelCredit> markov_attribution(const MarkovCounts& counts,
                                                     bool by_value = false) {
  return markov_credits(solve_markov(counts), by_value);
}

}  // namespace cdp::core
