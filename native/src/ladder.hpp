// One side of a full-depth L2 book as a dense price ladder.
//
// Distance d counts ticks away from the touch: d = anchor - tick for bids,
// tick - anchor for asks. Levels with 0 <= d < N live in a dense array with
// an occupancy bitmap (an update is an index, a walk from the best skips
// empty ticks 64 at a time); the rest, far from the touch, live in a hash
// map. The anchor is re-set ("recentred") so that the best level sits at
// d = N/8 whenever a better level appears at d < 0, the best drifts past N/2,
// or the window empties while far levels remain. Invariant: no level has
// d < 0, so a walk is the window in order, then the far levels sorted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "far_levels.hpp"

namespace gn {

class Ladder {
 public:
  // window_ticks: the dense span N (rounded up to a power of two), or 0 to
  // size it from the first price seen (about 2% of it).
  Ladder(bool is_bid, int64_t window_ticks) : is_bid_(is_bid), window_request_(window_ticks) {}

  bool is_bid() const { return is_bid_; }
  std::size_t count() const { return window_count_ + far_.size(); }
  void clear();

  // The best level's tick; count() must be > 0.
  int64_t best_tick() const { return tick_of(best_d_); }

  // Sets a level; qty <= 0 removes it. Reports the previous qty and lots (0 when absent).
  void set(int64_t tick, double qty, int64_t lots, double* prev_qty, int64_t* prev_lots);

  // Sum of lots of the levels with lo <= tick <= hi.
  int64_t sum_lots(int64_t lo, int64_t hi) const;

  // Calls f(tick, level) from the best level outward until f returns false.
  template <class F>
  void walk(F&& f) const {
    std::size_t seen = 0;
    if (window_count_ > 0) {
      // Set bits of the occupancy bitmap, lowest distance first, one word at a time.
      std::size_t w = static_cast<std::size_t>(best_d_ >> 6);
      uint64_t word = bits_[w] & (~uint64_t{0} << (best_d_ & 63));
      const std::size_t words = bits_.size();
      while (seen < window_count_) {
        while (word == 0 && ++w < words) word = bits_[w];
        if (word == 0) break;  // unreachable while window_count_ is right
        const int64_t d = static_cast<int64_t>(w * 64) + __builtin_ctzll(word);
        word &= word - 1;
        if (!f(tick_of(d), levels_[d])) return;
        seen++;
      }
    }
    if (far_.empty()) return;
    sort_far();
    for (const int64_t tick : far_sorted_) {
      if (!f(tick, *far_.find(tick))) return;
    }
  }

 private:
  int64_t d_of(int64_t tick) const { return is_bid_ ? anchor_ - tick : tick - anchor_; }
  int64_t tick_of(int64_t d) const { return is_bid_ ? anchor_ - d : anchor_ + d; }
  bool in_window(int64_t d) const { return d >= 0 && d < n_; }
  // First occupied distance >= d in the window, or -1.
  int64_t next_occupied(int64_t d) const;
  void allocate(int64_t first_tick);
  void recenter(int64_t best_tick);
  void place(int64_t tick, const Level& level);
  void sort_far() const;

  bool is_bid_;
  int64_t window_request_;
  int64_t n_ = 0;  // dense span, a power of two; 0 until the first level
  int64_t anchor_ = 0;
  int64_t best_d_ = -1;  // -1: window empty
  std::size_t window_count_ = 0;
  std::vector<Level> levels_;
  std::vector<uint64_t> bits_;
  FarLevels far_;
  mutable std::vector<int64_t> far_sorted_;  // far ticks, best first; valid unless far_dirty_
  mutable bool far_dirty_ = false;
  std::vector<std::pair<int64_t, Level>> scratch_;
};

}  // namespace gn
