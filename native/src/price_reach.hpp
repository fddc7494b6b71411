// How far the price usually moves over a given horizon, from the symbol's
// own recent mid: the twin of actors/surveillance/detectors/price-reach.ts
// (same samples on the same frames, same rolling samples, same
// interpolation in sqrt(time)). The spoofing, layering and momentum
// detectors read it in TypeScript through gn_lifecycle_reach_ticks, on the
// rare updates that close an episode or carry a qualifying run.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "js_math.hpp"
#include "rolling_sample.hpp"

namespace gn {

class PriceReach {
 public:
  static constexpr std::array<double, 5> kHorizonsMs = {500, 1000, 2000, 4000, 8000};

  PriceReach(double sample_ms, int32_t window) : sample_ms_(sample_ms) {
    for (std::size_t i = 0; i < kHorizonsMs.size(); i++) {
      lags_[i] = static_cast<int32_t>(js::max(1, js::round(kHorizonsMs[i] / sample_ms)));
      sqrt_horizons_[i] = std::sqrt(kHorizonsMs[i]);
      moves_.emplace_back(window, std::max(16, window >> 4));
    }
    history_.assign(static_cast<std::size_t>(lags_.back()) + 1, 0);
  }

  // mid2: twice the mid in ticks (NaN while a side is empty).
  void on_mid(double ts_ms, double mid2) {
    if (ts_ms - last_sample_ts_ms_ < sample_ms_ || std::isnan(mid2)) return;
    last_sample_ts_ms_ = ts_ms;
    const int32_t n = static_cast<int32_t>(history_.size());
    history_[static_cast<std::size_t>(next_)] = mid2;
    next_ = (next_ + 1) % n;
    if (count_ < n) count_++;
    for (std::size_t i = 0; i < lags_.size(); i++) {
      const int32_t lag = lags_[i];
      if (count_ <= lag) break;
      const double then = history_[static_cast<std::size_t>((next_ - 1 - lag + 2 * n) % n)];
      moves_[i].push(std::fabs(mid2 - then) / 2);
    }
  }

  // The usual |mid move| in ticks over horizon_ms (0 before any sample): its `quantile`.
  double ticks(double horizon_ms, double quantile) const {
    const auto& h = kHorizonsMs;
    if (horizon_ms <= h[0]) return at(0, quantile) * std::sqrt(js::max(0, horizon_ms) / h[0]);
    for (std::size_t i = 1; i < h.size(); i++) {
      if (horizon_ms <= h[i]) {
        const double f = (std::sqrt(horizon_ms) - sqrt_horizons_[i - 1]) / (sqrt_horizons_[i] - sqrt_horizons_[i - 1]);
        const double lo = at(i - 1, quantile);
        return lo + f * (at(i, quantile) - lo);
      }
    }
    return at(h.size() - 1, quantile) * std::sqrt(horizon_ms / h[h.size() - 1]);
  }

 private:
  double at(std::size_t i, double quantile) const {
    const RollingSample& m = moves_[i];
    return m.count() > 0 ? m.quantile(quantile) : 0;
  }

  double sample_ms_;
  std::array<int32_t, kHorizonsMs.size()> lags_{};
  std::array<double, kHorizonsMs.size()> sqrt_horizons_{};
  std::vector<double> history_;  // mid2 at each sample, a ring long enough for the longest horizon
  std::vector<RollingSample> moves_;
  int32_t count_ = 0;
  int32_t next_ = 0;
  double last_sample_ts_ms_ = -std::numeric_limits<double>::infinity();
};

}  // namespace gn
