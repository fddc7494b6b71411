// The per-stream side of a Lifecycle (see lifecycle.hpp): construction,
// queries, trades (aggressor totals, pending prints, late prints for
// settling episodes), the touch, the volatility and depth samples, settling
// and clear. The per-level inference is in lifecycle.cpp. Each function
// mirrors the method of the same name in actors/surveillance/lifecycle.ts;
// expressions keep the TypeScript operand order so that rounding is identical.
#include <cmath>
#include <limits>

#include "frame_detectors.hpp"
#include "lifecycle.hpp"

namespace gn {

using namespace lifecycle_detail;

Lifecycle::Lifecycle(double tick_size, const LifecycleParams& params)
    : p_(params),
      tick_size_(tick_size),
      ticks_per_unit_(1 / tick_size),
      rows_(2 * kSlots),
      // Re-sorted once per half window: the median moves slowly (as lifecycle.ts).
      add_sizes_(params.add_window, params.add_window >> 1),
      depth_sizes_(params.depth_window, RollingSample::default_refresh(params.depth_window)),
      mid_moves_(params.vol_window, RollingSample::default_refresh(params.vol_window)),
      last_vol_sample_ts_ms_(-kInf),
      aggressor_rate_{Ewma(120), Ewma(120)},
      last_vol_mid2_(kNaN),
      last_depth_sample_ts_ms_(-kInf),
      best_{kNaN, kNaN},
      mid2_(kNaN) {
  pending_lo_[0] = pending_lo_[1] = kInf;
  pending_hi_[0] = pending_hi_[1] = -kInf;
  pending_oldest_ts_[0] = pending_oldest_ts_[1] = kInf;
  pending_spent_[0] = pending_spent_[1] = false;
  band_ticks_ = kInf;
  clear_rows();
}

double Lifecycle::qty_at(int side, double price_ticks) const {
  const Row& row = rows_[row_of(side, js::to_int32(price_ticks))];
  return row.price == price_ticks ? row.qty : 0;
}

double Lifecycle::last_change_ts_ms(int side, double price_ticks) const {
  const Row& row = rows_[row_of(side, js::to_int32(price_ticks))];
  return row.price == price_ticks ? row.last_change_ts : -kInf;
}

Lifecycle::~Lifecycle() = default;

void Lifecycle::set_detectors(std::unique_ptr<FrameDetectors> detectors) { detectors_ = std::move(detectors); }

void Lifecycle::on_trade(double ts_ms, double price_ticks, double qty, int aggressor) {
  if (detectors_) detectors_->on_trade(ts_ms);
  const int side = aggressor > 0 ? ASK : BID;
  cum_aggressor_[side] += qty;
  std::vector<double>& pending = pending_trades_[side];
  pending.push_back(price_ticks);
  pending.push_back(qty);
  pending.push_back(ts_ms);
  pending_lo_[side] = js::min(pending_lo_[side], price_ticks);
  pending_hi_[side] = js::max(pending_hi_[side], price_ticks);
  pending_oldest_ts_[side] = js::min_plain(pending_oldest_ts_[side], ts_ms);  // validated finite
  pending_spent_[side] |= qty <= 1e-12;
  now_ts_ms_ = js::max(now_ts_ms_, ts_ms);
  // A late print for a level whose large episode just closed: it was traded, not cancelled.
  for (const int32_t i : settling_) {
    Episode& ep = episodes_[i];
    if (ep.side == side && ep.price_ticks == price_ticks && ep.cancelled_qty > 0 && ts_ms >= ep.start_ts_ms) {
      const double moved = js::min(ep.cancelled_qty, qty);
      ep.cancelled_qty -= moved;
      ep.traded_qty += moved;
      ep.level_traded_qty += moved;
      ep.trades.push_back(price_ticks);
      ep.trades.push_back(qty);
      ep.trades.push_back(ts_ms);
    }
  }
}

void Lifecycle::clear() {
  clear_rows();
  pending_trades_[0].clear();
  pending_trades_[1].clear();
  pending_lo_[0] = pending_lo_[1] = kInf;
  pending_hi_[0] = pending_hi_[1] = -kInf;
  pending_oldest_ts_[0] = pending_oldest_ts_[1] = kInf;
  pending_spent_[0] = pending_spent_[1] = false;
  settling_.clear();
  outbox_.clear();
  episodes_.clear();
  free_episodes_.clear();
  add_sizes_.clear();
  depth_sizes_.clear();
  mid_moves_.clear();
  aggressor_rate_[0].clear();
  aggressor_rate_[1].clear();
  last_vol_sample_ts_ms_ = -kInf;
  last_vol_mid2_ = kNaN;
  last_depth_sample_ts_ms_ = -kInf;
  take_records();
}

void Lifecycle::expire_trades(double ts) {
  const double horizon = ts - p_.trade_match_ms;
  for (int side = 0; side < 2; side++) {
    // Nothing spent and nothing older than the horizon: no trade leaves, and the side's price
    // bounds, kept up by on_trade since the last pass, are what a pass would recompute.
    if (!pending_spent_[side] && !(pending_oldest_ts_[side] < horizon)) continue;
    std::vector<double>& pending = pending_trades_[side];
    std::size_t w = 0;
    double lo = kInf, hi = -kInf, oldest = kInf;
    for (std::size_t r = 0; r < pending.size(); r += 3) {
      if (pending[r + 1] <= 1e-12 || pending[r + 2] < horizon) continue;
      if (w != r) {
        pending[w] = pending[r];
        pending[w + 1] = pending[r + 1];
        pending[w + 2] = pending[r + 2];
      }
      lo = js::min_plain(lo, pending[w]);
      hi = js::max_plain(hi, pending[w]);
      oldest = js::min_plain(oldest, pending[w + 2]);
      w += 3;
    }
    pending.resize(w);
    pending_lo_[side] = lo;
    pending_hi_[side] = hi;
    pending_oldest_ts_[side] = oldest;
    pending_spent_[side] = false;
  }
}

void Lifecycle::release_settled(double ts) {
  if (settling_.empty()) return;
  std::size_t w = 0;
  for (const int32_t i : settling_) {
    if (ts - episodes_[i].end_ts_ms >= p_.settle_ms) {
      outbox_.push_back({kRecordReleased, i});
    } else {
      settling_[w++] = i;
    }
  }
  settling_.resize(w);
}

void Lifecycle::read_touch(const BookInput& in) {
  const double k = ticks_per_unit_;
  // Top arrays may be empty (hand-built events): keep the last known touch then.
  if (in.has_bid) best_[0] = js::round(in.bid_price * k);
  else if (in.reset) best_[0] = kNaN;
  if (in.has_ask) best_[1] = js::round(in.ask_price * k);
  else if (in.reset) best_[1] = kNaN;
  mid2_ = best_[0] + best_[1];
}

void Lifecycle::sample_vol(double ts) {
  if (ts - last_vol_sample_ts_ms_ < p_.vol_sample_ms || std::isnan(mid2_)) return;
  if (!std::isnan(last_vol_mid2_)) {
    mid_moves_.push(std::fabs(mid2_ - last_vol_mid2_) / 2);
    // Per sample period (book frames come every 100 ms or so, so the periods are nearly equal).
    for (int side = 0; side < 2; side++) aggressor_rate_[side].push(cum_aggressor_[side] - last_cum_aggressor_[side]);
  }
  last_cum_aggressor_[0] = cum_aggressor_[0];
  last_cum_aggressor_[1] = cum_aggressor_[1];
  last_vol_sample_ts_ms_ = ts;
  last_vol_mid2_ = mid2_;
}

void Lifecycle::sample_depth(const BookInput& in) {
  const double ts = in.ts_ms;
  if (ts - last_depth_sample_ts_ms_ < p_.depth_sample_ms) return;
  double sum = 0;
  for (int32_t i = 0; i < in.n_bid_qty; i++) sum += in.bid_qty[i];
  for (int32_t i = 0; i < in.n_ask_qty; i++) sum += in.ask_qty[i];
  const int32_t count = in.n_bid_qty + in.n_ask_qty;
  if (count == 0) return;
  last_depth_sample_ts_ms_ = ts;
  depth_sizes_.push(sum / count);
}

}  // namespace gn
