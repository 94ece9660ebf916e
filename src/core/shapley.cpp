// shapley_attribution core; see include/cdp/core/shapley.h.
#include "cdp/core/shapley.h"

#include <algorithm>
#include <cstring>

#include "cdp/core/error.h"

namespace cdp::core {

namespace {

using attribution_internal::ByteReader;
using attribution_internal::checked_add;
using attribution_internal::put_i64;
using attribution_internal::put_u32;
using attribution_internal::put_u8;

constexpr const char* kFn = "shapley_attribution";
constexpr uint8_t kVersion = 1;
constexpr uint8_t kKind = 'S';

size_t trimmed_size(const std::vector<int64_t>& v) {
  size_t n = v.size();
  while (n > 0 && v[n - 1] == 0) --n;
  return n;
}

}  // namespace

void ShapleyCounts::add_path(const std::string_view* channels, size_t n, int64_t conversions,
                             int64_t non_conversions) {
  validate_path_counts(kFn, conversions, non_conversions, 0.0);
  if (n == 0 || conversions + non_conversions == 0) return;
  scratch_.clear();
  for (size_t i = 0; i < n; ++i) {
    const uint32_t c = channels_.intern(channels[i], kMaxShapleyChannels, kFn);
    if (c >= by_size_.size()) by_size_.resize(size_t(c) + 1);
    if (scratch_.empty() || scratch_.back() != c) scratch_.push_back(c);
  }
  conversions_ = checked_add(conversions_, conversions, kFn);
  non_conversions_ = checked_add(non_conversions_, non_conversions, kFn);
  if (conversions == 0) return;
  std::sort(scratch_.begin(), scratch_.end());
  scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
  const size_t k = scratch_.size();
  for (uint32_t c : scratch_) {
    auto& v = by_size_[c];
    if (v.size() < k) v.resize(k, 0);
    v[k - 1] = checked_add(v[k - 1], conversions, kFn);
  }
}

void ShapleyCounts::merge(const ShapleyCounts& other) {
  if (&other == this) {
    const ShapleyCounts copy(other);
    merge(copy);
    return;
  }
  for (uint32_t oc = 0; oc < other.channels_.size(); ++oc) {
    const uint32_t c = channels_.intern(other.channels_.name(oc), kMaxShapleyChannels, kFn);
    if (c >= by_size_.size()) by_size_.resize(size_t(c) + 1);
    const auto& src = other.by_size_[oc];
    auto& dst = by_size_[c];
    if (dst.size() < src.size()) dst.resize(src.size(), 0);
    for (size_t k = 0; k < src.size(); ++k) dst[k] = checked_add(dst[k], src[k], kFn);
  }
  conversions_ = checked_add(conversions_, other.conversions_, kFn);
  non_conversions_ = checked_add(non_conversions_, other.non_conversions_, kFn);
}

size_t ShapleyCounts::memory_bytes() const {
  size_t b = sizeof(*this) + channels_.memory_bytes() +
             by_size_.capacity() * sizeof(std::vector<int64_t>) +
             scratch_.capacity() * sizeof(uint32_t);
  for (const auto& v : by_size_) b += v.capacity() * sizeof(int64_t);
  return b;
}

// u8 version (1), u8 kind ('S'), i64 conversions, i64 non_conversions,
// u32 channel count, per channel: u32 name length, name bytes, u32 size count
// (trailing zero counts trimmed), that many i64 counts (set size 1, 2, ...).
size_t ShapleyCounts::serialized_size() const {
  size_t n = 2 + 8 + 8 + 4;
  for (uint32_t c = 0; c < channels_.size(); ++c)
    n += 4 + channels_.name(c).size() + 4 + 8 * trimmed_size(by_size_[c]);
  return n;
}

void ShapleyCounts::serialize_to(uint8_t* p) const {
  p = put_u8(p, kVersion);
  p = put_u8(p, kKind);
  p = put_i64(p, conversions_);
  p = put_i64(p, non_conversions_);
  p = put_u32(p, uint32_t(channels_.size()));
  for (uint32_t c = 0; c < channels_.size(); ++c) {
    const std::string& name = channels_.name(c);
    p = put_u32(p, uint32_t(name.size()));
    if (!name.empty()) std::memcpy(p, name.data(), name.size());
    p += name.size();
    const size_t k = trimmed_size(by_size_[c]);
    p = put_u32(p, uint32_t(k));
    for (size_t i = 0; i < k; ++i) p = put_i64(p, by_size_[c][i]);
  }
}

std::string ShapleyCounts::serialize() const {
  std::string out(serialized_size(), '\0');
  serialize_to(reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

ShapleyCounts ShapleyCounts::deserialize(const void* data, size_t size) {
  ByteReader r(data, size, kFn);
  if (r.u8() != kVersion) r.fail("unknown version");
  if (r.u8() != kKind) r.fail("not a shapley_attribution state");
  ShapleyCounts out;
  out.conversions_ = r.i64();
  out.non_conversions_ = r.i64();
  if (out.conversions_ < 0 || out.non_conversions_ < 0) r.fail("negative total");
  const uint32_t nch = r.u32();
  if (nch > kMaxShapleyChannels) r.fail("too many channels");
  if (nch > r.remaining() / 8) r.fail("truncated data");
  std::vector<__int128> per_size;  // sum over channels of the count for size k
  for (uint32_t c = 0; c < nch; ++c) {
    const uint32_t len = r.u32();
    if (len > r.remaining()) r.fail("truncated data");
    if (out.channels_.intern(r.bytes(len), kMaxShapleyChannels, kFn) != c)
      r.fail("duplicate channel name");
    const uint32_t k = r.u32();
    if (k > nch) r.fail("set size larger than the channel count");
    if (k > r.remaining() / 8) r.fail("truncated data");
    std::vector<int64_t> v(k);
    for (uint32_t i = 0; i < k; ++i) {
      v[i] = r.i64();
      if (v[i] < 0) r.fail("negative count");
    }
    if (k > 0 && v[k - 1] == 0) r.fail("counts not trimmed");
    if (per_size.size() < k) per_size.resize(k, 0);
    for (uint32_t i = 0; i < k; ++i) per_size[i] += v[i];
    out.by_size_.push_back(std::move(v));
  }
  __int128 total = 0;
  for (size_t i = 0; i < per_size.size(); ++i) {
    const __int128 k = __int128(i + 1);
    if (per_size[i] % k != 0) r.fail("counts of a set size do not add up");
    total += per_size[i] / k;
  }
  if (total != out.conversions_) r.fail("counts do not match the total conversions");
  r.expect_end();
  return out;
}

std::vector<ChannelCredit> shapley_attribution(const ShapleyCounts& counts) {
  const auto& names = counts.channels();
  const auto& by_size = counts.by_size();
  const double total = double(counts.total_conversions());
  std::vector<ChannelCredit> out;
  out.reserve(names.size());
  for (uint32_t c = 0; c < names.size(); ++c) {
    long double phi = 0;
    const auto& v = by_size[c];
    for (size_t k = 0; k < v.size(); ++k)
      if (v[k] != 0) phi += static_cast<long double>(v[k]) / static_cast<long double>(k + 1);
    const double p = double(phi);
    out.push_back({names.name(c), total > 0 ? p / total : 0.0, p});
  }
  sort_channel_credits(out);
  return out;
}

}  // namespace cdp::core
