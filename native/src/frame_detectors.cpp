// The frame detectors' turn after each frame (see frame_detectors.hpp): book
// pressure and liquidity gaps here, each function mirroring the method of the
// same name in actors/surveillance/detectors/book-context.ts operand for
// operand; quote stuffing's near-touch count (QuoteStuffingDetector.onBook in
// quote-stuffing.ts) before it runs quote_stuffing.hpp; the reach's sample.
#include "frame_detectors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "js_math.hpp"
#include "lifecycle.hpp"

namespace gn {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sum(const double* qty, int32_t n, int32_t levels) {
  double s = 0;
  for (int32_t i = 0, m = std::min(levels, n); i < m; i++) s += qty[i];
  return s;
}
}  // namespace

FrameDetectors::FrameDetectors(double tick_size, const FrameDetectorConfig& params)
    : p_(params),
      ticks_per_unit_(1 / tick_size),
      pressure_samples_(params.pressure_window, RollingSample::default_refresh(params.pressure_window)),
      pressure_last_sample_ts_(-kInf),
      pressure_hi_(kNaN),
      pressure_lo_(kNaN),
      gap_samples_(params.gap_window, {0.5, 1 - params.gap_tail}),
      gap_last_sample_ts_(-kInf),
      gap_threshold_(kNaN),
      reach_(params.reach_sample_ms, params.reach_window),
      stuffing_(params.stuffing) {}

// In the TypeScript engine's order: the reach, quote stuffing, book pressure, liquidity gaps (the
// momentum detector's turn, between stuffing and pressure, touches none of their state).
void FrameDetectors::on_frame(const Lifecycle& life, double ts_ms, const FrameLevels& levels, const TopOfBook& top) {
  reach_.on_mid(ts_ms, life.best_bid_ticks() + life.best_ask_ticks());
  stuffing(life, ts_ms, levels);
  pressure(ts_ms, top);
  gaps(ts_ms, top);
}

void FrameDetectors::emit(int kind, const Extreme& e, double ts) {
  events_.insert(events_.end(), {static_cast<double>(kind), static_cast<double>(e.side), e.ts_start, ts, e.peak, e.threshold, 0, 0, 0, 0});
}

// QuoteStuffingDetector.onBook: the near-touch changes are the lifecycle's count when it counted
// against the detector's nearTicks, else a pass over the levels (nearTouchChanges).
void FrameDetectors::stuffing(const Lifecycle& life, double ts, const FrameLevels& levels) {
  double near = 0, near_bid = 0;
  if (levels.reset) {
    // Nothing counted.
  } else if (life.near_ticks() == stuffing_.near_ticks()) {
    near = life.counts().near;
    near_bid = life.counts().near_bid;
  } else {
    const double bid = life.best_bid_ticks(), ask = life.best_ask_ticks(), near_ticks = stuffing_.near_ticks();
    for (int32_t i = 0; i < levels.n; i++) {
      const int side = levels.side[i];
      const double dist = side == 0 ? bid - levels.price_ticks[i] : levels.price_ticks[i] - ask;
      if (dist <= near_ticks) {
        near++;
        if (side == 0) near_bid++;
      }
    }
  }
  StuffingBurst b;
  const double all = levels.reset ? 0 : levels.n;
  if (!stuffing_.on_book(ts, all, near, near_bid, life.counts().cancels, life.counts().consumed, &b)) return;
  const int side = b.changes_ask > b.changes_bid ? 1 : 0;
  events_.insert(events_.end(), {static_cast<double>(kEventStuffing), static_cast<double>(side), b.ts_start, b.ts_end, b.peak,
                                 b.threshold, b.cancels, b.consumed, b.trades, b.changes_bid});
}

// BookPressureDetector.onBook.
void FrameDetectors::pressure(double ts, const TopOfBook& top) {
  const double bid = sum(top.bid_qty, top.n_bid_qty, p_.pressure_levels);
  const double ask = sum(top.ask_qty, top.n_ask_qty, p_.pressure_levels);
  if (bid + ask <= 0) return;
  const double imbalance = (bid - ask) / (bid + ask);
  if (ts - pressure_last_sample_ts_ >= p_.pressure_sample_ms) {
    pressure_samples_.push(imbalance);
    pressure_last_sample_ts_ = ts;
    pressure_hi_ = pressure_samples_.quantile(1 - p_.pressure_tail);
    pressure_lo_ = pressure_samples_.quantile(p_.pressure_tail);
  }
  if (pressure_samples_.count() < p_.pressure_warmup_samples) return;
  const double hi = pressure_hi_, lo = pressure_lo_;
  const int side = imbalance > hi ? 0 : imbalance < lo ? 1 : -1;
  Extreme& o = pressure_open_;
  if (o.open && side == o.side) {
    if (std::fabs(imbalance) > std::fabs(o.peak)) o.peak = imbalance;
    return;
  }
  const Extreme ended = o;
  o.open = side >= 0;
  if (o.open) {
    o.ts_start = ts;
    o.peak = imbalance;
    o.side = side;
    o.threshold = side == 0 ? hi : lo;
  }
  if (!ended.open || ts - ended.ts_start < p_.pressure_min_duration_ms) return;
  emit(kEventPressure, ended, ts);
}

// LiquidityGapDetector.onBook.
void FrameDetectors::gaps(double ts, const TopOfBook& top) {
  const double bid_gap = gap_of(0, top.bid_price, top.n_bid_price);
  const double ask_gap = gap_of(1, top.ask_price, top.n_ask_price);
  if (ts - gap_last_sample_ts_ >= p_.gap_sample_ms) {
    gap_samples_.push(bid_gap);
    gap_samples_.push(ask_gap);
    gap_last_sample_ts_ = ts;
    gap_threshold_ = js::max(js::max(p_.gap_min_ticks, p_.gap_multiple * js::max(1, gap_samples_.quantile_at(0))),
                             gap_samples_.quantile_at(1) + 1);
  }
  if (gap_samples_.count() < p_.gap_warmup_samples) return;
  const double threshold = gap_threshold_;
  gap_side(0, bid_gap, threshold, ts);
  gap_side(1, ask_gap, threshold, ts);
}

// LiquidityGapDetector.side.
void FrameDetectors::gap_side(int side, double gap, double threshold, double ts) {
  Extreme& o = gap_open_[side];
  if (gap >= threshold) {
    if (o.open) {
      o.peak = js::max(o.peak, gap);
    } else {
      o = Extreme{true, ts, gap, side, threshold};
    }
    return;
  }
  if (!o.open) return;
  o.open = false;
  if (ts - o.ts_start < p_.gap_min_duration_ms) return;
  emit(kEventGap, o, ts);
}

// SideGap.of.
double FrameDetectors::gap_of(int side, const double* prices, int32_t n) {
  const int32_t m = std::min(p_.gap_levels, n);
  std::vector<double>& last = gap_prices_[side];
  if (m == gap_len_[side]) {
    int32_t i = 0;
    while (i < m && prices[i] == last[static_cast<std::size_t>(i)]) i++;
    if (i == m) return gap_[side];
  }
  const double gap = gap_over(prices, m);
  if (last.size() < static_cast<std::size_t>(m)) last.resize(static_cast<std::size_t>(m));
  std::copy(prices, prices + m, last.begin());
  gap_len_[side] = m;
  gap_[side] = gap;
  return gap;
}

// The largest run of empty ticks between neighbouring prices among the first m (0 when contiguous).
double FrameDetectors::gap_over(const double* prices, int32_t m) const {
  double gap = 0;
  if (m < 2) return gap;
  double prev = js::round(prices[0] * ticks_per_unit_);
  for (int32_t i = 1; i < m; i++) {
    const double cur = js::round(prices[i] * ticks_per_unit_);
    const double g = std::fabs(cur - prev) - 1;
    if (g > gap) gap = g;
    prev = cur;
  }
  return gap;
}

}  // namespace gn
