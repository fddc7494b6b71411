// Event handling and the flow/window features. The order of floating-point
// operations here is mirrored exactly by actors/analytics/ts-engine.ts, so
// both engines produce the same bits (the parity tests check it).
#include "engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gn {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

Scale::Scale(double s) : step(s) {
  const double inv = 1.0 / s;
  const double k = std::floor(inv + 0.5);
  inverse = k;
  divide = k >= 1 && std::fabs(inv - k) <= 1e-9 * k;
}

Engine::Engine(double tick_size, double lot_size, double notional_quote, int64_t window_ticks)
    : price_(tick_size),
      qty_(lot_size),
      lot_size_(lot_size),
      notional_quote_(notional_quote),
      bids_(true, window_ticks),
      asks_(false, window_ticks) {
  reset();
}

void Engine::reset() {
  bids_.clear();
  asks_.clear();
  bands_.invalidate();
  pending_.clear();
  clock_ms_ = -std::numeric_limits<double>::infinity();
  prev_mid_ticks_ = kNaN;
  prev_count_[0] = prev_count_[1] = 0;
  has_prev_ = false;
  book_1s_.clear();
  book_10s_.clear();
  book_60s_.clear();
  trade_1s_.clear();
  trade_10s_.clear();
}

// qty >= 0 (validated), so truncation is floor(qty / lot + 0.5), as in the TypeScript twin.
int64_t Engine::to_lots(double qty) const { return static_cast<int64_t>(qty / lot_size_ + 0.5); }

void Engine::advance_clock(double ts_ms) {
  if (ts_ms > clock_ms_) clock_ms_ = ts_ms;
}

void Engine::on_trade(double ts_ms, double price_ticks, double qty, int aggressor) {
  advance_clock(ts_ms);
  trade_1s_.evict(clock_ms_);
  trade_10s_.evict(clock_ms_);
  const int64_t lots = to_lots(qty);
  const double l = static_cast<double>(lots);
  const double values[4] = {aggressor > 0 ? l : 0.0, aggressor < 0 ? l : 0.0, price_ticks * l, 1.0};
  trade_1s_.push(ts_ms, values);
  trade_10s_.push(ts_ms, values);
  // A buy aggressor consumes asks, a sell aggressor bids.
  const int resting = aggressor > 0 ? 1 : 0;
  for (PendingTrade& p : pending_) {
    if (p.side == resting && p.price_ticks == price_ticks) {
      p.lots += lots;
      return;
    }
  }
  pending_.push_back(PendingTrade{resting, price_ticks, lots});
}

void Engine::apply_level(bool reset, int side, double price_ticks, double qty) {
  Ladder& s = side == 0 ? bids_ : asks_;
  const int64_t tick = static_cast<int64_t>(price_ticks);  // validated: an integer below 2^52
  const int64_t new_lots = qty > 0 ? to_lots(qty) : 0;
  double prev_qty = 0;
  int64_t prev_lots = 0;
  s.set(tick, qty, new_lots, &prev_qty, &prev_lots);
  if (bands_.valid()) bands_.on_level(s.is_bid(), tick, new_lots - prev_lots);
  if (reset || new_lots >= prev_lots) return;
  // A decrease is a cancel unless trades at this price since the last book
  // event explain it.
  int64_t unexplained = prev_lots - new_lots;
  for (PendingTrade& p : pending_) {
    if (p.side == side && p.price_ticks == price_ticks) {
      const int64_t take = std::min(unexplained, p.lots);
      p.lots -= take;
      unexplained -= take;
      break;
    }
  }
  if (unexplained > 0) {
    cancels_ += 1;
    cancel_lots_ += static_cast<double>(unexplained);
  }
}

void Engine::on_book(bool reset, double ts_ms, const uint8_t* side, const double* price_ticks, const double* qty,
                     int32_t n_levels, double* row) {
  advance_clock(ts_ms);
  cancels_ = 0;
  cancel_lots_ = 0;
  if (reset) {
    bids_.clear();
    asks_.clear();
    bands_.invalidate();
    pending_.clear();
  }
  for (int32_t i = 0; i < n_levels; i++) apply_level(reset, side[i], price_ticks[i], qty[i]);
  pending_.clear();

  top_[0].read(bids_);
  top_[1].read(asks_);
  if (top_[0].count > 0 && top_[1].count > 0) {
    bands_.update(bids_, asks_, (top_[0].price[0] + top_[1].price[0]) * 0.5);
  } else {
    bands_.invalidate();
  }
  write_book_features(row);
  write_flow_features(reset, row);

  book_1s_.evict(clock_ms_);
  book_10s_.evict(clock_ms_);
  book_60s_.evict(clock_ms_);
  trade_1s_.evict(clock_ms_);
  trade_10s_.evict(clock_ms_);
  const double v1[1] = {ofi_lots_};
  const double v10[6] = {ofi_lots_, 1.0, cancels_, cancel_lots_, return_sq_, has_return_};
  const double v60[2] = {return_sq_, has_return_};
  book_1s_.push(ts_ms, v1);
  book_10s_.push(ts_ms, v10);
  book_60s_.push(ts_ms, v60);
  write_window_features(row);
  remember_top();
}

void Engine::write_flow_features(bool reset, double* row) {
  const int n[2] = {std::min(top_[0].count, MLOFI_LEVELS), std::min(top_[1].count, MLOFI_LEVELS)};
  // Xu-Gould-Howison multi-level OFI; level 1 is Cont-Kukanov-Stoikov OFI.
  for (int m = 0; m < MLOFI_LEVELS; m++) {
    const bool defined = !reset && has_prev_ && prev_count_[0] > m && prev_count_[1] > m && n[0] > m && n[1] > m;
    double e = kNaN;
    if (defined) {
      const double pb0 = prev_price_[0][m], pb1 = top_[0].price[m];
      const double pa0 = prev_price_[1][m], pa1 = top_[1].price[m];
      const int64_t qb0 = prev_lots_[0][m], qb1 = top_[0].lots[m];
      const int64_t qa0 = prev_lots_[1][m], qa1 = top_[1].lots[m];
      const int64_t lots = (pb1 >= pb0 ? qb1 : 0) - (pb1 <= pb0 ? qb0 : 0) - (pa1 <= pa0 ? qa1 : 0) + (pa1 >= pa0 ? qa0 : 0);
      e = static_cast<double>(lots);
    }
    row[F_MLOFI_L1 + m] = defined ? qty_(e) : kNaN;
    if (m == 0) {
      row[F_OFI_L1] = row[F_MLOFI_L1];
      ofi_lots_ = defined ? e : 0.0;
    }
  }

  const double mid_ticks = n[0] > 0 && n[1] > 0 ? (top_[0].price[0] + top_[1].price[0]) * 0.5 : kNaN;
  if (!std::isnan(mid_ticks) && !std::isnan(prev_mid_ticks_)) {
    const double r = std::log(mid_ticks / prev_mid_ticks_);
    return_sq_ = r * r;
    has_return_ = 1.0;
  } else {
    return_sq_ = 0.0;
    has_return_ = 0.0;
  }
  prev_mid_ticks_ = mid_ticks;
}

void Engine::write_window_features(double* row) const {
  row[F_OFI_L1_SUM_1S] = qty_(book_1s_.sum(0));
  row[F_OFI_L1_SUM_10S] = qty_(book_10s_.sum(0));
  const Rolling* trades[2] = {&trade_1s_, &trade_10s_};
  for (int w = 0; w < 2; w++) {
    const double buy = trades[w]->sum(0), sell = trades[w]->sum(1);
    const double total = buy + sell;
    row[F_TRADE_COUNT_1S + w] = trades[w]->sum(3);
    row[F_TRADE_QTY_1S + w] = qty_(total);
    row[F_TRADE_IMBALANCE_1S + w] = total > 0 ? (buy - sell) / total : kNaN;
    row[F_TRADE_VWAP_1S + w] = total > 0 ? price_(trades[w]->sum(2) / total) : kNaN;
  }
  row[F_RV_MID_10S_BPS] = book_10s_.sum(5) > 0 ? std::sqrt(std::max(book_10s_.sum(4), 0.0)) * 10000.0 : kNaN;
  row[F_RV_MID_60S_BPS] = book_60s_.sum(1) > 0 ? std::sqrt(std::max(book_60s_.sum(0), 0.0)) * 10000.0 : kNaN;
  row[F_UPDATE_RATE_10S_HZ] = book_10s_.sum(1) / 10.0;
  row[F_CANCEL_RATE_10S_HZ] = book_10s_.sum(2) / 10.0;
  row[F_CANCEL_QTY_10S] = qty_(book_10s_.sum(3));
  const double traded = trade_10s_.sum(0) + trade_10s_.sum(1);
  row[F_CANCEL_TO_TRADE_10S] = traded > 0 ? book_10s_.sum(3) / traded : kNaN;
}

void Engine::remember_top() {
  for (int s = 0; s < 2; s++) {
    const int n = std::min(top_[s].count, MLOFI_LEVELS);
    for (int i = 0; i < n; i++) {
      prev_price_[s][i] = top_[s].price[i];
      prev_lots_[s][i] = top_[s].lots[i];
    }
    prev_count_[s] = n;
  }
  has_prev_ = true;
}

}  // namespace gn
