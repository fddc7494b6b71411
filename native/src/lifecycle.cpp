// The lifecycle inference per book event (see lifecycle.hpp): the level
// loop and what it calls per level (row claim, add, remove, episode open and
// close, trade matching), kept in one translation unit so the hot helpers
// inline. Construction, queries, trades, samples and settling are in
// lifecycle_stream.cpp. Each function mirrors the method of the same name in
// actors/surveillance/lifecycle.ts; expressions keep the TypeScript operand
// order so that rounding is identical.
#include "lifecycle.hpp"

#include <cmath>
#include <limits>

namespace gn {

using namespace lifecycle_detail;

double Lifecycle::ref_qty() const {
  const double add = add_sizes_.count() > 0 ? add_sizes_.median() : 0;
  const double depth = depth_sizes_.count() > 0 ? p_.depth_factor * depth_sizes_.median() : 0;
  return js::max(add, depth);
}

void Lifecycle::on_book(const BookInput& in) {
  const double ts = in.ts_ms;
  now_ts_ms_ = js::max(now_ts_ms_, ts);
  counts_ = UpdateCounts();
  read_touch(in);
  if (in.reset) {
    reset_book(in);
    return;
  }
  expire_trades(ts);
  band_ticks_ = js::max(p_.band_ticks, p_.band_vol_multiple * vol_ticks());
  // The table (512 KiB) does not stay in L2 between frames: start every row's load now so the
  // misses overlap instead of queueing one per level. Prices are validated integers < 2^31.
  // gn_lifecycle_frame does it in its validation pass, the frame's first over the levels.
  const uint8_t* const sides = in.side;
  const double* const prices = in.price_ticks;
  const double* const qtys = in.qty;
  const int32_t n = in.n_levels;
  if (!in.rows_prefetched)
    for (int32_t i = 0; i < n; i++) prefetch_row(sides[i], static_cast<int32_t>(prices[i]));
  // The near-touch count (quote stuffing's traffic) rides along: the levels are at hand here,
  // and a second pass over them in JavaScript cost that detector about half its time per frame.
  // Compared as quote-stuffing.ts does (a NaN touch is near nothing); sides are validated 0/1.
  const double bid = best_[BID], ask = best_[ASK], near_ticks = p_.near_ticks;
  int32_t near = 0, near_bid = 0;
  for (int32_t i = 0; i < n; i++) {
    const int side = sides[i];
    const double price = prices[i];
    // Both differences, then a select (the side flips once or twice per frame).
    const double below = bid - price, above = price - ask;
    const double behind = side == BID ? below : above;
    const int32_t is_near = behind <= near_ticks;
    near += is_near;
    near_bid += is_near & (side ^ 1);
    apply_level(side, static_cast<int32_t>(price), qtys[i], ts, behind);
  }
  counts_.near = near;
  counts_.near_bid = near_bid;
  sample_depth(in);
  sample_vol(ts);
  release_settled(ts);
}

void Lifecycle::clear_rows() {
  for (Row& row : rows_) row = Row{kNaN, 0, 0, 0, 0, 0, 0, 0, -1};
}

// LevelTable.free: the row goes to `price_ticks` with an empty level (ep_start_ts is left as is).
void Lifecycle::free_row(Row& row, double price_ticks) {
  row.price = price_ticks;
  row.qty = 0;
  row.last_change_ts = -kInf;
  row.ep_active = 0;
  if (row.episode >= 0) drop(row.episode);
  row.episode = -1;
  row.ep_remaining = 0;
  row.ep_added = 0;
  row.tail = 0;
}

// `behind`: ticks behind the side's touch (the loop's near-touch distance: validated prices are
// integers, so it is the same value from the double price as from price_ticks).
inline void Lifecycle::apply_level(int side, int32_t price_ticks, double qty, double ts, double behind) {
  const int32_t r = slot(side, price_ticks, qty);
  if (r < 0) return;
  Row& row = rows_[r];
  const double prev = row.qty;
  row.qty = qty;
  row.last_change_ts = ts;
  // Beyond the band (a NaN touch never is); a level holding a large episode keeps the full path.
  if (behind > band_ticks_ && row.episode < 0) {
    far_change(row, side, price_ticks, prev, qty);
    return;
  }
  if (qty > prev) added(row, side, price_ticks, qty - prev, ts);
  else if (qty < prev) removed(row, side, price_ticks, prev - qty, qty, ts);
}

// lifecycle.ts farChange: counted as anywhere, no episode, sample or trade record; a small
// episode left open beyond the band is folded into the base.
inline void Lifecycle::far_change(Row& row, int side, int32_t price_ticks, double prev, double qty) {
  row.ep_active = 0;
  // Counted without branches on the direction (an add or a removal is a coin flip out here); a
  // removal within the pending trades' price range (rare this far out) takes the matching path.
  const bool dec = qty < prev;
  const bool matchable = price_ticks >= pending_lo_[side] && price_ticks <= pending_hi_[side];
  if (__builtin_expect(dec && matchable, 0)) {
    const double size = prev - qty;
    const double traded = take_trades(side, price_ticks, size, -1);
    if (traded > 0) counts_.consumed++;
    if (size - traded > 0) {
      counts_.cancels++;
      counts_.cancels_by_side[side]++;
    }
    return;
  }
  counts_.adds += qty > prev;
  counts_.cancels += dec;
  counts_.cancels_by_side[side] += dec;
}

// The row for this price, claiming it if free or held by a level farther from the touch; -1 if not.
inline int32_t Lifecycle::slot(int side, int32_t price_ticks, double qty) {
  const std::size_t r = row_of(side, price_ticks);
  Row& row = rows_[r];
  const double held = row.price;
  if (held == price_ticks) return static_cast<int32_t>(r);
  if (row.qty > 0 || row.ep_active != 0) {
    if (qty <= 0) return -1;
    const double touch = best_[side];
    if (!(std::fabs(price_ticks - touch) < std::fabs(held - touch))) return -1;
  }
  free_row(row, price_ticks);
  return static_cast<int32_t>(r);
}

double Lifecycle::touch_dist(int side, double price_ticks) const {
  const double touch = best_[side];
  // Both differences, then a select: the side flips level by level and a branch on it mispredicts.
  const double below = touch - price_ticks, above = price_ticks - touch;
  const double d = side == BID ? below : above;
  return std::isnan(touch) ? 0 : js::max(0, d);
}

void Lifecycle::added(Row& row, int side, int32_t price_ticks, double size, double ts) {
  counts_.adds++;
  const double dist = touch_dist(side, price_ticks);
  if (dist <= p_.near_ticks) add_sizes_.push(size);
  // A small episode is folded into the base when this add is large by itself: one update's large
  // add is one order, sized on its own, and the small flow before it is other orders (merged in,
  // a pulled spoof would leave them behind and its episode would not close). An episode older
  // than episode_merge_ms is folded when it never grew large or when this add is large by itself,
  // so a large add is timed from its own arrival. A folded large episode is dropped: its
  // liquidity was not removed, it just became old.
  const bool active = row.ep_active != 0;
  // The reference cannot change between here and the tracking test below (no sample is pushed),
  // so one read serves both. Evaluated in full: short-circuit branches here mispredict.
  const double ref = ref_qty();
  const bool small = row.episode < 0;
  const bool large_add = size >= p_.track_multiple * ref;
  const bool stale = active & ((small & (ref > 0) & large_add) |
                               ((ts - row.ep_start_ts > p_.episode_merge_ms) & (small | large_add)));
  if (!active || stale) {
    row.ep_active = 1;
    row.ep_added = 0;
    row.ep_remaining = 0;
    row.tail = 0;
    row.ep_start_ts = ts;
    if (row.episode >= 0) drop(row.episode);
    row.episode = -1;
  }
  if (row.episode >= 0) {
    // A large episode is frozen at the size that made it large: later adds queue behind it.
    row.tail += size;
    return;
  }
  const double ep_added = (row.ep_added += size);
  row.ep_remaining += size;
  if (ref > 0 && ep_added >= p_.track_multiple * ref) {
    const int32_t i = new_episode();
    Episode& ep = episodes_[i];
    ep.side = side;
    ep.price_ticks = price_ticks;
    ep.added_qty = ep_added;
    ep.traded_qty = 0;
    ep.cancelled_qty = 0;
    ep.start_ts_ms = ts;  // timed from the add that made it large
    ep.end_ts_ms = kNaN;
    ep.dist_ticks_at_add = dist;
    ep.mid2_at_add = mid2_;
    ep.mid2_at_end = kNaN;
    ep.dist_ticks_at_end = kNaN;
    ep.level_traded_qty = 0;
    ep.ref_qty = ref;
    ep.vol_ticks_at_add = vol_ticks();
    ep.opposite_qty = 0;
    ep.opposite_expected_qty = 0;
    ep.opposite_at_start = cum_aggressor_[1 - side];
    row.episode = i;
    outbox_.push_back({kRecordOpened, i});
  }
}

void Lifecycle::removed(Row& row, int side, int32_t price_ticks, double size, double qty_after, double ts) {
  const int32_t ep = row.episode;
  // Outside the pending trades' price range (empty: none) no print can match: skip the scan.
  const bool matchable = price_ticks >= pending_lo_[side] && price_ticks <= pending_hi_[side];
  const double traded = matchable ? take_trades(side, price_ticks, size, ep) : 0;
  const double cancelled = size - traded;
  if (traded > 0) counts_.consumed++;
  if (cancelled > 0) {
    counts_.cancels++;
    counts_.cancels_by_side[side]++;
  }
  if (row.ep_active == 0) return;
  const double ep_remaining = row.ep_remaining, tail_qty = row.tail;
  // Plain max/min are exact here: every operand derives from validated finite quantities by
  // sums of positives and subtractions, which never yield NaN or -0.
  using js::max_plain;
  using js::min_plain;
  // Trades eat the queue front: the base (liquidity older than the episode) first, the tail last.
  const double base = max_plain(0, row.qty + size - ep_remaining - tail_qty);
  const double traded_from_episode = min_plain(ep_remaining, max_plain(0, traded - base));
  const double traded_from_tail = min_plain(tail_qty, max_plain(0, traded - base - traded_from_episode));
  // Cancels go to the episode first, except a cancel the tail can explain while it is small
  // next to the episode (a queued order leaving).
  const bool tail_first = tail_qty >= cancelled && cancelled < 0.5 * ep_remaining;
  const double cancelled_from_tail = tail_first ? cancelled : 0;
  const double cancelled_from_episode = min_plain(cancelled - cancelled_from_tail, ep_remaining - traded_from_episode);
  const double remaining = (row.ep_remaining = ep_remaining - (traded_from_episode + cancelled_from_episode));
  row.tail = max_plain(0, tail_qty - traded_from_tail - cancelled_from_tail);
  if (ep >= 0) {
    Episode& e = episodes_[ep];
    e.traded_qty += traded_from_episode;
    e.cancelled_qty += cancelled_from_episode;
  }
  // A large episode whose liquidity is nearly all gone is over (small leftovers are other orders).
  const double leftover = ep >= 0 ? p_.close_fraction * episodes_[ep].added_qty : 1e-12;
  if (remaining <= leftover || qty_after <= 0) close_episode(row, ts);
}

void Lifecycle::close_episode(Row& row, double ts) {
  const int32_t i = row.episode;
  row.ep_active = 0;
  row.episode = -1;
  row.ep_remaining = 0;
  row.tail = 0;
  if (i < 0) return;
  Episode& ep = episodes_[i];
  const int side = static_cast<int>(ep.side);
  ep.end_ts_ms = ts;
  ep.mid2_at_end = mid2_;
  ep.dist_ticks_at_end = touch_dist(side, ep.price_ticks);
  ep.opposite_qty = cum_aggressor_[1 - side] - ep.opposite_at_start;
  ep.opposite_expected_qty = (aggressor_rate_[1 - side].mean() * (ts - ep.start_ts_ms)) / p_.vol_sample_ms;
  settling_.push_back(i);
}

// Takes up to `size` of the unexplained trade volume printed at this price; returns how much.
double Lifecycle::take_trades(int side, int32_t price_ticks, double size, int32_t ep) {
  std::vector<double>& pending = pending_trades_[side];
  double taken = 0;
  for (std::size_t i = 0; i < pending.size() && taken < size; i += 3) {
    if (pending[i] != price_ticks || pending[i + 1] <= 0) continue;
    const double take = js::min_plain(pending[i + 1], size - taken);  // both > 0 here
    pending[i + 1] -= take;
    pending_spent_[side] |= pending[i + 1] <= 1e-12;
    taken += take;
    if (ep >= 0) {
      Episode& e = episodes_[ep];
      e.trades.push_back(price_ticks);
      e.trades.push_back(take);
      e.trades.push_back(pending[i + 2]);
      e.level_traded_qty += take;
    }
  }
  return taken;
}

void Lifecycle::reset_book(const BookInput& in) {
  for (const Row& row : rows_) {
    if (row.episode >= 0) drop(row.episode);
  }
  clear_rows();
  for (const int32_t i : settling_) drop(i);
  settling_.clear();
  for (int32_t i = 0; i < in.n_levels; i++) {
    if (in.qty[i] <= 0) continue;
    const int32_t r = slot(in.side[i], static_cast<int32_t>(in.price_ticks[i]), in.qty[i]);
    if (r < 0) continue;
    rows_[r].qty = in.qty[i];
    rows_[r].last_change_ts = in.ts_ms;
  }
  sample_depth(in);
}

}  // namespace gn
