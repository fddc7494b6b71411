// Levels outside a ladder's dense window (quotes far from the touch: Binance
// streams updates to levels hundreds of thousands of ticks away). An
// open-addressing hash map from tick to level, with backward-shift deletion,
// so updates there cost a probe, not an allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gn {

struct Level {
  double qty = 0;    // base units; 0 = empty
  int64_t lots = 0;  // qty in whole lots (rounded)
};

class FarLevels {
 public:
  FarLevels() { rehash(64); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void clear() {
    if (size_ == 0) return;
    for (Slot& s : slots_) s.used = false;
    size_ = 0;
  }

  const Level* find(int64_t tick) const {
    for (std::size_t i = home(tick);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.tick == tick) return &s.level;
    }
  }

  // Inserts or overwrites; returns true when the tick was new.
  bool put(int64_t tick, const Level& level) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    for (std::size_t i = home(tick);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{tick, level, true};
        size_++;
        return true;
      }
      if (s.tick == tick) {
        s.level = level;
        return false;
      }
    }
  }

  // Removes the tick if present; returns true when it was.
  bool erase(int64_t tick) {
    std::size_t i = home(tick);
    for (;; i = (i + 1) & mask_) {
      if (!slots_[i].used) return false;
      if (slots_[i].tick == tick) break;
    }
    // Backward-shift deletion: pull later members of the probe run into the hole.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].tick);
      const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].used = false;
    size_--;
    return true;
  }

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.used) f(s.tick, s.level);
  }

 private:
  struct Slot {
    int64_t tick = 0;
    Level level;
    bool used = false;
  };

  std::size_t home(int64_t tick) const {
    return static_cast<std::size_t>((static_cast<uint64_t>(tick) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) shift_--;
    size_ = 0;
    for (const Slot& s : old)
      if (s.used) put(s.tick, s.level);
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace gn
