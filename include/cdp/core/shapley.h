// shapley_attribution: the pure C++ core (no PostgreSQL). Contract: section 4
// of the SQL API spec.
//
// Game. A path row's channel SET is the set of distinct channels in its path
// (order and repeats do not matter). v(S) = conversions of all rows whose
// channel set is a subset of S. The Shapley value of channel j is then
//     phi_j = sum over channel sets T containing j of conversions(T) / |T|
// (Zhao et al. 2018, "Shapley value methods for attribution modeling in
// online advertising", the "simplified" form): each set's game is a
// unanimity game on T, whose value splits equally among T's members. So the
// credits sum to the total conversions exactly in exact arithmetic, and no
// coalition is enumerated: the cost is linear in the input, whatever the
// number of channels.
//
// State. Because phi_j only needs, for each channel j and each set size k,
// the conversions of rows whose set has k channels and contains j, the
// aggregate keeps exactly that: an int64 count per (channel, set size), not a
// map of sets. Memory is O(channels x longest set), counts are integers (so
// merging in any order gives the same state), and phi_j = sum_k c[j][k] / k
// is evaluated in a fixed order (k ascending, long double), so the result is
// deterministic. removal_effect = phi_j / total conversions (0 when there is
// no conversion). Rows with an empty path, or with no conversion and no
// non-conversion, are ignored; channels of rows that only have
// non_conversions are listed with credit 0. non_conversions are only counted
// (a conversion-rate variant would need the sets themselves).
#pragma once

#ifdef POSTGRES_H
static_assert(false, "include/cdp/core must not see PostgreSQL headers");
#endif

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/core/attribution.h"

namespace cdp::core {

// Most distinct channels one shapley_attribution aggregate may see; one more
// -> 54000 (it bounds the state and the result, not the computation).
inline constexpr size_t kMaxShapleyChannels = 100000;

class ShapleyCounts {
 public:
  // conversions, non_conversions >= 0 (22023); sums overflowing bigint ->
  // 22003; more than kMaxShapleyChannels channels -> 54000.
  void add_path(const std::string_view* channels, size_t n, int64_t conversions,
                int64_t non_conversions);
  void add_path(const std::vector<std::string_view>& channels, int64_t conversions,
                int64_t non_conversions) {
    add_path(channels.data(), channels.size(), conversions, non_conversions);
  }
  // Adds every count of `other` (channels matched by name).
  void merge(const ShapleyCounts& other);

  // Portable bytes (little-endian, version byte 1). deserialize() checks
  // bounds, names and that the per-size counts add up to the total (every
  // set of k channels contributes its conversions to exactly k channels);
  // anything malformed -> 22P02.
  size_t serialized_size() const;
  void serialize_to(uint8_t* out) const;
  std::string serialize() const;
  static ShapleyCounts deserialize(const void* data, size_t size);

  int64_t total_conversions() const { return conversions_; }
  int64_t total_non_conversions() const { return non_conversions_; }
  size_t channel_count() const { return channels_.size(); }
  bool empty() const { return channels_.size() == 0; }
  size_t memory_bytes() const;

  // The channel names (ids in order of first appearance) and, per channel id,
  // the conversions of rows whose set has k channels and contains it, at
  // index k - 1 (trailing zeros may be missing).
  const attribution_internal::NameTable& channels() const { return channels_; }
  const std::vector<std::vector<int64_t>>& by_size() const { return by_size_; }

 private:
  attribution_internal::NameTable channels_;
  std::vector<std::vector<int64_t>> by_size_;  // [channel][k - 1]
  int64_t conversions_ = 0;
  int64_t non_conversions_ = 0;
  std::vector<uint32_t> scratch_;
};

// Credits in the output order (descending credit, ties by name):
// credit = phi_j, removal_effect = phi_j / total conversions.
std::vector<ChannelCredit> shapley_attribution(const ShapleyCounts& counts);

}  // namespace cdp::core
