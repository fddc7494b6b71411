#include "ladder.hpp"

#include <algorithm>

namespace gn {

namespace {
constexpr int64_t kMinWindow = 1024;
constexpr int64_t kMaxWindow = int64_t{1} << 20;
}  // namespace

void Ladder::clear() {
  for (int64_t d = best_d_; window_count_ > 0 && d >= 0; d = next_occupied(d + 1)) {
    levels_[d] = Level{};
    bits_[d >> 6] &= ~(uint64_t{1} << (d & 63));
    window_count_--;
  }
  window_count_ = 0;
  best_d_ = -1;
  far_.clear();
  far_sorted_.clear();
  far_dirty_ = false;
}

int64_t Ladder::next_occupied(int64_t d) const {
  if (d >= n_) return -1;
  std::size_t w = static_cast<std::size_t>(d >> 6);
  uint64_t word = bits_[w] & (~uint64_t{0} << (d & 63));
  const std::size_t words = bits_.size();
  while (word == 0) {
    if (++w == words) return -1;
    word = bits_[w];
  }
  return static_cast<int64_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word)));
}

void Ladder::allocate(int64_t first_tick) {
  int64_t want = window_request_;
  if (want <= 0) {
    const int64_t magnitude = first_tick < 0 ? -first_tick : first_tick;
    want = magnitude / 50;  // ~2% of the price: the 50 bps bands and the top of book fit with room to drift
  }
  want = std::min(std::max(want, window_request_ > 0 ? int64_t{64} : kMinWindow), kMaxWindow);
  n_ = 64;
  while (n_ < want) n_ <<= 1;
  levels_.assign(static_cast<std::size_t>(n_), Level{});
  bits_.assign(static_cast<std::size_t>(n_ / 64), 0);
}

void Ladder::place(int64_t tick, const Level& level) {
  const int64_t d = d_of(tick);
  if (in_window(d)) {
    levels_[d] = level;
    bits_[d >> 6] |= uint64_t{1} << (d & 63);
    window_count_++;
    if (best_d_ < 0 || d < best_d_) best_d_ = d;
  } else {
    far_.put(tick, level);
    far_dirty_ = true;
  }
}

void Ladder::recenter(int64_t best_tick) {
  scratch_.clear();
  for (int64_t d = best_d_; window_count_ > 0 && d >= 0; d = next_occupied(d + 1)) {
    scratch_.emplace_back(tick_of(d), levels_[d]);
    levels_[d] = Level{};
    bits_[d >> 6] &= ~(uint64_t{1} << (d & 63));
    window_count_--;
  }
  far_.for_each([&](int64_t tick, const Level& level) { scratch_.emplace_back(tick, level); });
  far_.clear();
  window_count_ = 0;
  best_d_ = -1;
  far_dirty_ = true;
  const int64_t margin = n_ / 8;  // room for the touch to improve without another recentre
  anchor_ = is_bid_ ? best_tick + margin : best_tick - margin;
  for (const auto& [tick, level] : scratch_) place(tick, level);
}

void Ladder::set(int64_t tick, double qty, int64_t lots, double* prev_qty, int64_t* prev_lots) {
  *prev_qty = 0;
  *prev_lots = 0;
  if (qty > 0) {
    if (n_ == 0) allocate(tick);
    if (count() == 0 || d_of(tick) < 0) recenter(tick);
  }
  const int64_t d = d_of(tick);
  if (n_ > 0 && in_window(d)) {
    Level& slot = levels_[d];
    const bool present = slot.qty > 0;
    if (present) {
      *prev_qty = slot.qty;
      *prev_lots = slot.lots;
    }
    if (qty > 0) {
      slot = Level{qty, lots};
      if (!present) {
        bits_[d >> 6] |= uint64_t{1} << (d & 63);
        window_count_++;
        if (best_d_ < 0 || d < best_d_) best_d_ = d;
      }
      return;  // an insert or update never moves the best away
    }
    if (!present) return;
    slot = Level{};
    bits_[d >> 6] &= ~(uint64_t{1} << (d & 63));
    window_count_--;
    if (d == best_d_) best_d_ = window_count_ > 0 ? next_occupied(d + 1) : -1;
  } else {
    const Level* found = far_.find(tick);
    if (found) {
      *prev_qty = found->qty;
      *prev_lots = found->lots;
    }
    if (qty > 0) {
      if (far_.put(tick, Level{qty, lots})) far_dirty_ = true;
      return;
    }
    if (!found) return;
    far_.erase(tick);
    far_dirty_ = true;
  }
  // A removal: keep the best inside the window and near its start.
  if (window_count_ == 0 && !far_.empty()) {
    sort_far();
    recenter(far_sorted_.front());
  } else if (best_d_ >= n_ / 2) {
    recenter(tick_of(best_d_));
  }
}

int64_t Ladder::sum_lots(int64_t lo, int64_t hi) const {
  if (lo > hi || count() == 0) return 0;
  int64_t d0 = d_of(is_bid_ ? hi : lo);
  int64_t d1 = d_of(is_bid_ ? lo : hi);
  int64_t sum = 0;
  const bool beyond = d0 < 0 || d1 >= n_;
  d0 = std::max<int64_t>(d0, 0);
  d1 = std::min<int64_t>(d1, n_ - 1);
  for (int64_t d = d0; d <= d1; d++) sum += levels_[d].lots;
  if (beyond && !far_.empty()) {
    far_.for_each([&](int64_t tick, const Level& level) {
      if (tick >= lo && tick <= hi) sum += level.lots;
    });
  }
  return sum;
}

void Ladder::sort_far() const {
  if (!far_dirty_) return;
  far_sorted_.clear();
  far_.for_each([&](int64_t tick, const Level&) { far_sorted_.push_back(tick); });
  if (is_bid_) {
    std::sort(far_sorted_.begin(), far_sorted_.end(), [](int64_t a, int64_t b) { return a > b; });
  } else {
    std::sort(far_sorted_.begin(), far_sorted_.end());
  }
  far_dirty_ = false;
}

}  // namespace gn
