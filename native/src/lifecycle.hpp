// Order-lifecycle inference from the L2 stream, one instance per symbol:
// the twin of actors/surveillance/lifecycle.ts (read that file's header for
// the model). Every level change becomes an inferred add / consumed /
// cancel; large episodes are opened, closed, settled for late prints and
// released. The arithmetic, the order of operations and the order of the
// released episodes are those of the TypeScript class, so both produce the
// same bits (tested event by event in native-lifecycle.test.ts).
//
// Episodes are not handed over as objects: after each book event the
// instance appends one record per large episode that opened, was released
// to the detectors (closed and settled) or was dropped (forgotten without
// closing), each a snapshot of every field, to an output queue the caller
// drains (gn_lifecycle_take). Between its opening and its release an
// episode changes only here: nothing downstream reads those states.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "rolling_sample.hpp"

namespace gn {

class FrameDetectors;  // frame_detectors.hpp

// Shared by the two halves of the implementation (lifecycle.cpp, lifecycle_stream.cpp).
namespace lifecycle_detail {
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr int BID = 0;
inline constexpr int ASK = 1;
}  // namespace lifecycle_detail

struct LifecycleParams {
  double near_ticks;
  int32_t depth_levels;
  int32_t add_window;
  double depth_sample_ms;
  int32_t depth_window;
  double depth_factor;
  double track_multiple;
  double trade_match_ms;
  double settle_ms;
  double episode_merge_ms;
  double close_fraction;
  double vol_sample_ms;
  int32_t vol_window;
  double band_ticks;
  double band_vol_multiple;
};

// Doubles per record of the output queue (GN_LIFECYCLE_RECORD_DOUBLES in genesis.h) and its kinds.
constexpr int kRecordDoubles = 22;
constexpr int kRecordOpened = 0;
constexpr int kRecordReleased = 1;
constexpr int kRecordDropped = 2;

// One book event as the C ABI hands it over (gn_lifecycle_process / gn_lifecycle_frame).
struct BookInput {
  bool reset;
  bool rows_prefetched;  // the caller already ran prefetch_row over the levels
  double ts_ms;
  const uint8_t* side;
  const double* price_ticks;
  const double* qty;
  int32_t n_levels;
  // The shown touch (BookUpdate.topBidPrice[0] / topAskPrice[0], quote units) when there is one.
  bool has_bid;
  bool has_ask;
  double bid_price;
  double ask_price;
  // The best min(depth_levels, shown) quantities per side, best first.
  int32_t n_bid_qty;
  int32_t n_ask_qty;
  const double* bid_qty;
  const double* ask_qty;
};

// Per-update counts of inferred level events.
struct UpdateCounts {
  int32_t adds = 0;
  int32_t cancels = 0;
  int32_t consumed = 0;
  int32_t cancels_by_side[2] = {0, 0};
  // Levels within near_ticks behind the touch or inside the spread (GN_LIFECYCLE_COUNTS), all / bids.
  int32_t near = 0;
  int32_t near_bid = 0;
};

class Lifecycle {
 public:
  Lifecycle(double tick_size, const LifecycleParams& params);
  ~Lifecycle();  // out of line: FrameDetectors is complete only there

  int32_t depth_levels() const { return p_.depth_levels; }
  double near_ticks() const { return p_.near_ticks; }
  double tick_size() const { return tick_size_; }
  const UpdateCounts& counts() const { return counts_; }
  double best_bid_ticks() const { return best_[0]; }
  double best_ask_ticks() const { return best_[1]; }
  double mid2() const { return mid2_; }
  double now_ts_ms() const { return now_ts_ms_; }
  double cum_aggressor_qty(int side) const { return cum_aggressor_[side]; }
  double ref_qty() const;
  double vol_ticks() const { return mid_moves_.count() > 0 ? mid_moves_.median() : 0; }
  // The level's quantity / last change time (0 / -Infinity when the price does not hold its row).
  double qty_at(int side, double price_ticks) const;
  double last_change_ts_ms(int side, double price_ticks) const;
  // Starts the load of the row a level would use (no effect on the state; any side 0/1 and price).
  void prefetch_row(int side, int32_t price_ticks) const { __builtin_prefetch(&rows_[row_of(side, price_ticks)], 1); }

  // aggressor: +1 buy (lifts asks), -1 sell (hits bids).
  void on_trade(double ts_ms, double price_ticks, double qty, int aggressor);
  void on_book(const BookInput& in);
  // Releases the episodes settled by ts (the clock moved on without an event; Infinity: every
  // settling episode, the end of a stream).
  void advance(double ts_ms) { release_settled(ts_ms); }
  // Back to an empty table and empty samples; the touch, clock and aggressor totals are kept
  // (as lifecycle.ts clear() keeps them). The output queue is emptied.
  void clear();

  // Appends the records of what changed since the last call (tagged `row`) to the queue.
  void emit(int32_t row);
  const std::vector<double>& records() const { return records_; }
  // The frame detectors gn_lifecycle_frame runs after each frame once enabled (gn_lifecycle_detectors);
  // on_trade passes them every trade. They are not the lifecycle's state: clear() leaves them as they
  // are, as the engine's TypeScript detectors are left when lifecycle.ts clears.
  FrameDetectors* detectors() { return detectors_.get(); }
  const FrameDetectors* detectors() const { return detectors_.get(); }
  void set_detectors(std::unique_ptr<FrameDetectors> detectors);
  const std::vector<double>& record_trades() const { return record_trades_; }
  void take_records() {
    records_.clear();
    record_trades_.clear();
  }

 private:
  struct Episode {
    double side, price_ticks, added_qty, traded_qty, cancelled_qty, start_ts_ms, end_ts_ms;
    double dist_ticks_at_add, mid2_at_add, mid2_at_end, dist_ticks_at_end, level_traded_qty, ref_qty;
    double vol_ticks_at_add, opposite_qty, opposite_expected_qty, opposite_at_start;
    std::vector<double> trades;  // (price, qty, ts) triples
    std::size_t trades_sent = 0;  // how many of them earlier records carried
  };
  struct Outgoing {
    int kind;  // kRecord*
    int32_t episode;
  };
  // One (side, priceTicks mod kSlots) row: a cache line, as lifecycle.ts's LevelTable row.
  struct Row {
    double price;  // priceTicks holding the row; NaN = free
    double qty;
    double last_change_ts;
    double ep_remaining;  // liquidity of the open episode still resting
    double tail;          // added after the episode became large: other orders queued behind it
    double ep_added;
    double ep_start_ts;
    int32_t ep_active;  // 1 while an episode (small or large) is open at the level
    int32_t episode;    // index in episodes_ of the large episode, -1 when none
  };
  static_assert(sizeof(Row) == 64, "one cache line per level");
  static constexpr int kSlotBits = 12;
  static constexpr int kSlots = 1 << kSlotBits;

  static std::size_t row_of(int side, int32_t price_ticks) {
    return (static_cast<std::size_t>(side) << kSlotBits) | static_cast<std::size_t>(price_ticks & (kSlots - 1));
  }
  void clear_rows();
  void free_row(Row& row, double price_ticks);
  // Inlined into the per-level loop: a call per level cost ~5% of a frame (spills, reloads).
  __attribute__((always_inline)) int32_t slot(int side, int32_t price_ticks, double qty);
  __attribute__((always_inline)) void apply_level(int side, int32_t price_ticks, double qty, double ts, double behind);
  void added(Row& row, int side, int32_t price_ticks, double size, double ts);
  void removed(Row& row, int side, int32_t price_ticks, double size, double qty_after, double ts);
  __attribute__((always_inline)) void far_change(Row& row, int side, int32_t price_ticks, double prev, double qty);
  void close_episode(Row& row, double ts);
  double take_trades(int side, int32_t price_ticks, double size, int32_t ep);
  void expire_trades(double ts);
  void release_settled(double ts);
  void read_touch(const BookInput& in);
  void sample_vol(double ts);
  void sample_depth(const BookInput& in);
  void reset_book(const BookInput& in);
  double touch_dist(int side, double price_ticks) const;

  int32_t new_episode();
  void drop(int32_t ep);
  void write_record(int32_t row, int kind, int32_t slot, Episode& ep);

  LifecycleParams p_;
  double tick_size_;
  double ticks_per_unit_;
  std::vector<Row> rows_;
  std::vector<double> pending_trades_[2];  // unexplained trade volume per book side: (price, qty, ts)
  // Lowest / highest pending trade price per side (a superset bound): far changes outside cannot match.
  double pending_lo_[2];
  double pending_hi_[2];
  // Per side, the earliest pending trade time and whether a pending trade may be spent (qty at
  // most 1e-12): with neither due, expire_trades has nothing to drop and skips the side.
  double pending_oldest_ts_[2];
  bool pending_spent_[2];
  double band_ticks_;  // this update's band, ticks behind the own-side touch
  double cum_aggressor_[2] = {0, 0};       // sell aggressors (hit bids), buy aggressors (lifted asks)
  std::vector<Episode> episodes_;          // pool; free slots listed in free_episodes_
  std::vector<int32_t> free_episodes_;
  std::vector<int32_t> settling_;
  std::vector<Outgoing> outbox_;  // records due at the next emit, in event order
  UpdateCounts counts_;
  RollingSample add_sizes_;
  RollingSample depth_sizes_;
  RollingSample mid_moves_;  // |mid change| per vol_sample_ms, in ticks
  double last_vol_sample_ts_ms_;
  Ewma aggressor_rate_[2];  // aggressive volume per vol_sample_ms against each side
  double last_cum_aggressor_[2] = {0, 0};
  double last_vol_mid2_;
  double last_depth_sample_ts_ms_;
  double best_[2];
  double mid2_;
  double now_ts_ms_ = 0;
  std::vector<double> records_;
  std::vector<double> record_trades_;
  std::unique_ptr<FrameDetectors> detectors_;
};

}  // namespace gn
