// Features of the book as it stands after an update: top of book, imbalance,
// depth bands, gaps, and the cost of a notional. Mirrored operation by
// operation in actors/analytics/book-features.ts.
#include <cmath>
#include <limits>

#include "engine.hpp"

namespace gn {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double band_low(int b) { return 1.0 - BAND_BPS[b] / 10000.0; }
double band_high(int b) { return 1.0 + BAND_BPS[b] / 10000.0; }

// Average fill price (real units) of buying (asks) or selling (bids) a quote
// notional by walking the side from the best level; NaN when it is too thin.
double vwap_of_notional(const Ladder& side, const Scale& price, double notional) {
  double remaining = notional;
  double filled = 0;
  side.walk([&](int64_t tick, const Level& level) {
    const double p = price(static_cast<double>(tick));
    const double level_notional = p * level.qty;
    if (level_notional >= remaining) {
      filled += remaining / p;
      remaining = 0;
      return false;
    }
    filled += level.qty;
    remaining -= level_notional;
    return true;
  });
  return remaining > 0 ? kNaN : notional / filled;
}

// Empty ticks between consecutive levels among the best GAP_LEVELS.
double gap_ticks(const Top& top, bool is_bid) {
  const int n = top.count < GAP_LEVELS ? top.count : GAP_LEVELS;
  if (n == 0) return kNaN;
  double gaps = 0;
  for (int i = 0; i + 1 < n; i++) {
    const double step = is_bid ? top.price[i] - top.price[i + 1] : top.price[i + 1] - top.price[i];
    gaps += step - 1;
  }
  return gaps;
}
}  // namespace

void Top::read(const Ladder& side) {
  count = 0;
  side.walk([&](int64_t tick, const Level& level) {
    price[count] = static_cast<double>(tick);
    qty[count] = level.qty;
    lots[count] = level.lots;
    return ++count < TOP_LEVELS;
  });
}

void DepthBands::on_level(bool is_bid, int64_t tick, int64_t delta_lots) {
  const int s = is_bid ? 0 : 1;
  for (int b = 0; b < BAND_COUNT; b++) {
    if (is_bid ? tick >= limit_[0][b] : tick <= limit_[1][b]) lots_[s][b] += delta_lots;
  }
}

void DepthBands::update(const Ladder& bids, const Ladder& asks, double mid_ticks) {
  for (int b = 0; b < BAND_COUNT; b++) {
    const int64_t low = static_cast<int64_t>(std::ceil(mid_ticks * band_low(b)));
    const int64_t high = static_cast<int64_t>(std::floor(mid_ticks * band_high(b)));
    if (!valid_) {
      lots_[0][b] = bids.sum_lots(low, bids.best_tick());
      lots_[1][b] = asks.sum_lots(asks.best_tick(), high);
    } else {
      // Only the levels between the old and the new limit change membership.
      const int64_t old_low = limit_[0][b], old_high = limit_[1][b];
      if (low < old_low) lots_[0][b] += bids.sum_lots(low, old_low - 1);
      if (low > old_low) lots_[0][b] -= bids.sum_lots(old_low, low - 1);
      if (high > old_high) lots_[1][b] += asks.sum_lots(old_high + 1, high);
      if (high < old_high) lots_[1][b] -= asks.sum_lots(high + 1, old_high);
    }
    limit_[0][b] = low;
    limit_[1][b] = high;
  }
  valid_ = true;
}

void Engine::write_book_features(double* row) const {
  const Top& bid = top_[0];
  const Top& ask = top_[1];
  const int nb = bid.count, na = ask.count;
  const bool both = nb > 0 && na > 0;
  const double bb = nb > 0 ? bid.price[0] : kNaN;
  const double ba = na > 0 ? ask.price[0] : kNaN;
  const double bq = nb > 0 ? bid.qty[0] : kNaN;
  const double aq = na > 0 ? ask.qty[0] : kNaN;
  const double mid_ticks = both ? (bb + ba) * 0.5 : kNaN;
  const double mid = both ? price_(mid_ticks) : kNaN;

  row[F_BEST_BID] = nb > 0 ? price_(bb) : kNaN;
  row[F_BEST_ASK] = na > 0 ? price_(ba) : kNaN;
  row[F_BEST_BID_QTY] = bq;
  row[F_BEST_ASK_QTY] = aq;
  row[F_MID] = mid;
  row[F_SPREAD] = both ? price_(ba - bb) : kNaN;
  row[F_SPREAD_TICKS] = both ? ba - bb : kNaN;
  row[F_SPREAD_BPS] = both ? (ba - bb) / mid_ticks * 10000.0 : kNaN;
  row[F_MICROPRICE] = both ? price_((bb * aq + ba * bq) / (bq + aq)) : kNaN;

  // Lots of the best 1, 5, 10, 20 levels per side (fewer when shallower).
  static constexpr int kDepths[4] = {1, 5, 10, 20};
  double cum[2][4] = {};
  for (int s = 0; s < 2; s++) {
    int64_t sum = 0;
    int d = 0;
    for (int i = 0; i < top_[s].count; i++) {
      sum += top_[s].lots[i];
      while (d < 4 && kDepths[d] == i + 1) cum[s][d++] = static_cast<double>(sum);
    }
    while (d < 4) cum[s][d++] = static_cast<double>(sum);
  }
  for (int d = 0; d < 4; d++) {
    const double vb = cum[0][d], va = cum[1][d];
    row[F_IMBALANCE_L1 + d] = both ? (vb - va) / (vb + va) : kNaN;
  }
  row[F_BID_QTY_L10] = qty_(cum[0][2]);
  row[F_ASK_QTY_L10] = qty_(cum[1][2]);
  row[F_BID_LEVELS] = static_cast<double>(bids_.count());
  row[F_ASK_LEVELS] = static_cast<double>(asks_.count());

  for (int b = 0; b < BAND_COUNT; b++) {
    row[F_DEPTH_BID_5BPS + 2 * b] = bands_.valid() ? qty_(static_cast<double>(bands_.lots(0, b))) : kNaN;
    row[F_DEPTH_ASK_5BPS + 2 * b] = bands_.valid() ? qty_(static_cast<double>(bands_.lots(1, b))) : kNaN;
  }
  row[F_GAP_BID_L10] = gap_ticks(bid, true);
  row[F_GAP_ASK_L10] = gap_ticks(ask, false);

  const double vwap_buy = vwap_of_notional(asks_, price_, notional_quote_);
  const double vwap_sell = vwap_of_notional(bids_, price_, notional_quote_);
  row[F_VWAP_BUY] = vwap_buy;
  row[F_VWAP_SELL] = vwap_sell;
  row[F_COST_BUY_BPS] = (vwap_buy - mid) / mid * 10000.0;
  row[F_COST_SELL_BPS] = (mid - vwap_sell) / mid * 10000.0;
}

}  // namespace gn
