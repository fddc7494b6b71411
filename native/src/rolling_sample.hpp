// Rolling quantiles and an EWMA for the lifecycle's adaptive thresholds:
// the twins of actors/surveillance/rolling.ts (RollingSample, Ewma). Same
// refresh schedule, same merge of the pushed and evicted values into the
// previous sorted copy, same fall-back to a full sort, same arithmetic: a
// quantile read here is the bits the TypeScript class returns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "js_math.hpp"

namespace gn {

// rolling.ts quantileIndex: the rank of quantile q among n > 0 sorted values (nearest, clamped); NaN
// when there is none (q NaN, or infinite over one value), where TypeScript reads undefined, NaN in
// any arithmetic.
inline double quantile_rank(double q, int32_t n) {
  const double at = std::floor(q * static_cast<double>(n - 1) + 0.5);
  return js::min(static_cast<double>(n - 1), js::max(0.0, at));
}

class RollingSample {
  // A lambda, not the function pointer: std::sort inlines it.
  static constexpr auto kSortLess = [](double a, double b) { return js::sort_less(a, b); };

 public:
  // refresh_every: re-sort every this many pushes (rolling.ts default: max(16, capacity >> 3)).
  RollingSample(int32_t capacity, int32_t refresh_every)
      : cap_(capacity),
        refresh_every_(refresh_every),
        ring_(capacity),
        // Twice the capacity: a merge whose evictions do not match up may write past the window
        // before it notices (the TypeScript typed array drops those writes; here they land).
        sorted_(2 * static_cast<std::size_t>(capacity) + 1),
        spare_(2 * static_cast<std::size_t>(capacity) + 1),
        pushed_(capacity),
        evicted_(capacity) {}

  static int32_t default_refresh(int32_t capacity) { return std::max(16, capacity >> 3); }

  int32_t count() const { return count_; }

  void push(double value) {
    if (pushed_count_ < cap_ && value == value) {
      pushed_[pushed_count_++] = value;
      if (count_ == cap_) evicted_[evicted_count_++] = ring_[next_];
    } else {
      full_sort_ = true;
    }
    ring_[next_] = value;
    next_ = next_ + 1 == cap_ ? 0 : next_ + 1;
    if (count_ < cap_) count_++;
    // Refresh often while young so early reads are meaningful.
    if (++since_refresh_ >= refresh_every_ || sorted_count_ < 64) refresh();
  }

  // Quantile q in [0, 1] of the window as of the last refresh; NaN when empty.
  double quantile(double q) const {
    if (sorted_count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    const double i = quantile_rank(q, sorted_count_);
    if (std::isnan(i)) return std::numeric_limits<double>::quiet_NaN();
    return sorted_[static_cast<std::size_t>(i)];
  }

  // The lifecycle reads the median on every add: it is kept from the last refresh (the bits
  // quantile(0.5) returns) instead of recomputing the index each time.
  double median() const { return median_; }

  void clear() {
    next_ = 0;
    count_ = 0;
    sorted_count_ = 0;
    median_ = std::numeric_limits<double>::quiet_NaN();
    since_refresh_ = 0;
    pushed_count_ = 0;
    evicted_count_ = 0;
    full_sort_ = false;
  }

 private:
  void refresh() {
    since_refresh_ = 0;
    if (full_sort_ || !merge()) {
      std::copy(ring_.begin(), ring_.begin() + count_, sorted_.begin());
      std::sort(sorted_.begin(), sorted_.begin() + count_, kSortLess);
    }
    sorted_count_ = count_;
    median_ = quantile(0.5);
    pushed_count_ = 0;
    evicted_count_ = 0;
    full_sort_ = false;
  }

  // Old sorted copy minus the evicted values plus the pushed ones; false if they do not match up.
  bool merge() {
    const int32_t np = pushed_count_, ne = evicted_count_;
    if (np > 1) std::sort(pushed_.begin(), pushed_.begin() + np, kSortLess);
    if (ne > 1) std::sort(evicted_.begin(), evicted_.begin() + ne, kSortLess);
    const double* old = sorted_.data();
    double* out = spare_.data();
    const int32_t n = sorted_count_;
    // A sort puts NaNs last; the merge would slide new values after them.
    if (n > 0 && std::isnan(old[n - 1])) return false;
    int32_t e = 0, a = 0;
    std::size_t w = 0;
    for (int32_t i = 0; i < n; i++) {
      const double x = old[i];
      if (e < ne && evicted_[e] == x) {
        e++;
        continue;
      }
      while (a < np && pushed_[a] < x) out[w++] = pushed_[a++];
      out[w++] = x;
    }
    while (a < np) out[w++] = pushed_[a++];
    if (e != ne || w != static_cast<std::size_t>(count_)) return false;
    sorted_.swap(spare_);
    return true;
  }

  int32_t cap_;
  int32_t refresh_every_;
  std::vector<double> ring_;
  std::vector<double> sorted_;
  std::vector<double> spare_;  // the merge target, swapped with sorted_ after each merge
  std::vector<double> pushed_;
  std::vector<double> evicted_;
  int32_t pushed_count_ = 0;
  int32_t evicted_count_ = 0;
  bool full_sort_ = false;  // a NaN pushed, or more pushes than capacity: re-sort
  int32_t next_ = 0;
  int32_t count_ = 0;
  int32_t sorted_count_ = 0;
  double median_ = std::numeric_limits<double>::quiet_NaN();
  int32_t since_refresh_ = 0;
};

// Exponentially weighted mean (rolling.ts Ewma; the lifecycle reads only the mean).
class Ewma {
 public:
  explicit Ewma(double half_life) : alpha_(1 - std::pow(0.5, 1 / js::max(1, half_life))) {}

  double mean() const { return mean_; }

  void push(double x) {
    if (count_++ == 0) {
      mean_ = x;
      variance_ = 0;
      return;
    }
    const double d = x - mean_;
    mean_ += alpha_ * d;
    variance_ = (1 - alpha_) * (variance_ + alpha_ * d * d);
  }

  void clear() {
    mean_ = 0;
    variance_ = 0;
    count_ = 0;
  }

 private:
  double alpha_;
  double mean_ = 0;
  double variance_ = 0;
  int64_t count_ = 0;
};

}  // namespace gn
