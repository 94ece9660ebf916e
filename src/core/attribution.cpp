// Rule-based attribution, the path builder and the shared helpers; see
// include/cdp/core/attribution.h.
#include "cdp/core/attribution.h"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

constexpr const char* kModelsHint =
    "Models: first_touch, last_touch, last_non_direct, linear, time_decay, position_based.";

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

[[noreturn]] void invalid(std::string message, std::string detail = {}, std::string hint = {}) {
  throw Error(sqlstate::kInvalidParameterValue, std::move(message), std::move(detail),
              std::move(hint));
}

// Maps a double to an unsigned key with the same order (NaN last, like
// PostgreSQL's float8 ordering; all NaNs equal).
uint64_t float_order_key(double d) {
  if (std::isnan(d)) return UINT64_MAX;
  if (d == 0) d = 0;  // -0 == +0
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return (u >> 63) ? ~u : (u | (uint64_t{1} << 63));
}

}  // namespace

// ---------------------------------------------------------------------------
// Rule-based models

AttributionModel parse_attribution_model(std::string_view name) {
  static constexpr std::pair<const char*, AttributionModel> kModels[] = {
      {"first_touch", AttributionModel::kFirstTouch},
      {"last_touch", AttributionModel::kLastTouch},
      {"last_non_direct", AttributionModel::kLastNonDirect},
      {"linear", AttributionModel::kLinear},
      {"time_decay", AttributionModel::kTimeDecay},
      {"position_based", AttributionModel::kPositionBased},
  };
  for (const auto& [text, model] : kModels)
    if (iequals_ascii(name, text)) return model;
  invalid("unknown attribution model \"" + std::string(name) + "\"", {}, kModelsHint);
}

const char* attribution_model_name(AttributionModel model) {
  switch (model) {
    case AttributionModel::kFirstTouch: return "first_touch";
    case AttributionModel::kLastTouch: return "last_touch";
    case AttributionModel::kLastNonDirect: return "last_non_direct";
    case AttributionModel::kLinear: return "linear";
    case AttributionModel::kTimeDecay: return "time_decay";
    case AttributionModel::kPositionBased: return "position_based";
  }
  return "?";
}

bool attribution_model_needs_timestamps(AttributionModel model) {
  return model == AttributionModel::kTimeDecay;
}

void validate_attribution_params(const AttributionParams& p) {
  if (p.half_life <= 0) invalid("attribution half_life must be positive");
  const double f = p.first_weight, l = p.last_weight;
  if (!std::isfinite(f) || !std::isfinite(l) || f < 0 || l < 0)
    invalid("attribution position weights must be finite and not negative",
            "first weight " + std::to_string(f) + ", last weight " + std::to_string(l));
  if (f + l > 1)
    invalid("attribution position weights must not sum to more than 1",
            "first weight " + std::to_string(f) + " + last weight " + std::to_string(l) +
                " > 1",
            "The middle touches share 1 - first - last.");
}

bool attribution_into(AttributionModel model, const std::string_view* channels, size_t n,
                      const int64_t* touch_ts, size_t n_ts, int64_t conversion_ts,
                      double value, const AttributionParams& params, double* out) {
  validate_attribution_params(params);
  if (!std::isfinite(value) || value < 0)
    invalid("attribution value must be a finite number >= 0");
  if (touch_ts == nullptr && n_ts != 0) n_ts = 0;
  if (touch_ts != nullptr) {
    if (n_ts != n)
      invalid("attribution channels and touch_ts must have the same length",
              "channels has " + std::to_string(n) + " elements, touch_ts has " +
                  std::to_string(n_ts) + ".");
    for (size_t i = 0; i < n; ++i)
      if (touch_ts[i] > conversion_ts)
        invalid("attribution touch is after the conversion",
                "touch " + std::to_string(i + 1) + " of " + std::to_string(n) +
                    " is later than conversion_ts.");
  } else if (attribution_model_needs_timestamps(model)) {
    invalid(std::string("attribution model \"") + attribution_model_name(model) +
            "\" needs touch timestamps");
  }
  if (n == 0) return false;

  std::fill(out, out + n, 0.0);
  switch (model) {
    case AttributionModel::kFirstTouch:
      out[0] = value;
      break;
    case AttributionModel::kLastTouch:
      out[n - 1] = value;
      break;
    case AttributionModel::kLastNonDirect: {
      size_t pos = n - 1;
      for (size_t i = n; i-- > 0;) {
        if (!iequals_ascii(channels[i], "direct")) {
          pos = i;
          break;
        }
      }
      out[pos] = value;
      break;
    }
    case AttributionModel::kLinear: {
      const double c = value / double(n);
      std::fill(out, out + n, c);
      break;
    }
    case AttributionModel::kTimeDecay: {
      // Ages relative to the youngest touch: weight 1 for it, so the sum of
      // weights is >= 1 and never underflows.
      const int64_t newest = *std::max_element(touch_ts, touch_ts + n);
      const double hl = double(params.half_life);
      double total = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t rel = uint64_t(newest) - uint64_t(touch_ts[i]);
        out[i] = std::exp2(-double(rel) / hl);
        total += out[i];
      }
      for (size_t i = 0; i < n; ++i) out[i] = value * out[i] / total;
      break;
    }
    case AttributionModel::kPositionBased: {
      const double f = params.first_weight, l = params.last_weight;
      if (n == 1) {
        out[0] = value;
      } else if (n == 2) {
        if (f + l == 0) {
          out[0] = out[1] = value / 2;
        } else {
          out[0] = value * f / (f + l);
          out[1] = value * l / (f + l);
        }
      } else {
        out[0] = value * f;
        out[n - 1] = value * l;
        const double mid = value * (1 - f - l) / double(n - 2);
        std::fill(out + 1, out + n - 1, mid < 0 ? 0.0 : mid);
      }
      break;
    }
  }
  return true;
}

std::optional<std::vector<double>> attribution(AttributionModel model,
                                               const std::string_view* channels, size_t n,
                                               const int64_t* touch_ts, size_t n_ts,
                                               int64_t conversion_ts, double value,
                                               const AttributionParams& params) {
  std::vector<double> out(n);
  if (!attribution_into(model, channels, n, touch_ts, n_ts, conversion_ts, value, params,
                        out.data()))
    return std::nullopt;
  return out;
}

std::optional<std::vector<double>> attribution(AttributionModel model,
                                               const std::string_view* channels, size_t n,
                                               double value, const AttributionParams& params) {
  return attribution(model, channels, n, nullptr, 0, 0, value, params);
}

// ---------------------------------------------------------------------------
// Path builder

std::vector<BuiltPath> build_paths(const PathTouch* touches, size_t n_touches,
                                   const PathConversion* conversions, size_t n_conversions,
                                   const PathBuilderOptions& opt) {
  if (opt.lookback <= 0) invalid("path lookback must be positive");
  if (opt.max_touches < 0) invalid("path max_touches must not be negative");
  if (n_touches >= UINT32_MAX)
    throw Error(sqlstate::kProgramLimitExceeded, "too many touches for one user",
                std::to_string(n_touches) + " touches; the limit is 4294967294.");

  std::vector<uint32_t> t(n_touches);
  for (size_t i = 0; i < n_touches; ++i) t[i] = uint32_t(i);
  std::sort(t.begin(), t.end(), [&](uint32_t a, uint32_t b) {
    if (touches[a].ts != touches[b].ts) return touches[a].ts < touches[b].ts;
    const int c = touches[a].channel.compare(touches[b].channel);
    if (c != 0) return c < 0;
    return a < b;  // identical touches: any order gives the same paths
  });
  std::vector<size_t> c(n_conversions);
  for (size_t i = 0; i < n_conversions; ++i) c[i] = i;
  std::sort(c.begin(), c.end(), [&](size_t a, size_t b) {
    if (conversions[a].ts != conversions[b].ts) return conversions[a].ts < conversions[b].ts;
    const uint64_t ka = float_order_key(conversions[a].value);
    const uint64_t kb = float_order_key(conversions[b].value);
    if (ka != kb) return ka < kb;
    return a < b;
  });

  std::vector<BuiltPath> out(n_conversions);
  size_t lo = 0, hi = 0;  // window [lo, hi) in t
  bool have_prev = false;
  int64_t prev_ts = 0;
  std::vector<uint32_t> buf;
  for (size_t k = 0; k < n_conversions; ++k) {
    const int64_t cts = conversions[c[k]].ts;
    while (hi < n_touches && touches[t[hi]].ts <= cts) ++hi;
    // Touches must be > lower (when has_lower).
    bool has_lower = false;
    int64_t lower = 0;
    if (opt.lookback != INT64_MAX &&
        !(cts < 0 && cts < INT64_MIN + opt.lookback)) {  // cts - lookback fits
      has_lower = true;
      lower = cts - opt.lookback;
    }
    if (!opt.reuse_touches && have_prev && (!has_lower || prev_ts > lower)) {
      has_lower = true;
      lower = prev_ts;
    }
    if (has_lower)
      while (lo < hi && touches[t[lo]].ts <= lower) ++lo;
    // lo never passes a touch a later conversion could use: its lower bound
    // only grows.
    buf.clear();
    for (size_t i = lo; i < hi; ++i) {
      if (opt.collapse_repeats && !buf.empty() &&
          touches[buf.back()].channel == touches[t[i]].channel)
        continue;
      buf.push_back(t[i]);
    }
    size_t first = 0;
    if (opt.max_touches > 0 && buf.size() > size_t(opt.max_touches))
      first = buf.size() - size_t(opt.max_touches);
    out[k].conversion = c[k];
    out[k].touches.assign(buf.begin() + std::ptrdiff_t(first), buf.end());
    have_prev = true;
    prev_ts = cts;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Shared helpers

void sort_channel_credits(std::vector<ChannelCredit>& credits) {
  std::sort(credits.begin(), credits.end(), [](const ChannelCredit& a, const ChannelCredit& b) {
    if (a.credit != b.credit) return a.credit > b.credit;
    return a.channel < b.channel;
  });
}

void validate_path_counts(const char* function, int64_t conversions, int64_t non_conversions,
                          double value) {
  if (conversions < 0 || non_conversions < 0)
    invalid(std::string(function) + " conversions and non_conversions must not be negative",
            "conversions " + std::to_string(conversions) + ", non_conversions " +
                std::to_string(non_conversions) + ".");
  if (!std::isfinite(value) || value < 0)
    invalid(std::string(function) + " conversion value must be a finite number >= 0");
  if (value != 0 && conversions == 0)
    invalid(std::string(function) + " conversion value must be 0 when conversions is 0",
            "A path row without conversions cannot carry conversion value.");
  attribution_internal::checked_add(conversions, non_conversions, function);
}

// ---------------------------------------------------------------------------
// ExactSum

void ExactSum::add(double x) {
  if (!(x > 0)) return;  // 0 (and, defensively, anything not positive)
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const int ef = int((bits >> 52) & 0x7ff);
  uint64_t m = bits & ((uint64_t{1} << 52) - 1);
  int pos;  // bit position of m's bit 0 in the scaled sum
  if (ef == 0) {
    pos = 0;  // subnormal: m * 2^-1074
  } else {
    m |= uint64_t{1} << 52;
    pos = ef - 1;  // m * 2^(ef - 1075) = m * 2^(ef - 1 - 1074)
  }
  int limb = pos / 32;
  unsigned __int128 v = static_cast<unsigned __int128>(m) << (pos % 32);
  uint64_t carry = 0;
  int i = limb;
  for (; v != 0 || carry != 0; ++i) {
    if (i >= kLimbs) {
      throw Error("22003", "sum of conversion values out of range");
    }
    const uint64_t s = uint64_t(limbs_[i]) + uint64_t(v & 0xffffffffu) + carry;
    limbs_[i] = uint32_t(s);
    carry = s >> 32;
    v >>= 32;
  }
  if (hi_ == 0) {
    lo_ = uint8_t(limb);
    hi_ = uint8_t(i);
  } else {
    if (limb < lo_) lo_ = uint8_t(limb);
    if (i > hi_) hi_ = uint8_t(i);
  }
  while (hi_ > lo_ && limbs_[hi_ - 1] == 0) --hi_;
  while (lo_ < hi_ && limbs_[lo_] == 0) ++lo_;
  if (hi_ == lo_) lo_ = hi_ = 0;
}

void ExactSum::add(const ExactSum& o) {
  if (o.hi_ == 0) return;
  uint64_t carry = 0;
  int i = o.lo_;
  for (; i < o.hi_ || carry != 0; ++i) {
    if (i >= kLimbs) throw Error("22003", "sum of conversion values out of range");
    const uint64_t s = uint64_t(limbs_[i]) + (i < o.hi_ ? o.limbs_[i] : 0) + carry;
    limbs_[i] = uint32_t(s);
    carry = s >> 32;
  }
  if (hi_ == 0) {
    lo_ = o.lo_;
    hi_ = uint8_t(i);
  } else {
    if (o.lo_ < lo_) lo_ = o.lo_;
    if (i > hi_) hi_ = uint8_t(i);
  }
  while (hi_ > lo_ && limbs_[hi_ - 1] == 0) --hi_;
  while (lo_ < hi_ && limbs_[lo_] == 0) ++lo_;
  if (hi_ == lo_) lo_ = hi_ = 0;
}

double ExactSum::value() const {
  if (hi_ == 0) return 0.0;
  const int t = hi_ - 1;
  // w = limbs t, t-1, t-2 (96 bits); bit 0 of w is bit 32 (t - 2) of the sum.
  unsigned __int128 w = static_cast<unsigned __int128>(limbs_[t]) << 64;
  if (t >= 1) w |= static_cast<unsigned __int128>(limbs_[t - 1]) << 32;
  if (t >= 2) w |= limbs_[t - 2];
  bool sticky = false;
  for (int i = lo_; i < t - 2; ++i) sticky |= limbs_[i] != 0;
  int hb = 127;
  while (!((w >> hb) & 1)) --hb;
  uint64_t u;
  int shift;  // u = w >> shift (shift may be negative: left shift)
  if (hb >= 63) {
    shift = hb - 63;
    const unsigned __int128 mask = (static_cast<unsigned __int128>(1) << shift) - 1;
    sticky |= (w & mask) != 0;
    u = uint64_t(w >> shift);
  } else {
    shift = -(63 - hb);
    u = uint64_t(w << (63 - hb));
  }
  if (sticky) u |= 1;  // below the 11 guard bits: decides ties correctly
  const double d = std::ldexp(double(u), 32 * (t - 2) + shift - 1074);
  return std::isinf(d) ? DBL_MAX : d;
}

bool ExactSum::operator==(const ExactSum& o) const {
  return lo_ == o.lo_ && hi_ == o.hi_ && limbs_ == o.limbs_;
}

uint8_t* ExactSum::serialize_to(uint8_t* out) const {
  using attribution_internal::put_u32;
  using attribution_internal::put_u8;
  out = put_u8(out, lo_);
  out = put_u8(out, uint8_t(hi_ - lo_));
  for (int i = lo_; i < hi_; ++i) out = put_u32(out, limbs_[i]);
  return out;
}

const uint8_t* ExactSum::deserialize(const uint8_t* p, const uint8_t* end, ExactSum* out,
                                     const char* what) {
  attribution_internal::ByteReader r(p, size_t(end - p), what);
  ExactSum s;
  const uint8_t lo = r.u8(), count = r.u8();
  if (count == 0) {
    if (lo != 0) r.fail("empty value sum with a nonzero offset");
  } else {
    if (int(lo) + int(count) > kLimbs) r.fail("value sum out of range");
    for (int i = 0; i < count; ++i) s.limbs_[lo + i] = r.u32();
    if (s.limbs_[lo] == 0 || s.limbs_[lo + count - 1] == 0)
      r.fail("value sum not in canonical form");
    s.lo_ = lo;
    s.hi_ = uint8_t(lo + count);
  }
  *out = s;
  return end - r.remaining();
}

// ---------------------------------------------------------------------------
// attribution_internal

namespace attribution_internal {

void ByteReader::fail(const std::string& reason) const {
  throw Error(sqlstate::kInvalidTextRepresentation, std::string("invalid ") + what_ + " state",
              reason);
}

void ByteReader::need(size_t n) const {
  if (size_t(end_ - p_) < n) fail("truncated data");
}

uint8_t ByteReader::u8() {
  need(1);
  return *p_++;
}

uint32_t ByteReader::u32() {
  need(4);
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(p_[i]) << (8 * i);
  p_ += 4;
  return v;
}

int64_t ByteReader::i64() {
  need(8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(p_[i]) << (8 * i);
  p_ += 8;
  return int64_t(v);
}

std::string_view ByteReader::bytes(size_t n) {
  need(n);
  std::string_view s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

void ByteReader::exact_sum(ExactSum* out) { p_ = ExactSum::deserialize(p_, end_, out, what_); }

void ByteReader::expect_end() const {
  if (p_ != end_) fail("trailing bytes");
}

namespace {
inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t mix(uint64_t h, uint64_t k) {
  h = (h ^ k) * 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 31);
}

// Byte equality of two strings of the same length n, with the same loads.
inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8)
      if (load8(a + i) != load8(b + i)) return false;
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

inline bool same_name(const std::string& stored, std::string_view name) {
  return stored.size() == name.size() && same_bytes(stored.data(), name.data(), name.size());
}
}  // namespace

// Short names (the usual case) take one or two fixed-size loads, overlapping
// when the length is not a multiple of the load size.
uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t(n) * 0xff51afd7ed558ccdull);
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8) h = mix(h, load8(p + i));
    h = mix(h, load8(p + n - 8));
  } else if (n >= 4) {
    h = mix(h, load4(p) | (load4(p + n - 4) << 32));
  } else if (n > 0) {
    h = mix(h, uint64_t(uint8_t(p[0])) | (uint64_t(uint8_t(p[n / 2])) << 8) |
                   (uint64_t(uint8_t(p[n - 1])) << 16));
  }
  h ^= h >> 29;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 32;
  return h;
}

uint32_t NameTable::find(std::string_view name) const {
  if (slots_.empty()) return UINT32_MAX;
  const uint64_t h = hash_bytes(name);
  const size_t mask = slots_.size() - 1;
  for (size_t i = size_t(h) & mask;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == 0) return UINT32_MAX;
    if (hashes_[s - 1] == h && same_name(names_[s - 1], name)) return s - 1;
  }
}

uint32_t NameTable::intern(std::string_view name, size_t limit, const char* function) {
  if (slots_.empty()) slots_.assign(16, 0);
  const uint64_t h = hash_bytes(name);
  const size_t mask = slots_.size() - 1;
  size_t i = size_t(h) & mask;
  for (;; i = (i + 1) & mask) {
    const uint32_t s = slots_[i];
    if (s == 0) break;
    if (hashes_[s - 1] == h && same_name(names_[s - 1], name)) return s - 1;
  }
  if (names_.size() >= limit)
    throw Error(sqlstate::kProgramLimitExceeded,
                std::string(function) + " supports at most " + std::to_string(limit) +
                    " channels");
  const uint32_t id = uint32_t(names_.size());
  names_.emplace_back(name);
  hashes_.push_back(h);
  slots_[i] = id + 1;
  if (names_.size() * 2 > slots_.size()) grow();
  return id;
}

void NameTable::grow() {
  std::vector<uint32_t> s(slots_.size() * 2, 0);
  const size_t mask = s.size() - 1;
  for (uint32_t id = 0; id < names_.size(); ++id) {
    size_t i = size_t(hashes_[id]) & mask;
    while (s[i] != 0) i = (i + 1) & mask;
    s[i] = id + 1;
  }
  slots_.swap(s);
}

size_t NameTable::memory_bytes() const {
  size_t b = slots_.capacity() * sizeof(uint32_t) + hashes_.capacity() * sizeof(uint64_t) +
             names_.capacity() * sizeof(std::string);
  for (const auto& n : names_) b += n.capacity() > 15 ? n.capacity() + 1 : 0;
  return b;
}

int64_t checked_add(int64_t a, int64_t b, const char* function) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    throw Error("22003", std::string(function) + " count out of range",
                "A sum of conversions or non_conversions does not fit in bigint.");
  return r;
}

}  // namespace attribution_internal

}  // namespace cdp::core
