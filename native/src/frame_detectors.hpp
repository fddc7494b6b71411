// The per-frame detector work that runs beside the lifecycle: the
// low-severity context detectors on the frame's top of book, book pressure
// (top-N imbalance beyond the tails of its own rolling distribution) and
// liquidity gaps (empty-tick runs among the top N levels far wider than
// usual), twins of the state machines in
// actors/surveillance/detectors/book-context.ts; quote stuffing
// (quote_stuffing.hpp) on the lifecycle's counts; and the price reach
// (price_reach.hpp) on the mid. Same samples on the same frames, same
// arithmetic, same episodes. They run inside gn_lifecycle_frame because the
// frame's arrays, counts and mid are at hand there (the arrays prefetched):
// in JavaScript the four cost ~300 ns per frame, much of it reading those
// arrays cold.
//
// An episode that ends long enough is queued as an event of
// GN_DETECTOR_EVENT_DOUBLES doubles; the alert (score, evidence, sentence) is
// made in TypeScript from it, by the same function the TypeScript detector
// uses.
#pragma once

#include <cstdint>
#include <vector>

#include "int_rolling_sample.hpp"
#include "price_reach.hpp"
#include "quote_stuffing.hpp"
#include "rolling_sample.hpp"

namespace gn {

class Lifecycle;

struct FrameDetectorConfig {
  int32_t pressure_levels;
  double pressure_tail;
  double pressure_sample_ms;
  int32_t pressure_window;
  double pressure_warmup_samples;
  double pressure_min_duration_ms;
  int32_t gap_levels;
  double gap_tail;
  double gap_multiple;
  double gap_min_ticks;
  double gap_sample_ms;
  int32_t gap_window;
  double gap_warmup_samples;
  double gap_min_duration_ms;
  double reach_sample_ms;
  int32_t reach_window;
  QuoteStuffingParams stuffing;
};

// Event kinds and the layout of one event (GN_DETECTOR_EVENT_DOUBLES):
// [kind, side (0 bid, 1 ask), tsStart, tsEnd, peak, threshold, then for quote stuffing
// cancels, consumed, trades, bid-side changes (the rest ask-side), else 0].
constexpr int kDetectorEventDoubles = 10;
constexpr int kEventPressure = 0;
constexpr int kEventGap = 1;
constexpr int kEventStuffing = 2;

// The frame's level changes as gn_lifecycle_frame received them.
struct FrameLevels {
  bool reset;
  const uint8_t* side;
  const double* price_ticks;
  int32_t n;
};

// The shown top of book of one frame (BookUpdate.top*), best first, prices in quote units.
struct TopOfBook {
  const double* bid_price;
  int32_t n_bid_price;
  const double* bid_qty;
  int32_t n_bid_qty;
  const double* ask_price;
  int32_t n_ask_price;
  const double* ask_qty;
  int32_t n_ask_qty;
};

class FrameDetectors {
 public:
  FrameDetectors(double tick_size, const FrameDetectorConfig& params);

  // After life.on_book(frame): reads its counts, touch and mid.
  void on_frame(const Lifecycle& life, double ts_ms, const FrameLevels& levels, const TopOfBook& top);
  void on_trade(double ts_ms) { stuffing_.on_trade(ts_ms); }
  const PriceReach& reach() const { return reach_; }
  // Events queued since the last take (flat, kDetectorEventDoubles each).
  const std::vector<double>& events() const { return events_; }
  void take_events() { events_.clear(); }

 private:
  // An episode in progress: from entering the extreme to leaving it.
  struct Extreme {
    bool open = false;
    double ts_start = 0;
    double peak = 0;
    int side = 0;
    double threshold = 0;
  };

  void pressure(double ts, const TopOfBook& top);
  void gaps(double ts, const TopOfBook& top);
  void gap_side(int side, double gap, double threshold, double ts);
  double gap_of(int side, const double* prices, int32_t n);
  double gap_over(const double* prices, int32_t m) const;
  void emit(int kind, const Extreme& e, double ts);
  void stuffing(const Lifecycle& life, double ts, const FrameLevels& levels);

  FrameDetectorConfig p_;
  double ticks_per_unit_;
  RollingSample pressure_samples_;
  double pressure_last_sample_ts_;
  double pressure_hi_;
  double pressure_lo_;
  Extreme pressure_open_;
  IntRollingSample gap_samples_;  // quantiles {0.5, 1 - gap_tail}
  double gap_last_sample_ts_;
  double gap_threshold_;
  Extreme gap_open_[2];
  // Per side, the top prices the last gap came from and that gap (SideGap's memo): about 9 frames
  // in 10 leave them as they were, and comparing costs less than rounding them to ticks again.
  std::vector<double> gap_prices_[2];
  int32_t gap_len_[2] = {-1, -1};
  double gap_[2] = {0, 0};
  PriceReach reach_;
  QuoteStuffing stuffing_;
  std::vector<double> events_;
};

}  // namespace gn
