// The episode pool and the output queue of a Lifecycle (see lifecycle.hpp):
// large episodes live in a pool of reusable slots; opening, release and
// drop append an entry to the outbox, turned into flat records at the end
// of the book event (emit), when the snapshot matches what the TypeScript
// lifecycle's objects hold after that onBook() returns.
#include "lifecycle.hpp"

namespace gn {

int32_t Lifecycle::new_episode() {
  int32_t i;
  if (!free_episodes_.empty()) {
    i = free_episodes_.back();
    free_episodes_.pop_back();
  } else {
    i = static_cast<int32_t>(episodes_.size());
    episodes_.emplace_back();
  }
  Episode& ep = episodes_[i];
  ep.trades.clear();
  ep.trades_sent = 0;
  return i;
}

// Forgotten without being released (folded into the base, evicted from its row, book reset).
void Lifecycle::drop(int32_t i) { outbox_.push_back({kRecordDropped, i}); }

// Snapshots are taken here, at the end of the book event, so an episode opened (or released)
// by it reads as the TypeScript object does after that onBook() returns.
void Lifecycle::emit(int32_t row) {
  if (outbox_.empty()) return;
  for (const Outgoing& out : outbox_) {
    Episode& ep = episodes_[out.episode];
    write_record(row, out.kind, out.episode, ep);
    if (out.kind != kRecordOpened) free_episodes_.push_back(out.episode);
  }
  outbox_.clear();
}

// Every field plus the trade values added since the episode's previous record.
void Lifecycle::write_record(int32_t row, int kind, int32_t slot, Episode& ep) {
  const std::size_t from = ep.trades_sent;
  const double rec[kRecordDoubles] = {
      static_cast<double>(row), static_cast<double>(kind), static_cast<double>(slot), ep.side, ep.price_ticks, ep.added_qty,
      ep.traded_qty, ep.cancelled_qty, ep.start_ts_ms, ep.end_ts_ms, ep.dist_ticks_at_add, ep.mid2_at_add,
      ep.mid2_at_end, ep.dist_ticks_at_end, ep.level_traded_qty, ep.ref_qty, ep.vol_ticks_at_add, ep.opposite_qty,
      ep.opposite_expected_qty, ep.opposite_at_start, static_cast<double>(record_trades_.size()),
      static_cast<double>(ep.trades.size() - from)};
  records_.insert(records_.end(), rec, rec + kRecordDoubles);
  record_trades_.insert(record_trades_.end(), ep.trades.begin() + static_cast<std::ptrdiff_t>(from), ep.trades.end());
  ep.trades_sent = ep.trades.size();
}

}  // namespace gn
