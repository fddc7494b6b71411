// A time window over (ts, K values) entries with running column sums.
//
// Entries leave in arrival order once ts <= now - window (now is the engine's
// monotone clock), so the result depends only on the event sequence. Sums
// are kept by add-on-push / subtract-on-evict; the lot-valued columns are
// exact integers. A column whose entries are all zero is snapped to exactly
// 0 so that float residue (the squared returns) never survives an idle
// window. The TypeScript twin (actors/analytics/rolling-window.ts) performs
// the same floating-point operations in the same order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gn {

class Rolling {
 public:
  Rolling(double window_ms, int columns)
      : window_ms_(window_ms), k_(columns), sums_(columns, 0.0), nonzero_(columns, 0) {
    grow_to(64);
  }

  double window_ms() const { return window_ms_; }
  std::size_t size() const { return size_; }
  double sum(int c) const { return sums_[c]; }

  void clear() {
    head_ = 0;
    size_ = 0;
    for (int c = 0; c < k_; c++) {
      sums_[c] = 0.0;
      nonzero_[c] = 0;
    }
  }

  void push(double ts, const double* values) {
    if (size_ == cap_) grow_to(cap_ * 2);
    const std::size_t at = (head_ + size_) & (cap_ - 1);
    ts_[at] = ts;
    double* row = &vals_[at * k_];
    for (int c = 0; c < k_; c++) {
      row[c] = values[c];
      sums_[c] += values[c];
      if (values[c] != 0.0) nonzero_[c]++;
    }
    size_++;
  }

  void evict(double now_ms) {
    const double cutoff = now_ms - window_ms_;
    while (size_ > 0 && ts_[head_] <= cutoff) {
      const double* row = &vals_[head_ * k_];
      for (int c = 0; c < k_; c++) {
        if (row[c] == 0.0) continue;
        sums_[c] -= row[c];
        if (--nonzero_[c] == 0) sums_[c] = 0.0;
      }
      head_ = (head_ + 1) & (cap_ - 1);
      size_--;
    }
  }

 private:
  void grow_to(std::size_t cap) {
    std::vector<double> ts(cap);
    std::vector<double> vals(cap * k_);
    for (std::size_t i = 0; i < size_; i++) {
      const std::size_t from = (head_ + i) & (cap_ - 1);
      ts[i] = ts_[from];
      for (int c = 0; c < k_; c++) vals[i * k_ + c] = vals_[from * k_ + c];
    }
    ts_.swap(ts);
    vals_.swap(vals);
    cap_ = cap;
    head_ = 0;
  }

  double window_ms_;
  int k_;
  std::vector<double> ts_;
  std::vector<double> vals_;
  std::vector<double> sums_;
  std::vector<int64_t> nonzero_;
  std::size_t cap_ = 1;  // grow_to() reads (head_ + i) & (cap_ - 1) only while size_ > 0
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace gn
