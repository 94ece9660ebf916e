// The per-user event list behind window_funnel, window_funnel_times,
// sequence_match and sequence_count: one row per input row that matters,
// (timestamp, bitmask of the conditions it matched), 16 bytes each
// (core::FunnelEvent), kept in the aggregate's memory context.
//
// Rows are appended unsorted; serialize sorts them, combine merges two
// sorted lists in linear time (std::inplace_merge) and the final function
// sorts once if needed. The canonical order is total, so every parallel
// split gives the same list and the same result.
//
// Serialized form (bytea, version kEventStateVersion), native byte order
// (states only travel between processes of one server):
//   u8 version, u8 kind, i32 nconds,
//   kind funnel:   i64 window (us), u8 mode flags
//   kind sequence: u32 pattern length, pattern bytes
//   u64 nrows, [wide: u64 pool size], nrows x (i64 ts, u64 mask), [pool x u16]
// Every field is bounds- and range-checked on the way in (22P02).
//
// Include after the C++ headers (it includes bridge.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/funnel.h"
#include "cdp/pg/context_allocator.h"

extern "C" {
#include "utils/timestamp.h"
}

namespace cdp::pg {

enum class EventKind : uint8_t { kFunnel = 1, kSequence = 2 };

// A compiled sequence pattern with its text and number of conditions;
// defined by the sequence glue (sequence_agg.cpp). States point to programs
// owned by the CallSite of the function that made them (query lifetime).
struct SequenceProgram;
const std::string& sequence_program_text(const SequenceProgram& p);
int sequence_program_nconds(const SequenceProgram& p);
std::shared_ptr<const SequenceProgram> compile_sequence_program(std::string_view text,
                                                                int nconds);

// The rows of a narrow state: the first kInline rows live inside the state
// object, later ones in a chunk of the aggregate context that doubles. Most
// users have a handful of matching rows, so appending a row usually touches
// only the state's own cache lines (a hash aggregate over a million users
// is bound by such cache misses, not by the work per row).
class EventRows {
 public:
  static constexpr uint32_t kInline = 4;

  explicit EventRows(MemoryContext cxt) : cxt_(cxt) {}
  EventRows(const EventRows&) = delete;
  EventRows& operator=(const EventRows&) = delete;

  MemoryContext context() const { return cxt_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  core::FunnelEvent* data() { return data_; }
  const core::FunnelEvent* data() const { return data_; }
  core::FunnelEvent* begin() { return data_; }
  core::FunnelEvent* end() { return data_ + size_; }
  const core::FunnelEvent& back() const { return data_[size_ - 1]; }
  const core::FunnelEvent& operator[](size_t i) const { return data_[i]; }

  void push_back(const core::FunnelEvent& e) {
    if (size_ == cap_) grow(size_ + 1);
    data_[size_++] = e;
  }
  void append(const core::FunnelEvent* p, size_t n) {
    if (n > cap_ - size_) grow(size_ + n);
    std::memcpy(data_ + size_, p, n * sizeof(core::FunnelEvent));
    size_ += static_cast<uint32_t>(n);
  }
  // Makes room for n rows (contents undefined) and sets the size to n.
  void resize_uninitialized(size_t n) {
    if (n > cap_) grow(n);
    size_ = static_cast<uint32_t>(n);
  }
  // Gives the heap chunk (if any) back to the context.
  void release() {
    if (data_ != inline_) pfree(data_);
    data_ = inline_;
    size_ = 0;
    cap_ = kInline;
  }

 private:
  void grow(size_t need);

  MemoryContext cxt_;
  core::FunnelEvent* data_ = inline_;
  uint32_t size_ = 0;
  uint32_t cap_ = kInline;
  core::FunnelEvent inline_[kInline];
};

struct EventState {
  using Rows = EventRows;

  EventState(MemoryContext cxt, EventKind kind, int nconds);

  // Laid out to fit a 128-byte context chunk (with 4 inline rows).
  Rows rows;                                   // nconds <= 64
  int64_t window = 0;                          // window_funnel*: microseconds
  const SequenceProgram* program = nullptr;    // sequence_*
  std::unique_ptr<core::FunnelEvents> wide;    // nconds > 64
  int nconds;                                  // number of conditions (steps)
  EventKind kind;
  bool sorted = true;                          // rows are in the canonical order
  bool keep_unmatched = false;                 // rows matching nothing matter (strict_order)
  core::FunnelMode mode;                       // window_funnel*

  bool is_wide() const { return wide != nullptr; }

  void add(int64_t ts, uint64_t mask) {
    if (sorted && !rows.empty() && core::funnel_row_less(core::FunnelEvent{ts, mask}, rows.back()))
      sorted = false;
    rows.push_back(core::FunnelEvent{ts, mask});
  }
  void add_wide(int64_t ts, const int* steps, size_t n) {
    wide->add(ts, steps, n);
    sorted = false;
  }
  size_t size() const { return wide ? wide->size() : rows.size(); }

  // Puts the rows in the canonical order (no-op when already sorted).
  void sort();
  // Appends other's rows (same kind and configuration; checked).
  void merge(EventState& other);
};
static_assert(sizeof(EventState) <= 128, "EventState must fit a 128-byte chunk");

// Condition arguments of a call: positions first..first+n-1 (each boolean),
// or one boolean[] passed with an explicit VARIADIC. Checked once per
// call site (cached in flinfo->fn_extra), error 42804 when not boolean.
struct CondArgs {
  int first = 0;        // argument index of the first condition
  int n = 0;            // conditions (for the array form: known per row)
  bool array = false;   // VARIADIC boolean[] form
};

// Per call site caches (one per FmgrInfo, in flinfo->fn_extra, made on the
// first call and freed with the query): argument types, and the last
// window / mode / pattern seen with their parsed forms, so a row costs a
// short memcmp instead of a parse.
struct CallSite {
  CondArgs cond;
  bool cond_ready = false;
  Interval window_iv{};
  int64_t window_us = 0;
  bool window_ready = false;
  std::string mode_text;
  core::FunnelMode mode;
  bool mode_ready = false;
  // Every program compiled here (states keep raw pointers to them).
  std::vector<std::shared_ptr<const SequenceProgram>> programs;
  const SequenceProgram* last_program = nullptr;
};
CallSite& call_site(FunctionCallInfo fcinfo);

// The condition arguments starting at `first`, checked on the first call.
const CondArgs& cond_args(FunctionCallInfo fcinfo, CallSite& cs, int first, const char* fn);
// The window argument n in microseconds (>= 0, else 22023; NULL -> 22004).
int64_t window_arg(FunctionCallInfo fcinfo, CallSite& cs, int n, const char* fn);
// The mode argument n parsed (NULL -> 22004).
const core::FunnelMode& mode_arg(FunctionCallInfo fcinfo, CallSite& cs, int n);
// The pattern argument n compiled for nconds conditions (NULL -> 22004).
const SequenceProgram* program_arg(FunctionCallInfo fcinfo, CallSite& cs, int n, int nconds);
// A program for text / nconds from the call site's cache (deserialize).
const SequenceProgram* program_for(CallSite& cs, std::string_view text, int nconds);

// Reads the conditions of the current row into mask (n <= 64) or idx (the
// 0-based indices of the true conditions, n > 64); returns n, the number of
// conditions (1..kMaxFunnelSteps, else 22023 / 54000). NULL = false.
int read_conditions(FunctionCallInfo fcinfo, const CondArgs& ca, const char* fn,
                    uint64_t& mask, std::vector<int>& idx);
// Scratch for `idx` above, shared by the aggregates of this backend.
std::vector<int>& condition_scratch();

// Appends a row read by read_conditions (rows matching nothing only when
// st->keep_unmatched).
void append_row(EventState* st, int64_t ts, uint64_t mask, const std::vector<int>& idx);

// The aggregate memory context (error when not called as an aggregate).
MemoryContext event_agg_context(FunctionCallInfo fcinfo, const char* fn);
EventState* event_arg_state(FunctionCallInfo fcinfo, int n);

// A new state for `nconds` conditions in memory context cxt.
EventState* new_event_state(MemoryContext cxt, EventKind kind, int nconds);

// Interval -> microseconds (30-day months, 24-hour days, as interval
// comparison counts), saturated to the int64 range.
int64_t interval_us(const Interval& iv);
// Microseconds -> interval as timestamp subtraction gives it (days + time).
Interval us_interval(uint64_t us);

// Entry-point bodies shared by the four aggregates.
Datum event_combine(FunctionCallInfo fcinfo);
Datum event_serialize(FunctionCallInfo fcinfo);
Datum event_deserialize(FunctionCallInfo fcinfo);

}  // namespace cdp::pg
