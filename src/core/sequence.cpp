// sequence_match / sequence_count core; see include/cdp/core/sequence.h.
//
// Engine. Elements e_0..e_{m-1}. "Level k" is the set of partial matches
// that have matched e_0..e_k. The future of such a partial match depends
// only on the row that matched e_k: its position (if e_{k+1} must take the
// next row) or its timestamp (if a `.*` precedes e_{k+1}). So per level the
// matcher keeps just what e_{k+1} can use (SequenceLink of e_{k+1}):
//   kAdjacent: the latest row that reached level k (only a reach on the
//              immediately preceding row can advance);
//   kGap:      whether level k was ever reached;
//   kGapLo:    the earliest timestamp (delta >= lo is easiest for it);
//   kGapHi:    the latest timestamp (delta <= hi is easiest for it);
//   kGapBoth:  the distinct timestamps in increasing order (they arrive in
//              that order because rows do). A timestamp t with
//              now - t > hi can never serve again (later rows are no
//              earlier) and leaves from the front; the front is then the
//              best candidate for delta >= lo.
// Each row visits the elements from last to first, so the row reads level
// k-1 before it may itself be added to level k-1: a row never fills two
// elements of one partial match. Cost per row: O(m) plus amortized O(1)
// queue work per level.
//
// sequence_count: the first row that completes e_{m-1} ends the earliest-
// ending match among those starting at or after the current start; the
// matcher counts it, forgets every partial match and starts again at the
// next row. A match covers at least m rows, so the resets cost O(rows).
#include "cdp/core/sequence.h"

#include <algorithm>
#include <string>
#include <utility>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

constexpr int64_t kNever = INT64_MIN;  // Level::last_ord before any reach
constexpr uint64_t kMicrosPerSecond = 1000000;

const char* const kPatternHint =
    "A pattern is a sequence of (?N) (a row matching condition N), . (any one row), "
    ".* (any rows) and the time constraints (?t>=S), (?t>S), (?t<=S), (?t<S), (?t==S) "
    "(S whole seconds between the rows of the neighbouring row elements), "
    "e.g. (?1).*(?t<=3600)(?2). Spaces are allowed between elements.";

// ---------------------------------------------------------------- parsing

enum class TimeOp { kGe, kGt, kLe, kLt, kEq };

class Parser {
 public:
  Parser(std::string_view text, int nconds) : s_(text), nconds_(nconds) {}

  SequencePattern parse() {
    p_.nconds = nconds_;
    skip_space();
    if (at_end()) fail_plain(s_.empty() ? "empty pattern" : "pattern has only whitespace");
    while (!at_end()) {
      parse_element();
      skip_space();
    }
    if (pending_time_ != npos)
      fail_at(pending_time_, "time constraint", "has no row element after it");
    if (p_.elements.empty()) fail_plain("pattern has no row element ((?N) or .)");
    for (const SequenceElement& e : p_.elements)
      if (e.lo > e.hi) p_.satisfiable = false;
    return std::move(p_);
  }

 private:
  static constexpr size_t npos = std::string_view::npos;

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++i_;
  }

  // 1-based character position of byte offset `off`. Every error is raised
  // at or before the first non-ASCII byte (none is valid), so byte and
  // character positions agree in any server encoding.
  static size_t position(size_t off) { return off + 1; }

  [[noreturn]] void fail_plain(const std::string& what) const {
    throw Error(sqlstate::kInvalidParameterValue, "sequence pattern: " + what, {}, kPatternHint);
  }

  [[noreturn]] void fail_at(size_t off, const std::string& subject, const std::string& rest) const {
    fail_plain(subject + " at position " + std::to_string(position(off)) + " " + rest);
  }

  // The character at i_, quoted; control characters by code.
  std::string describe_here() const {
    const unsigned char c = static_cast<unsigned char>(peek());
    if (c < 0x20 || c == 0x7F) {
      static const char* const hex = "0123456789ABCDEF";
      return std::string("character U+00") + hex[c >> 4] + hex[c & 15];
    }
    size_t len = 1;
    if (c >= 0x80)  // the whole UTF-8 sequence, so the message stays valid text
      while (i_ + len < s_.size() && len < 4 &&
             (static_cast<unsigned char>(s_[i_ + len]) & 0xC0) == 0x80)
        ++len;
    return "\"" + std::string(s_.substr(i_, len)) + "\"";
  }

  [[noreturn]] void unexpected() const {
    if (at_end())
      fail_plain("unexpected end of pattern at position " + std::to_string(position(i_)));
    fail_plain("unexpected " + describe_here() + " at position " + std::to_string(position(i_)));
  }

  void expect(char c) {
    if (at_end() || peek() != c) unexpected();
    ++i_;
  }

  // Digits at i_ (at least one). Returns false on uint64 overflow; the digits
  // are consumed either way.
  bool parse_digits(uint64_t& value) {
    if (at_end() || peek() < '0' || peek() > '9') unexpected();
    bool ok = true;
    value = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      const uint64_t d = static_cast<uint64_t>(peek() - '0');
      if (value > (UINT64_MAX - d) / 10) ok = false;
      if (ok) value = value * 10 + d;
      ++i_;
    }
    return ok;
  }

  int parse_cond() {
    const size_t start = i_;
    uint64_t n = 0;
    const bool ok = parse_digits(n);
    if (!ok || n < 1 || n > static_cast<uint64_t>(nconds_))
      fail_at(start, "condition " + std::string(s_.substr(start, i_ - start)),
              "is out of range 1.." + std::to_string(nconds_));
    return static_cast<int>(n - 1);
  }

  TimeOp parse_time_op() {
    if (at_end()) unexpected();
    const char c = peek();
    const bool eq_next = i_ + 1 < s_.size() && s_[i_ + 1] == '=';
    if (c == '=') {
      ++i_;
      expect('=');
      return TimeOp::kEq;
    }
    if (c != '<' && c != '>') unexpected();
    i_ += eq_next ? 2 : 1;
    if (c == '<') return eq_next ? TimeOp::kLe : TimeOp::kLt;
    return eq_next ? TimeOp::kGe : TimeOp::kGt;
  }

  // S * 10^6 in microseconds; `overflow` when it exceeds every possible
  // delta (a uint64).
  struct Micros {
    uint64_t value;
    bool overflow;
  };

  Micros parse_seconds() {
    const size_t start = i_;
    uint64_t s = 0;
    if (!parse_digits(s) || s > static_cast<uint64_t>(INT64_MAX))
      fail_at(start, "number " + std::string(s_.substr(start, i_ - start)),
              "is too large (at most 9223372036854775807 seconds)");
    if (s > UINT64_MAX / kMicrosPerSecond) return {UINT64_MAX, true};
    return {s * kMicrosPerSecond, false};
  }

  // Narrows next.[lo, hi]; an empty interval is kept as lo > hi.
  static void apply_time(TimeOp op, Micros d, SequenceElement& next) {
    const auto raise_lo = [&](uint64_t v) { next.lo = std::max(next.lo, v); };
    const auto lower_hi = [&](uint64_t v) { next.hi = std::min(next.hi, v); };
    const auto never = [&] {
      next.lo = UINT64_MAX;
      next.hi = 0;
    };
    if (d.overflow) {  // S * 10^6 exceeds every delta
      if (op == TimeOp::kGe || op == TimeOp::kGt || op == TimeOp::kEq) never();
      return;
    }
    switch (op) {
      case TimeOp::kGe: raise_lo(d.value); break;
      case TimeOp::kGt:
        if (d.value == UINT64_MAX) never(); else raise_lo(d.value + 1);
        break;
      case TimeOp::kLe: lower_hi(d.value); break;
      case TimeOp::kLt:
        if (d.value == 0) never(); else lower_hi(d.value - 1);
        break;
      case TimeOp::kEq: raise_lo(d.value); lower_hi(d.value); break;
    }
  }

  static SequenceLink link_for(bool gap, const SequenceElement& e) {
    if (!gap) return SequenceLink::kAdjacent;
    const bool has_lo = e.lo > 0, has_hi = e.hi < UINT64_MAX;
    if (has_lo && has_hi) return SequenceLink::kGapBoth;
    if (has_lo) return SequenceLink::kGapLo;
    if (has_hi) return SequenceLink::kGapHi;
    return SequenceLink::kGap;
  }

  // One of `.`, `.*`, `(?N)`, `(?t...)` at i_.
  void parse_element() {
    const size_t start = i_;
    if (peek() == '.') {
      ++i_;
      if (!at_end() && peek() == '*') {
        ++i_;
        gap_ = true;
      } else {
        add_row(kSequenceAnyRow);
      }
      return;
    }
    if (peek() != '(') unexpected();
    ++i_;
    expect('?');
    if (!at_end() && peek() == 't') {
      ++i_;
      parse_time(start);
    } else {
      add_row(parse_cond());
    }
    expect(')');
  }

  // The rest of a time constraint starting at offset `start`, after "(?t".
  void parse_time(size_t start) {
    if (p_.elements.empty()) fail_at(start, "time constraint", "has no row element before it");
    const TimeOp op = parse_time_op();  // before the number: argument order is unspecified
    apply_time(op, parse_seconds(), next_);
    if (pending_time_ == npos) pending_time_ = start;
  }

  // Appends a row element; the `.*` and constraints read since the previous
  // one apply to it.
  void add_row(int cond) {
    SequenceElement e = next_;
    e.cond = cond;
    // A leading `.*` has no effect, and parse_time() rejects a constraint
    // before the first row element, so that one stays unconstrained.
    // As in ClickHouse, a time constraint also lets any rows lie between
    // the two row elements it relates: (?1)(?t>1800)(?2) == (?1).*(?t>1800)(?2).
    e.link = p_.elements.empty() ? SequenceLink::kFirst
                                 : link_for(gap_ || pending_time_ != npos, next_);
    p_.elements.push_back(e);
    next_ = SequenceElement{};
    gap_ = false;
    pending_time_ = npos;
  }

  std::string_view s_;
  int nconds_;
  size_t i_ = 0;
  SequencePattern p_;
  bool gap_ = false;             // a `.*` since the last row element
  size_t pending_time_ = npos;   // offset of the first constraint not yet attached
  SequenceElement next_;         // interval accumulated for the next row element
};

void check_nconds(int nconds) {
  if (nconds > kMaxFunnelSteps)
    throw Error(sqlstate::kProgramLimitExceeded,
                "sequence_match and sequence_count support at most " +
                    std::to_string(kMaxFunnelSteps) + " conditions, got " +
                    std::to_string(nconds));
  if (nconds < 1)
    throw Error(sqlstate::kInvalidParameterValue,
                "sequence_match and sequence_count need at least one condition");
}

// ---------------------------------------------------------------- matching

// Row access for inline masks (bits at or beyond nconds ignored).
struct NarrowRows {
  const FunnelEvent* r;
  uint64_t keep;
  int64_t ts(size_t i) const { return r[i].ts; }
  bool any(size_t i) const { return (r[i].mask & keep) != 0; }
  bool matches(size_t i, int cond) const {
    return cond == kSequenceAnyRow || ((r[i].mask >> cond) & 1u);
  }
};

// Row access for pooled index lists (FunnelEvents::wide()).
struct WideRows {
  const FunnelEvent* r;
  const uint16_t* pool;
  static size_t off(uint64_t m) { return static_cast<size_t>(m >> 11); }
  static size_t cnt(uint64_t m) { return static_cast<size_t>(m & 2047u); }
  int64_t ts(size_t i) const { return r[i].ts; }
  bool any(size_t i) const { return cnt(r[i].mask) != 0; }
  bool matches(size_t i, int cond) const {
    if (cond == kSequenceAnyRow) return true;
    const uint16_t* b = pool + off(r[i].mask);
    return std::binary_search(b, b + cnt(r[i].mask), static_cast<uint16_t>(cond));
  }
};

// Rows are sorted, so later minus earlier is >= 0; as uint64 it cannot
// overflow even across the whole int64 range.
inline uint64_t delta(int64_t later, int64_t earlier) {
  return static_cast<uint64_t>(later) - static_cast<uint64_t>(earlier);
}

inline bool in_interval(uint64_t d, const SequenceElement& e) { return d >= e.lo && d <= e.hi; }

class Matcher {
 public:
  Matcher(const SequencePattern& p, SequenceScratch& s) : el_(p.elements), s_(s) {
    // Level k is what element k+1 reads; the last element has no level.
    const size_t levels = el_.size() - 1;
    s_.levels.resize(levels);
    if (s_.times.size() < levels) s_.times.resize(levels);
    reset();
  }

  // Forgets every partial match.
  void reset() {
    for (size_t k = 0; k < s_.levels.size(); ++k) {
      s_.levels[k] = SequenceScratch::Level{kNever, 0, 0, 0};
      s_.times[k].clear();
    }
  }

  // Feeds one participating row (ordinal `ord` among them); true when it
  // completes a match.
  template <class Rows>
  bool feed(const Rows& rows, size_t i, int64_t ord) {
    const int64_t t = rows.ts(i);
    for (size_t k = el_.size(); k-- > 0;) {
      if (!rows.matches(i, el_[k].cond)) continue;
      if (k > 0 && !can_follow(k, t, ord)) continue;
      if (k + 1 == el_.size()) return true;
      reach(k, t, ord);
    }
    return false;
  }

 private:
  // Whether some partial match at level k-1 (on an earlier row) can take
  // element k on a row at time t, ordinal ord.
  bool can_follow(size_t k, int64_t t, int64_t ord) {
    SequenceScratch::Level& lv = s_.levels[k - 1];
    if (lv.last_ord == kNever) return false;
    const SequenceElement& e = el_[k];
    switch (e.link) {
      case SequenceLink::kAdjacent:
        return lv.last_ord == ord - 1 && in_interval(delta(t, lv.last_ts), e);
      case SequenceLink::kGap: return true;
      case SequenceLink::kGapLo: return delta(t, lv.first_ts) >= e.lo;
      case SequenceLink::kGapHi: return delta(t, lv.last_ts) <= e.hi;
      case SequenceLink::kGapBoth: {
        std::vector<int64_t>& q = s_.times[k - 1];
        while (lv.head < q.size() && delta(t, q[lv.head]) > e.hi) ++lv.head;
        if (lv.head == q.size()) {  // all expired: reuse the buffer from its start
          q.clear();
          lv.head = 0;
          return false;
        }
        return delta(t, q[lv.head]) >= e.lo;
      }
      case SequenceLink::kFirst: break;
    }
    return false;
  }

  // A partial match reaches level k on a row at time t, ordinal ord.
  void reach(size_t k, int64_t t, int64_t ord) {
    SequenceScratch::Level& lv = s_.levels[k];
    if (lv.last_ord == kNever) lv.first_ts = t;
    lv.last_ts = t;
    lv.last_ord = ord;
    if (el_[k + 1].link != SequenceLink::kGapBoth) return;
    std::vector<int64_t>& q = s_.times[k];
    if (lv.head < q.size() && q.back() == t) return;  // keep distinct
    if (lv.head > 64 && lv.head * 2 > q.size()) {  // drop the expired prefix
      q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(lv.head));
      lv.head = 0;
    }
    q.push_back(t);
  }

  const std::vector<SequenceElement>& el_;
  SequenceScratch& s_;
};

// Number of matches counted as in the header; stops at the first when
// `first_only`.
template <class Rows>
int64_t run(const SequencePattern& p, const Rows& rows, size_t n, bool first_only,
            SequenceScratch* scratch) {
  if (p.elements.empty())
    throw Error(sqlstate::kInternalError, "sequence pattern was not compiled");
  if (!p.satisfiable) return 0;
  SequenceScratch local;
  Matcher m(p, scratch ? *scratch : local);
  int64_t count = 0;
  int64_t ord = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!rows.any(i)) continue;
    if (m.feed(rows, i, ord)) {
      ++count;
      if (first_only) break;
      m.reset();  // the next match starts after this row
    }
    ++ord;
  }
  return count;
}

int64_t run_narrow(const SequencePattern& p, const FunnelEvent* rows, size_t n,
                   bool first_only, SequenceScratch* scratch) {
  if (p.nconds > kInlineFunnelSteps)
    throw Error(sqlstate::kInvalidParameterValue,
                "inline masks hold at most 64 conditions; use FunnelEvents");
  const uint64_t keep = p.nconds >= 64 ? ~uint64_t{0} : (uint64_t{1} << p.nconds) - 1;
  return run(p, NarrowRows{rows, keep}, n, first_only, scratch);
}

int64_t run_events(const SequencePattern& p, const FunnelEvents& ev, bool first_only,
                   SequenceScratch* scratch) {
  if (ev.nsteps() != p.nconds)
    throw Error(sqlstate::kInvalidParameterValue,
                "sequence pattern compiled for " + std::to_string(p.nconds) +
                    " conditions applied to rows with " + std::to_string(ev.nsteps()));
  if (!ev.wide()) return run_narrow(p, ev.rows.data(), ev.rows.size(), first_only, scratch);
  return run(p, WideRows{ev.rows.data(), ev.pool.data()}, ev.rows.size(), first_only, scratch);
}

}  // namespace

SequencePattern compile_sequence_pattern(std::string_view text, int nconds) {
  check_nconds(nconds);
  return Parser(text, nconds).parse();
}

bool sequence_match(const SequencePattern& pattern, const FunnelEvent* rows, size_t n,
                    SequenceScratch* scratch) {
  return run_narrow(pattern, rows, n, true, scratch) > 0;
}

int64_t sequence_count(const SequencePattern& pattern, const FunnelEvent* rows, size_t n,
                       SequenceScratch* scratch) {
  return run_narrow(pattern, rows, n, false, scratch);
}

bool sequence_match(const SequencePattern& pattern, const FunnelEvents& events,
                    SequenceScratch* scratch) {
  return run_events(pattern, events, true, scratch) > 0;
}

int64_t sequence_count(const SequencePattern& pattern, const FunnelEvents& events,
                       SequenceScratch* scratch) {
  return run_events(pattern, events, false, scratch);
}

}  // namespace cdp::core
