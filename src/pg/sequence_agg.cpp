// sequence_match and sequence_count: the aggregate entry points. The event
// list is the one of window_funnel (event_state.cpp); the pattern is
// compiled once per call site (src/core/sequence.cpp) and shared by every
// group's state.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/error.h"
#include "cdp/core/funnel.h"
#include "cdp/core/sequence.h"
#include "cdp/pg/event_state.h"

namespace cdp::pg {

struct SequenceProgram {
  std::string text;
  int nconds;
  core::SequencePattern pattern;
};

const std::string& sequence_program_text(const SequenceProgram& p) { return p.text; }
int sequence_program_nconds(const SequenceProgram& p) { return p.nconds; }

std::shared_ptr<const SequenceProgram> compile_sequence_program(std::string_view text,
                                                                int nconds) {
  return std::make_shared<const SequenceProgram>(
      SequenceProgram{std::string(text), nconds, core::compile_sequence_pattern(text, nconds)});
}

}  // namespace cdp::pg

namespace {

using namespace cdp::pg;
using cdp::core::Error;
namespace sqlstate = cdp::core::sqlstate;

constexpr const char* kFn = "sequence_match/sequence_count";


// Matcher working memory, reused by every group (backends are single
// threaded): no allocation per user once warm.
cdp::core::SequenceScratch& scratch() {
  static cdp::core::SequenceScratch s;
  return s;
}

// Arguments: 0 state, 1 pattern, 2 ts, conditions...
Datum sequence_trans(FunctionCallInfo fcinfo) {
  CallSite& cs = call_site(fcinfo);
  const CondArgs& ca = cond_args(fcinfo, cs, 3, kFn);
  uint64_t mask = 0;
  std::vector<int>& idx = condition_scratch();
  const int n = read_conditions(fcinfo, ca, kFn, mask, idx);
  const SequenceProgram* prog = program_arg(fcinfo, cs, 1, n);
  EventState* st = event_arg_state(fcinfo, 0);
  if (st == nullptr) {
    st = new_event_state(event_agg_context(fcinfo, kFn), EventKind::kSequence, n);
    st->program = prog;
  } else if (prog != st->program) {
    throw Error(sqlstate::kInvalidParameterValue,
                n != st->nconds
                    ? "sequence_match/sequence_count: the number of conditions must be the same for every "
                      "row of a group"
                    : "sequence_match/sequence_count: the pattern must be the same for every row of a group",
                {}, "Pass a constant.");
  }
  // Only rows matching a condition take part (keep_unmatched is false).
  if (!PG_ARGISNULL(2)) append_row(st, PG_GETARG_INT64(2), mask, idx);
  PG_RETURN_POINTER(st);
}

}  // namespace

CDP_FUNCTION(cdp_sequence_trans) { return sequence_trans(fcinfo); }

CDP_FUNCTION(cdp_sequence_match_final) {
  EventState* st = event_arg_state(fcinfo, 0);
  if (st == nullptr) PG_RETURN_BOOL(false);
  st->sort();
  const auto& pat = st->program->pattern;
  if (st->is_wide()) PG_RETURN_BOOL(cdp::core::sequence_match(pat, *st->wide, &scratch()));
  PG_RETURN_BOOL(cdp::core::sequence_match(pat, st->rows.data(), st->rows.size(), &scratch()));
}

CDP_FUNCTION(cdp_sequence_count_final) {
  EventState* st = event_arg_state(fcinfo, 0);
  if (st == nullptr) PG_RETURN_INT64(0);
  st->sort();
  const auto& pat = st->program->pattern;
  if (st->is_wide()) PG_RETURN_INT64(cdp::core::sequence_count(pat, *st->wide, &scratch()));
  PG_RETURN_INT64(cdp::core::sequence_count(pat, st->rows.data(), st->rows.size(), &scratch()));
}
