// RollingSample for counts (integers >= 0), read at a few quantiles fixed up
// front: the twin of actors/surveillance/detectors/int-rolling-sample.ts,
// with RollingSample's answers push for push. A push moves one histogram bin
// in and one out; a refresh (on RollingSample's schedule) walks the histogram
// once per quantile instead of sorting and merging the window. Values that
// are not integers below kBinLimit (larger counts, Infinity, NaN) go to a
// small sorted list above the histogram, NaN last. The caller passes counts
// only (the TypeScript class throws on anything else).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "js_math.hpp"
#include "rolling_sample.hpp"

namespace gn {

class IntRollingSample {
 public:
  static constexpr int32_t kBinLimit = 4096;

  IntRollingSample(int32_t capacity, std::vector<double> quantiles)
      : cap_(capacity),
        refresh_every_(std::max(16, capacity >> 3)),
        ring_(capacity),
        bins_(kBinLimit, 0),
        quantiles_(std::move(quantiles)),
        values_(quantiles_.size(), std::numeric_limits<double>::quiet_NaN()) {}

  int32_t count() const { return count_; }

  // The k-th quantile given to the constructor, as of the last refresh; NaN when empty.
  double quantile_at(std::size_t k) const { return values_[k]; }

  void push(double value) {
    if (count_ == cap_) remove(ring_[next_]);
    add(value);
    ring_[next_] = value;
    next_ = next_ + 1 == cap_ ? 0 : next_ + 1;
    if (count_ < cap_) count_++;
    if (++since_refresh_ >= refresh_every_ || sorted_count_ < 64) refresh();
  }

 private:
  static bool binned(double value) { return value < kBinLimit; }  // counts only: >= 0, integral below the limit

  void add(double value) {
    if (binned(value)) {
      const int32_t v = static_cast<int32_t>(value);
      bins_[v]++;
      binned_++;
      if (v > top_bin_) top_bin_ = v;
      return;
    }
    // NaN sorts last; a number goes before the first larger value or NaN.
    std::size_t at = high_.size();
    if (value == value)
      while (at > 0 && !(high_[at - 1] <= value)) at--;
    high_.insert(high_.begin() + static_cast<std::ptrdiff_t>(at), value);
  }

  void remove(double value) {
    if (binned(value)) {
      bins_[static_cast<int32_t>(value)]--;
      binned_--;
      return;
    }
    auto it = value == value ? std::find(high_.begin(), high_.end(), value)
                             : std::find_if(high_.begin(), high_.end(), [](double x) { return x != x; });
    high_.erase(it);
  }

  void refresh() {
    since_refresh_ = 0;
    sorted_count_ = count_;
    const int32_t n = count_;
    for (std::size_t k = 0; k < quantiles_.size(); k++) {
      const double i = n == 0 ? std::numeric_limits<double>::quiet_NaN() : quantile_rank(quantiles_[k], n);
      values_[k] = std::isnan(i) ? std::numeric_limits<double>::quiet_NaN() : nth(static_cast<int32_t>(i));
    }
  }

  // The i-th smallest value in the window (0-based).
  double nth(int32_t i) {
    if (i >= binned_) return high_[static_cast<std::size_t>(i - binned_)];
    if (i < (binned_ >> 1)) {
      int32_t seen = 0;
      for (int32_t v = 0;; v++) {
        seen += bins_[v];
        if (seen > i) return v;
      }
    }
    // Nearer the top: count down from the largest occupied bin.
    while (bins_[top_bin_] == 0 && top_bin_ > 0) top_bin_--;
    int32_t above = binned_ - 1 - i;
    for (int32_t v = top_bin_;; v--) {
      above -= bins_[v];
      if (above < 0) return v;
    }
  }

  int32_t cap_;
  int32_t refresh_every_;
  std::vector<double> ring_;
  std::vector<int32_t> bins_;
  std::vector<double> high_;  // the window's values >= kBinLimit, Infinity and NaN, ascending, NaN last
  std::vector<double> quantiles_;
  std::vector<double> values_;
  int32_t binned_ = 0;
  int32_t top_bin_ = 0;
  int32_t next_ = 0;
  int32_t count_ = 0;
  int32_t sorted_count_ = 0;
  int32_t since_refresh_ = 0;
};

}  // namespace gn
