// Quote stuffing per frame: the twin of the QuoteStuffingDetector state
// machine in actors/surveillance/detectors/quote-stuffing.ts (read its
// header for the model). Same window sums, same baseline samples on the
// same frames, same burst; a burst that ends is handed back as an event and
// its alert is made in TypeScript by the function the detector uses.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

#include "int_rolling_sample.hpp"
#include "js_math.hpp"

namespace gn {

struct QuoteStuffingParams {
  double near_ticks;
  double window_ms;
  double sample_ms;
  int32_t window;
  double warmup_samples;
  double quantile;
  double rate_multiple;
  double min_excess;
  double min_cancel_ratio;
  double min_near_share;
};

// A burst that ended: what the alert reports.
struct StuffingBurst {
  double ts_start, ts_end, peak, threshold, cancels, consumed, trades, changes_bid, changes_ask;
};

class QuoteStuffing {
 public:
  explicit QuoteStuffing(const QuoteStuffingParams& p)
      : p_(p), changes_(p.window, {p.quantile}), trade_counts_(p.window, {p.quantile}) {
    read_baseline();
  }

  double near_ticks() const { return p_.near_ticks; }

  void on_trade(double ts_ms) { trade_times_.push_back(ts_ms); }

  // After the lifecycle has seen the frame: its level changes (all, near the touch, of them bids;
  // 0 for a reset) and its inferred cancels and trade-explained decreases. True when a burst ended
  // (written to *ended).
  bool on_book(double ts, double all, double near, double near_bid, double cancels, double consumed, StuffingBurst* ended) {
    window_.push_back(Record{ts, all, near, near_bid, cancels, consumed});
    sum_all_ += all;
    sum_near_ += near;
    sum_bid_ += near_bid;
    sum_cancels_ += cancels;
    sum_consumed_ += consumed;
    const double from = ts - p_.window_ms;
    while (!window_.empty() && window_.front().ts < from) {
      const Record& r = window_.front();
      sum_all_ -= r.all;
      sum_near_ -= r.near;
      sum_bid_ -= r.bid;
      sum_cancels_ -= r.cancels;
      sum_consumed_ -= r.consumed;
      window_.pop_front();
    }
    while (trade_head_ < trade_times_.size() && trade_times_[trade_head_] < from) trade_head_++;
    if (trade_head_ > 1024 && 2 * trade_head_ > trade_times_.size()) {
      trade_times_.erase(trade_times_.begin(), trade_times_.begin() + static_cast<std::ptrdiff_t>(trade_head_));
      trade_head_ = 0;
    }
    return judge(ts, ended);
  }

 private:
  struct Record {
    double ts, all, near, bid, cancels, consumed;
  };

  void read_baseline() {
    warm_ = changes_.count() >= p_.warmup_samples;
    const double q = warm_ ? changes_.quantile_at(0) : std::numeric_limits<double>::infinity();
    threshold_ = js::max(p_.rate_multiple * q, q + p_.min_excess);
    usual_trades_ = trade_counts_.quantile_at(0);
  }

  bool judge(double ts, StuffingBurst* ended) {
    const double trades = static_cast<double>(trade_times_.size() - trade_head_);
    const double threshold = threshold_;
    const bool stuffed = warm_ && sum_near_ > threshold && sum_near_ / js::max(1, sum_all_) >= p_.min_near_share &&
                         sum_cancels_ / js::max(1, sum_cancels_ + sum_consumed_) >= p_.min_cancel_ratio &&
                         trades <= usual_trades_ + 1;
    bool alert = false;
    if (stuffed) {
      if (!in_burst_) {
        in_burst_ = true;
        burst_ = StuffingBurst{ts, ts, 0, threshold, 0, 0, 0, 0, 0};
      }
      burst_.ts_end = ts;
      if (sum_near_ > burst_.peak) {
        burst_.peak = sum_near_;  // the burst's changes: the peak window's
        burst_.cancels = sum_cancels_;
        burst_.consumed = sum_consumed_;
        burst_.trades = trades;
        burst_.changes_bid = sum_bid_;
        burst_.changes_ask = sum_near_ - sum_bid_;
      }
    } else if (in_burst_ && sum_near_ <= threshold) {
      in_burst_ = false;
      *ended = burst_;
      ended->ts_end = ts;
      alert = true;
    }
    // Baseline samples, never from inside a burst.
    if (ts - last_sample_ts_ms_ >= p_.sample_ms && !in_burst_) {
      last_sample_ts_ms_ = ts;
      changes_.push(sum_near_);
      trade_counts_.push(trades);
      read_baseline();
    }
    return alert;
  }

  QuoteStuffingParams p_;
  std::deque<Record> window_;
  double sum_all_ = 0, sum_near_ = 0, sum_bid_ = 0, sum_cancels_ = 0, sum_consumed_ = 0;
  std::vector<double> trade_times_;  // arrival order; those of the window from trade_head_
  std::size_t trade_head_ = 0;
  IntRollingSample changes_;
  IntRollingSample trade_counts_;
  double last_sample_ts_ms_ = -std::numeric_limits<double>::infinity();
  bool warm_ = false;
  double threshold_ = std::numeric_limits<double>::infinity();
  double usual_trades_ = std::numeric_limits<double>::quiet_NaN();
  bool in_burst_ = false;
  StuffingBurst burst_{};
};

}  // namespace gn
