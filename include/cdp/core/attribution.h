// Marketing attribution, part 1: the rule-based models, the path builder and
// the pieces shared by the data-driven models (markov.h, shapley.h). Pure C++
// core (no PostgreSQL); the contract is section 4 of the SQL API spec.
//
// Rule-based models (attribution): one conversion of `value`, reached through
// the touches channels[0..n-1] (array order = journey order, oldest first; the
// path builder below produces that order). The result is one credit per touch
// POSITION (a channel that occurs twice gets two entries), and the credits sum
// to `value` up to floating rounding (no remainder is pushed to one position,
// so touches with equal weights get bitwise equal credits; the relative error
// of the sum is below 1e-15).
//   first_touch      position 0 gets everything.
//   last_touch       position n-1 gets everything.
//   last_non_direct  the last position whose channel is not "direct" (ASCII
//                    case-insensitive, whole string, no trimming) gets
//                    everything; when every channel is direct, position n-1.
//   linear           value / n each.
//   time_decay       weight 2^(-age/half_life), age = conversion_ts - touch_ts
//                    (microseconds); credit = value * weight / sum of weights.
//                    Computed relative to the youngest touch (which gets
//                    weight 1), so very old touches never underflow to 0/0.
//   position_based   first/last weights f/l (default 0.4/0.4): n = 1 -> the
//                    only touch gets 100%; n = 2 -> f/(f+l) and l/(f+l)
//                    (50/50 when f = l, including f = l = 0), i.e. the middle
//                    share, having no touch, is split in proportion to f and
//                    l; n >= 3 -> f, l, and (1-f-l)/(n-2) to each middle
//                    position. Weights must be finite, >= 0, f + l <= 1 (so
//                    the shares never need rescaling); otherwise 22023.
// Timestamps are checked whenever they are given, whatever the model: their
// count must equal the number of channels and no touch may be after the
// conversion (22023). They need not be sorted: positions are array positions.
// Empty path (n = 0) -> no result (std::nullopt; the SQL function returns
// NULL). value must be finite and >= 0 (22023); value 0 gives zeros.
//
// Path builder (build_paths): see its comment below.
//
// ExactSum: an order-independent exact sum of non-negative doubles, used by
// the aggregate states so that sums of conversion values do not depend on the
// order rows arrive in or on how parallel workers split them.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cdp::core {

inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
inline constexpr int64_t kDefaultHalfLife = 7 * kMicrosPerDay;

enum class AttributionModel {
  kFirstTouch,
  kLastTouch,
  kLastNonDirect,
  kLinear,
  kTimeDecay,
  kPositionBased,
};

// Model names as SQL spells them: first_touch, last_touch, last_non_direct,
// linear, time_decay, position_based (ASCII case-insensitive). Unknown ->
// 22023 with a hint listing the models.
AttributionModel parse_attribution_model(std::string_view name);
const char* attribution_model_name(AttributionModel model);
// True for time_decay, the only model that reads timestamps.
bool attribution_model_needs_timestamps(AttributionModel model);

struct AttributionParams {
  int64_t half_life = kDefaultHalfLife;  // microseconds, > 0 (time_decay)
  double first_weight = 0.4;             // position_based
  double last_weight = 0.4;              // position_based
};
// half_life <= 0, or position weights not finite / negative / summing to more
// than 1 -> 22023. attribution() calls it.
void validate_attribution_params(const AttributionParams& params);

// Credits per position (see the header comment). touch_ts may be nullptr
// (then n_ts must be 0) for every model but time_decay (22023 "needs
// timestamps"); when given, n_ts != n -> 22023 and touch_ts[i] > conversion_ts
// -> 22023.
std::optional<std::vector<double>> attribution(AttributionModel model,
                                               const std::string_view* channels, size_t n,
                                               const int64_t* touch_ts, size_t n_ts,
                                               int64_t conversion_ts, double value,
                                               const AttributionParams& params = {});
// Without timestamps (every model but time_decay).
std::optional<std::vector<double>> attribution(AttributionModel model,
                                               const std::string_view* channels, size_t n,
                                               double value,
                                               const AttributionParams& params = {});
// Same, writing the n credits to out[0..n-1]; returns false (out untouched)
// for an empty path. For the glue, which can write into a float8[] directly.
bool attribution_into(AttributionModel model, const std::string_view* channels, size_t n,
                      const int64_t* touch_ts, size_t n_ts, int64_t conversion_ts,
                      double value, const AttributionParams& params, double* out);

// ---------------------------------------------------------------------------
// Path builder: one user's touches and conversions -> one path per conversion.
//
// Touches and conversions are sorted first: touches by (ts, channel bytes),
// conversions by (ts, value; NaN last). Rows equal in those keys are
// interchangeable, so the (ts, channel) sequences of the paths, and the
// (ts, value) of the conversion each belongs to, do not depend on the input
// order (the returned indices do). For each conversion c, in
// that order, the candidate touches are those with
//     c.ts - lookback < touch.ts <= c.ts
// and, unless reuse_touches, touch.ts > p.ts where p is the previous
// conversion of the user in that order (a touch serves only the first
// conversion at or after it; a second conversion at the same instant gets an
// empty path). Then, when collapse_repeats, consecutive touches of the same
// channel are collapsed into their FIRST touch (the "exposure" transform);
// then only the LAST max_touches touches are kept (0 = no limit).
struct PathTouch {
  int64_t ts;
  std::string_view channel;
};
struct PathConversion {
  int64_t ts;
  double value;
};
struct PathBuilderOptions {
  int64_t lookback = INT64_MAX;  // microseconds, > 0; INT64_MAX = unlimited
  int64_t max_touches = 0;       // >= 0; 0 = no limit
  bool collapse_repeats = false;
  bool reuse_touches = false;
};
struct BuiltPath {
  size_t conversion;              // index into the input conversions
  std::vector<uint32_t> touches;  // indices into the input touches, oldest first
};
// One BuiltPath per conversion, in the sorted conversion order (paths may be
// empty). lookback <= 0 or max_touches < 0 -> 22023; more than 2^32 - 1
// touches -> 54000.
std::vector<BuiltPath> build_paths(const PathTouch* touches, size_t n_touches,
                                   const PathConversion* conversions, size_t n_conversions,
                                   const PathBuilderOptions& options = {});

// ---------------------------------------------------------------------------
// Shared by markov_attribution and shapley_attribution.

// One row of the cdp_channel_credit result.
struct ChannelCredit {
  std::string channel;
  double removal_effect;
  double credit;  // conversions (or conversion value) credited to the channel
};
// Sorts credits in the output order: descending credit, ties by channel name
// (bytewise, i.e. the C collation).
void sort_channel_credits(std::vector<ChannelCredit>& credits);

// Checks one aggregate input row: conversions, non_conversions >= 0 and
// value finite and >= 0, value == 0 when conversions == 0 (22023, the
// message names `function`); conversions + non_conversions must fit int64
// (22003).
void validate_path_counts(const char* function, int64_t conversions, int64_t non_conversions,
                          double value);

// Exact, order-independent sum of finite non-negative doubles: a fixed-point
// number with one bit for every bit position a double can have, in base-2^32
// limbs. add() is exact, so any order of additions and merges gives the same
// state and value() the same double (the exact sum correctly rounded, except
// that it saturates at the largest double instead of overflowing).
class ExactSum {
 public:
  void add(double x);  // x must be finite and >= 0 (not checked)
  void add(const ExactSum& other);
  double value() const;
  bool is_zero() const { return hi_ == 0; }
  bool operator==(const ExactSum& o) const;
  // Serialized form: u8 lo, u8 count, count little-endian u32 limbs (the
  // nonzero window); the first and last limbs are nonzero unless count = 0.
  size_t serialized_size() const { return 2 + 4 * size_t(hi_ - lo_); }
  uint8_t* serialize_to(uint8_t* out) const;
  // Reads one from [p, end); malformed -> 22P02 naming `what`. Returns the
  // position after it.
  static const uint8_t* deserialize(const uint8_t* p, const uint8_t* end, ExactSum* out,
                                    const char* what);

  static constexpr int kLimbs = 72;

 private:
  // Limb i holds bits [32 i, 32 i + 32) of the sum scaled by 2^1074 (the
  // smallest subnormal is bit 0; the largest double ends at bit 2097, which
  // leaves more than 64 bits of headroom for carries).
  std::array<uint32_t, kLimbs> limbs_{};
  uint8_t lo_ = 0, hi_ = 0;  // nonzero window [lo_, hi_); empty when hi_ == 0
};

namespace attribution_internal {

// Little-endian byte writer / bounds-checked reader for the aggregate states.
// The reader throws Error 22P02 "invalid <what> state" with the reason as
// DETAIL.
class ByteReader {
 public:
  ByteReader(const void* data, size_t size, const char* what)
      : p_(static_cast<const uint8_t*>(data)),
        end_(static_cast<const uint8_t*>(data) + size),
        what_(what) {}
  uint8_t u8();
  uint32_t u32();
  int64_t i64();
  std::string_view bytes(size_t n);
  void exact_sum(ExactSum* out);
  size_t remaining() const { return size_t(end_ - p_); }
  [[noreturn]] void fail(const std::string& reason) const;
  void expect_end() const;

 private:
  void need(size_t n) const;
  const uint8_t* p_;
  const uint8_t* end_;
  const char* what_;
};

inline uint8_t* put_u8(uint8_t* p, uint8_t v) {
  *p = v;
  return p + 1;
}
inline uint8_t* put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
  return p + 4;
}
inline uint8_t* put_i64(uint8_t* p, int64_t v) {
  const uint64_t u = uint64_t(v);
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(u >> (8 * i));
  return p + 8;
}

// Interned channel names: id = order of first appearance. Lookup by
// string_view without allocating (open addressing, FNV-style hash).
class NameTable {
 public:
  // Id of `name`, adding it when new. Adding throws Error 54000 beyond `limit`
  // names (message names `function`).
  uint32_t intern(std::string_view name, size_t limit, const char* function);
  // Id of `name`, or UINT32_MAX.
  uint32_t find(std::string_view name) const;
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }
  size_t memory_bytes() const;

 private:
  void grow();
  std::vector<std::string> names_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> slots_;  // id + 1, 0 = empty; size is a power of two
};

uint64_t hash_bytes(std::string_view s);

// Adds with an overflow check (22003 "... out of range").
int64_t checked_add(int64_t a, int64_t b, const char* function);

}  // namespace attribution_internal

}  // namespace cdp::core
