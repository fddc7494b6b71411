// The per-instrument feature engine behind a gn_engine handle: its own
// full-depth book, the state of the previous row (for OFI and returns), the
// incremental depth bands, the trades not yet matched against a book update
// (for cancel detection) and the rolling windows. No I/O, no allocation
// across the C boundary.
#pragma once

#include <cstdint>
#include <vector>

#include "ladder.hpp"
#include "features.h"
#include "rolling.hpp"

namespace gn {

// Converts integer ticks or lots to real units. When 1/step is (nearly) an
// integer k the conversion divides by k, so 639439 ticks of 0.1 read 63943.9
// exactly instead of 63943.90000000001.
struct Scale {
  double step = 1;
  double inverse = 1;
  bool divide = false;
  explicit Scale(double s);
  double operator()(double x) const { return divide ? x / inverse : x * step; }
};

// Cumulative lots within BAND_BPS of mid on each side, maintained
// incrementally: level changes inside a band adjust it, and when mid moves
// only the levels between the old and the new boundary are summed. A band
// is bids with tick >= ceil(mid * (1 - bps/1e4)), asks with tick <=
// floor(mid * (1 + bps/1e4)): for integer ticks exactly the levels whose
// price satisfies the real-valued inequality.
class DepthBands {
 public:
  void invalidate() { valid_ = false; }
  bool valid() const { return valid_; }
  void on_level(bool is_bid, int64_t tick, int64_t delta_lots);
  void update(const Ladder& bids, const Ladder& asks, double mid_ticks);
  int64_t lots(int side, int band) const { return lots_[side][band]; }

 private:
  bool valid_ = false;
  int64_t limit_[2][BAND_COUNT] = {};  // bids: lowest tick inside; asks: highest tick inside
  int64_t lots_[2][BAND_COUNT] = {};
};

// The best TOP_LEVELS levels of one side, read once per row.
constexpr int TOP_LEVELS = 20;
struct Top {
  int count = 0;
  double price[TOP_LEVELS] = {};
  double qty[TOP_LEVELS] = {};
  int64_t lots[TOP_LEVELS] = {};
  void read(const Ladder& side);
};

struct PendingTrade {
  int side;  // the resting side the trade consumed
  double price_ticks;
  int64_t lots;
};

class Engine {
 public:
  Engine(double tick_size, double lot_size, double notional_quote, int64_t window_ticks);
  void reset();
  double lot_size() const { return lot_size_; }
  void on_trade(double ts_ms, double price_ticks, double qty, int aggressor);
  // Applies one book event and writes its feature row (FEATURE_COUNT doubles).
  void on_book(bool reset, double ts_ms, const uint8_t* side, const double* price_ticks, const double* qty,
               int32_t n_levels, double* row);

 private:
  int64_t to_lots(double qty) const;
  void advance_clock(double ts_ms);
  void apply_level(bool reset, int side, double price_ticks, double qty);
  void write_book_features(double* row) const;
  void write_flow_features(bool reset, double* row);
  void write_window_features(double* row) const;
  void remember_top();

  Scale price_;
  Scale qty_;
  double lot_size_;
  double notional_quote_;
  Ladder bids_;
  Ladder asks_;
  Top top_[2];  // after the current event's levels
  DepthBands bands_;
  std::vector<PendingTrade> pending_;

  double clock_ms_;
  double prev_mid_ticks_;
  // Top MLOFI_LEVELS levels after the previous row, best first.
  int prev_count_[2] = {0, 0};
  double prev_price_[2][MLOFI_LEVELS] = {};
  int64_t prev_lots_[2][MLOFI_LEVELS] = {};
  bool has_prev_ = false;

  // Cancel tally of the current book event.
  double cancels_ = 0;
  double cancel_lots_ = 0;
  double ofi_lots_ = 0;  // 0 when the row's OFI is undefined
  double return_sq_ = 0;
  double has_return_ = 0;

  Rolling book_1s_{1000, 1};    // ofi lots
  Rolling book_10s_{10000, 6};  // ofi lots, updates, cancels, cancel lots, return^2, returns
  Rolling book_60s_{60000, 2};  // return^2, returns
  Rolling trade_1s_{1000, 4};   // buy lots, sell lots, ticks*lots, trades
  Rolling trade_10s_{10000, 4};
};

}  // namespace gn
