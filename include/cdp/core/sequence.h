// sequence_match / sequence_count: the pure C++ core (no PostgreSQL).
//
// Contract: section 1 of the SQL API spec. The semantics below are the ones
// the user documentation states; the unit tests pin each of them.
//
// Pattern syntax (ClickHouse's):
//   (?N)       one row matching condition N (1-based, 1..number of conditions)
//   .          any one row
//   .*         any number of rows (zero or more)
//   (?t>=S) (?t>S) (?t<=S) (?t<S) (?t==S)
//              time constraint: S is a whole number of seconds (digits only:
//              no sign, no fraction)
// `(?N)` and `.` are the "row elements". Whitespace (space, tab, newline,
// carriage return) is allowed between elements but not inside one: "(?1) .*"
// is accepted, "( ?1)" and ". *" are not.
//
// Rows: only rows matching at least one condition take part; the others are
// ignored as if absent. Participating rows are taken in the canonical order
// (timestamp, then smallest matched condition, then the matched set; see
// sort_funnel_rows), and "consecutive rows" below means consecutive in that
// order among participating rows. Timestamps are microseconds.
//
// A match assigns each row element its own row, in increasing row order, so
// that:
//   - every row satisfies its element: (?N) a row matching condition N, `.`
//     any participating row;
//   - two row elements with no `.*` between them get consecutive rows; a `.*`
//     between them allows any rows in between. Leading and trailing `.*` do
//     not change whether a match exists (a match may start and end anywhere);
//   - a time constraint also allows any rows between the two row elements it
//     relates, as in ClickHouse: (?1)(?t>1800)(?2) means (?1).*(?t>1800)(?2);
//   - a time constraint relates the row of the nearest row element before it
//     and the row of the nearest row element after it, whatever `.*` lie
//     between: delta = ts(after) - ts(before) in microseconds (never negative)
//     is compared with S * 1,000,000, so (?t==S) needs an exact microsecond
//     delta. Several constraints between the same two row elements must all
//     hold (they may contradict each other: then nothing matches). S * 10^6
//     beyond the range of a timestamp difference counts as infinite: (?t<=S)
//     and (?t<S) always hold then, the other three never.
//
// sequence_match is true when a match exists.
// sequence_count counts non-overlapping matches greedily from left to right:
// among the matches that start at or after the row following the previous
// counted match's last row (at the first row for the first one), it counts
// the one that ends earliest, and repeats. This choice gives the largest
// possible number of non-overlapping matches.
//
// Errors: 22023 with a message "sequence pattern: ..." that names the
// 1-based character position where one applies, and a HINT showing the
// accepted syntax, for: an empty pattern, a pattern without a row element,
// an unexpected character or end, (?0) or N beyond the number of conditions,
// a number of seconds above 9223372036854775807, a time constraint without a
// row element before it or after it. Number of conditions < 1 -> 22023,
// > kMaxFunnelSteps -> 54000.
//
// Engine: the pattern compiles once into a list of row elements; matching is
// one left-to-right pass over the rows simulating all partial matches at
// once, O(rows x row elements) time, no backtracking (see sequence.cpp).
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "cdp/core/funnel.h"

namespace cdp::core {

// How a row element follows the previous one; it decides which partial
// matches of the previous element the matcher must remember (sequence.cpp).
enum class SequenceLink : uint8_t {
  kFirst,     // the first row element
  kAdjacent,  // no `.*` before it: the next row (time interval may apply)
  kGap,       // after `.*`, no time constraint
  kGapLo,     // after `.*`, delta >= lo only
  kGapHi,     // after `.*`, delta <= hi only
  kGapBoth,   // after `.*`, lo <= delta <= hi (both bounds, or ==)
};

inline constexpr int kSequenceAnyRow = -1;

// One row element of a compiled pattern.
struct SequenceElement {
  int cond = kSequenceAnyRow;  // 0-based condition index, or kSequenceAnyRow for `.`
  SequenceLink link = SequenceLink::kFirst;
  // Allowed delta (microseconds) to the previous row element's row. [0, max]
  // is unconstrained; lo > hi never matches.
  uint64_t lo = 0;
  uint64_t hi = UINT64_MAX;
};

// A compiled pattern: cheap to copy, immutable, shareable between users.
struct SequencePattern {
  std::vector<SequenceElement> elements;  // at least one
  int nconds = 0;                         // number of conditions it was compiled for
  bool satisfiable = true;                // false when some interval is empty
};

// Parses `text` for `nconds` conditions (see the header comment for errors).
SequencePattern compile_sequence_pattern(std::string_view text, int nconds);

// Working memory of the matcher. Optional: pass one to reuse its buffers
// across calls (the per-call cost is then allocation-free once warm);
// without one, each call allocates its own. Not thread-safe; contents are
// meaningless between calls.
struct SequenceScratch {
  struct Level {
    int64_t last_ord;  // ordinal (among participating rows) of the latest reach
    int64_t first_ts;  // timestamp of the earliest reach
    int64_t last_ts;   // timestamp of the latest reach
    size_t head;       // kGapBoth: first live entry of `times`
  };
  std::vector<Level> levels;
  std::vector<std::vector<int64_t>> times;  // kGapBoth: distinct reach timestamps
};

// Narrow rows: `rows` sorted in the canonical order (sort_funnel_rows with
// pattern.nconds), mask bit i = condition i+1, pattern.nconds <= 64 (else
// 22023). Rows with an empty mask are ignored.
bool sequence_match(const SequencePattern& pattern, const FunnelEvent* rows, size_t n,
                    SequenceScratch* scratch = nullptr);
int64_t sequence_count(const SequencePattern& pattern, const FunnelEvent* rows, size_t n,
                       SequenceScratch* scratch = nullptr);

// Any width: `events` sorted (sort_funnel_rows(events)); events.nsteps()
// must equal pattern.nconds (else 22023).
bool sequence_match(const SequencePattern& pattern, const FunnelEvents& events,
                    SequenceScratch* scratch = nullptr);
int64_t sequence_count(const SequencePattern& pattern, const FunnelEvents& events,
                       SequenceScratch* scratch = nullptr);

}  // namespace cdp::core
