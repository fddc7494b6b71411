// The exported gn_lifecycle_* functions: the handle table, argument and
// whole-batch validation before any state changes, and a catch-all so no
// C++ exception crosses the boundary.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>

#include "../include/genesis.h"
#include "frame_detectors.hpp"
#include "lifecycle.hpp"
#include "lifecycle_handles.hpp"
#include "lifecycle_inputs.hpp"

static_assert(gn::kRecordDoubles == GN_LIFECYCLE_RECORD_DOUBLES, "record layout");

namespace {

using gn::lifecycle_inputs::integral_in;
using gn::lifecycle_inputs::prefetch_span;
using gn::lifecycle_inputs::valid_levels;
using gn::lifecycle_inputs::valid_trade;

// Handles are (generation << 16 | slot). A freed slot keeps its generation until it is reused
// with the next one, so a stale handle never reaches another instance (until the 16-bit
// generation wraps: 65,535 reuses of one slot).
constexpr uint32_t kSlotBits = 16;
constexpr uint32_t kSlots = 1u << kSlotBits;

struct Slot {
  std::atomic<gn::Lifecycle*> instance{nullptr};
  std::atomic<uint32_t> generation{0};
};
Slot g_slots[kSlots];
std::mutex g_slots_mutex;  // new and free only; lookups read the atomics

}  // namespace

gn::Lifecycle* gn::lifecycle_handles::lookup(gn_lifecycle handle) {
  const uint32_t gen = handle >> kSlotBits;
  if (gen == 0) return nullptr;
  const Slot& slot = g_slots[handle & (kSlots - 1)];
  if (slot.generation.load(std::memory_order_acquire) != gen) return nullptr;
  return slot.instance.load(std::memory_order_acquire);
}

namespace {

using gn::lifecycle_handles::lookup;

bool read_params(const gn_lifecycle_params* in, gn::LifecycleParams* out) {
  if (in->struct_size < sizeof(gn_lifecycle_params) || in->reserved != 0) return false;
  const double window_max = 16777216.0;
  if (!integral_in(in->depth_levels, 0, 4096) || !integral_in(in->add_window, 1, window_max) ||
      !integral_in(in->depth_window, 1, window_max) || !integral_in(in->vol_window, 1, window_max))
    return false;
  const double reals[] = {in->near_ticks,    in->depth_sample_ms, in->depth_factor,     in->track_multiple,
                          in->trade_match_ms, in->settle_ms,       in->episode_merge_ms, in->close_fraction,
                          in->vol_sample_ms,  in->band_ticks,      in->band_vol_multiple};
  for (const double x : reals)
    if (std::isnan(x)) return false;
  *out = gn::LifecycleParams{in->near_ticks,     static_cast<int32_t>(in->depth_levels),
                             static_cast<int32_t>(in->add_window), in->depth_sample_ms,
                             static_cast<int32_t>(in->depth_window), in->depth_factor,
                             in->track_multiple, in->trade_match_ms,
                             in->settle_ms,      in->episode_merge_ms,
                             in->close_fraction, in->vol_sample_ms,
                             static_cast<int32_t>(in->vol_window), in->band_ticks,
                             in->band_vol_multiple};
  return true;
}

// Index of the first invalid event, or -1.
int32_t first_invalid(const gn::Lifecycle& life, int32_t n_events, const int32_t* kind, const double* ts_ms,
                      const int32_t* offsets, int32_t n_levels, const uint8_t* side, const double* price,
                      const double* qty, const double* trade_price, const double* trade_qty, const int8_t* trade_side,
                      const double* top) {
  const int32_t depth = life.depth_levels();
  const std::size_t stride = GN_LIFECYCLE_TOP_FIXED + 2 * static_cast<std::size_t>(depth);
  if (offsets[0] != 0) return 0;
  for (int32_t i = 0; i < n_events; i++) {
    const int32_t from = offsets[i], to = offsets[i + 1];
    if (to < from || to > n_levels || !std::isfinite(ts_ms[i])) return i;
    if (kind[i] == GN_EVENT_TRADE) {
      if (to != from || !valid_trade(ts_ms[i], trade_price[i], trade_qty[i], trade_side[i])) return i;
    } else if (kind[i] == GN_EVENT_BOOK || kind[i] == GN_EVENT_BOOK_RESET) {
      if (!valid_levels(side + from, price + from, qty + from, to - from)) return i;
      const double* t = top + static_cast<std::size_t>(i) * stride;
      if ((t[0] != 0 && t[0] != 1) || (t[2] != 0 && t[2] != 1) || !integral_in(t[4], 0, depth) ||
          !integral_in(t[5], 0, depth))
        return i;
    } else {
      return i;
    }
  }
  return -1;
}

// The packed top record of gn_lifecycle_process (GN_LIFECYCLE_TOP_FIXED layout).
gn::BookInput packed_book(bool reset, double ts, const uint8_t* side, const double* price, const double* qty,
                          int32_t n_levels, const double* top, int32_t depth) {
  return gn::BookInput{reset,          false, ts,
                       side,           price,
                       qty,            n_levels,
                       top[0] != 0,    top[2] != 0,
                       top[1],         top[3],
                       static_cast<int32_t>(top[4]), static_cast<int32_t>(top[5]),
                       top + GN_LIFECYCLE_TOP_FIXED, top + GN_LIFECYCLE_TOP_FIXED + depth};
}

void write_row(const gn::Lifecycle& life, int32_t row, int32_t* out_counts, double* out_touch) {
  const gn::UpdateCounts& c = life.counts();
  int32_t* counts = out_counts + static_cast<std::size_t>(row) * GN_LIFECYCLE_COUNTS;
  counts[0] = c.adds;
  counts[1] = c.cancels;
  counts[2] = c.consumed;
  counts[3] = c.cancels_by_side[0];
  counts[4] = c.cancels_by_side[1];
  counts[5] = c.near;
  counts[6] = c.near_bid;
  const gn::FrameDetectors* detectors = life.detectors();
  counts[7] = detectors ? static_cast<int32_t>(detectors->events().size() / GN_DETECTOR_EVENT_DOUBLES) : 0;
  out_touch[static_cast<std::size_t>(row) * GN_LIFECYCLE_TOUCH] = life.best_bid_ticks();
  out_touch[static_cast<std::size_t>(row) * GN_LIFECYCLE_TOUCH + 1] = life.best_ask_ticks();
}

void write_info(const gn::Lifecycle& life, int32_t rows, int32_t* info) {
  info[0] = rows;
  info[1] = static_cast<int32_t>(life.records().size() / GN_LIFECYCLE_RECORD_DOUBLES);
  info[2] = static_cast<int32_t>(life.record_trades().size());
}

// Runs `body` with exceptions mapped to status codes; the instance is cleared after a failure
// (its state is then unknown), as gn_engine_process resets its engine.
template <typename F>
int guarded(gn::Lifecycle* life, F body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    life->clear();
    return GN_ERR_ALLOC;
  } catch (...) {
    life->clear();
    return GN_ERR_INTERNAL;
  }
}

}  // namespace

extern "C" {

GN_API int gn_lifecycle_layout(int32_t* out, int32_t n) {
  if (!out) return GN_ERR_NULL;
  if (n < 0) return GN_ERR_INVALID;
  const int32_t layout[] = {GN_LIFECYCLE_RECORD_DOUBLES, GN_LIFECYCLE_COUNTS, GN_LIFECYCLE_TOUCH, GN_LIFECYCLE_STATE,
                            GN_LIFECYCLE_TOP_FIXED};
  std::copy(layout, layout + std::min<int32_t>(n, 5), out);
  return GN_OK;
}

GN_API int gn_lifecycle_new(double tick_size, const gn_lifecycle_params* params, gn_lifecycle* out_handle) {
  if (!out_handle) return GN_ERR_NULL;
  *out_handle = 0;
  if (!params) return GN_ERR_NULL;
  gn::LifecycleParams p;
  if (!std::isfinite(tick_size) || tick_size <= 0 || !read_params(params, &p)) return GN_ERR_INVALID;
  gn::Lifecycle* life = nullptr;
  try {
    life = new gn::Lifecycle(tick_size, p);
  } catch (...) {
    return GN_ERR_ALLOC;
  }
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (uint32_t i = 0; i < kSlots; i++) {
    Slot& slot = g_slots[i];
    if (slot.instance.load(std::memory_order_relaxed) != nullptr) continue;
    uint32_t gen = (slot.generation.load(std::memory_order_relaxed) + 1) & 0xFFFF;
    if (gen == 0) gen = 1;
    // Generation first: a stale handle of this slot must never see the new instance.
    slot.generation.store(gen, std::memory_order_release);
    slot.instance.store(life, std::memory_order_release);
    *out_handle = (gen << kSlotBits) | i;
    return GN_OK;
  }
  delete life;
  return GN_ERR_ALLOC;
}

GN_API int gn_lifecycle_free(gn_lifecycle handle) {
  gn::Lifecycle* life = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_slots_mutex);
    life = lookup(handle);
    if (!life) return GN_ERR_HANDLE;
    g_slots[handle & (kSlots - 1)].instance.store(nullptr, std::memory_order_release);
  }
  delete life;
  return GN_OK;
}

GN_API int gn_lifecycle_clear(gn_lifecycle handle) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  return guarded(life, [&] {
    life->clear();
    return GN_OK;
  });
}

GN_API int gn_lifecycle_top_stride(gn_lifecycle handle, int32_t* out_stride) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_stride) return GN_ERR_NULL;
  *out_stride = GN_LIFECYCLE_TOP_FIXED + 2 * life->depth_levels();
  return GN_OK;
}

GN_API int gn_lifecycle_process(gn_lifecycle handle, int32_t n_events, const int32_t* kind, const double* ts_ms,
                                const int32_t* level_offsets, int32_t n_levels, const uint8_t* level_side,
                                const double* level_price_ticks, const double* level_qty,
                                const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                                const double* top, int32_t* out_counts, double* out_touch, int32_t out_capacity_rows,
                                int32_t* out_info) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_info) return GN_ERR_NULL;
  write_info(*life, 0, out_info);
  if (n_events < 0 || n_levels < 0 || out_capacity_rows < 0) return GN_ERR_INVALID;
  if (n_events == 0) return GN_OK;
  if (!kind || !ts_ms || !level_offsets) return GN_ERR_NULL;
  if (n_levels > 0 && (!level_side || !level_price_ticks || !level_qty)) return GN_ERR_NULL;
  int32_t rows = 0;
  for (int32_t i = 0; i < n_events; i++) rows += kind[i] != GN_EVENT_TRADE;
  // The packed top record carries no prices beyond the touch: the frame detectors need the frame call.
  if (rows > 0 && life->detectors()) return GN_ERR_INVALID;
  if (rows > 0 && (!top || !out_counts || !out_touch)) return GN_ERR_NULL;
  if (rows < n_events && (!trade_price_ticks || !trade_qty || !trade_side)) return GN_ERR_NULL;
  const int32_t bad = first_invalid(*life, n_events, kind, ts_ms, level_offsets, n_levels, level_side,
                                    level_price_ticks, level_qty, trade_price_ticks, trade_qty, trade_side, top);
  if (bad >= 0) {
    out_info[0] = bad;
    return GN_ERR_INVALID;
  }
  if (rows > out_capacity_rows) {
    out_info[0] = rows;
    return GN_ERR_CAPACITY;
  }
  const int32_t depth = life->depth_levels();
  const std::size_t stride = GN_LIFECYCLE_TOP_FIXED + 2 * static_cast<std::size_t>(depth);
  return guarded(life, [&] {
    int32_t row = 0;
    for (int32_t i = 0; i < n_events; i++) {
      if (kind[i] == GN_EVENT_TRADE) {
        life->on_trade(ts_ms[i], trade_price_ticks[i], trade_qty[i], trade_side[i]);
        continue;
      }
      const int32_t from = level_offsets[i];
      life->on_book(packed_book(kind[i] == GN_EVENT_BOOK_RESET, ts_ms[i], level_side + from, level_price_ticks + from,
                                level_qty + from, level_offsets[i + 1] - from, top + static_cast<std::size_t>(i) * stride,
                                depth));
      write_row(*life, row, out_counts, out_touch);
      life->emit(row);
      row++;
    }
    // Late prints folded into settling episodes by trailing trades.
    life->emit(row);
    write_info(*life, row, out_info);
    return GN_OK;
  });
}

GN_API int gn_lifecycle_frame(gn_lifecycle handle, const int32_t* sizes, double ts_ms, const double* trade_ts_ms,
                              const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                              const uint8_t* level_side, const double* level_price_ticks, const double* level_qty,
                              const double* top_bid_price, const double* top_bid_qty, const double* top_ask_price,
                              const double* top_ask_qty, int32_t* out_counts, double* out_touch, int32_t* out_info) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_info || !sizes || !out_counts || !out_touch) return GN_ERR_NULL;
  write_info(*life, 0, out_info);
  const int32_t n_trades = sizes[0], reset = sizes[1], n_levels = sizes[2];
  const int32_t n_bid_price = sizes[3], n_bid_qty = sizes[4], n_ask_price = sizes[5], n_ask_qty = sizes[6];
  if (n_trades < 0 || (reset != 0 && reset != 1) || n_levels < 0 || n_bid_price < 0 || n_bid_qty < 0 ||
      n_ask_price < 0 || n_ask_qty < 0)
    return GN_ERR_INVALID;
  // Empty arrays may come as NULL; any other NULL is the caller's mistake.
  if ((n_trades > 0 && (!trade_ts_ms || !trade_price_ticks || !trade_qty || !trade_side)) ||
      (n_levels > 0 && (!level_side || !level_price_ticks || !level_qty)) || (n_bid_price > 0 && !top_bid_price) ||
      (n_bid_qty > 0 && !top_bid_qty) || (n_ask_price > 0 && !top_ask_price) || (n_ask_qty > 0 && !top_ask_qty))
    return GN_ERR_NULL;
  // Events parsed long before they are processed are cold in the caches, and the detectors read
  // the top-of-book arrays right after this call (book pressure, liquidity gaps, quote stuffing):
  // start their loads now so the misses overlap with the frame instead of stalling the
  // JavaScript one after another. No effect on any result.
  prefetch_span(top_bid_price, n_bid_price);
  prefetch_span(top_ask_price, n_ask_price);
  prefetch_span(top_bid_qty, n_bid_qty);
  prefetch_span(top_ask_qty, n_ask_qty);
  for (int32_t i = 0; i < n_trades; i++) {
    if (!valid_trade(trade_ts_ms[i], trade_price_ticks[i], trade_qty[i], trade_side[i])) {
      out_info[0] = i;
      return GN_ERR_INVALID;
    }
  }
  if (!std::isfinite(ts_ms) || !valid_levels(level_side, level_price_ticks, level_qty, n_levels, life)) {
    out_info[0] = n_trades;
    return GN_ERR_INVALID;
  }
  const int32_t depth = life->depth_levels();
  return guarded(life, [&] {
    for (int32_t i = 0; i < n_trades; i++) life->on_trade(trade_ts_ms[i], trade_price_ticks[i], trade_qty[i], trade_side[i]);
    life->on_book(gn::BookInput{reset == 1, true, ts_ms, level_side, level_price_ticks, level_qty, n_levels, n_bid_price > 0,
                                n_ask_price > 0, n_bid_price > 0 ? top_bid_price[0] : 0.0,
                                n_ask_price > 0 ? top_ask_price[0] : 0.0, std::min(depth, n_bid_qty),
                                std::min(depth, n_ask_qty), top_bid_qty, top_ask_qty});
    if (gn::FrameDetectors* detectors = life->detectors())
      detectors->on_frame(*life, ts_ms, gn::FrameLevels{reset == 1, level_side, level_price_ticks, n_levels},
                        gn::TopOfBook{top_bid_price, n_bid_price, top_bid_qty, n_bid_qty, top_ask_price, n_ask_price,
                                      top_ask_qty, n_ask_qty});
    write_row(*life, 0, out_counts, out_touch);
    life->emit(0);
    write_info(*life, 1, out_info);
    return GN_OK;
  });
}

GN_API int gn_lifecycle_advance(gn_lifecycle handle, double ts_ms, int32_t* out_info) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_info) return GN_ERR_NULL;
  if (std::isnan(ts_ms)) return GN_ERR_INVALID;
  return guarded(life, [&] {
    life->advance(ts_ms);
    life->emit(0);
    write_info(*life, 0, out_info);
    return GN_OK;
  });
}

GN_API int gn_lifecycle_flush(gn_lifecycle handle, int32_t* out_info) {
  return gn_lifecycle_advance(handle, std::numeric_limits<double>::infinity(), out_info);
}

GN_API int gn_lifecycle_take(gn_lifecycle handle, double* records, int32_t records_capacity, double* trade_values,
                             int32_t trade_values_capacity, int32_t* out_info) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_info) return GN_ERR_NULL;
  write_info(*life, 0, out_info);
  const std::vector<double>& rec = life->records();
  const std::vector<double>& trades = life->record_trades();
  if (rec.empty() && trades.empty()) return GN_OK;
  if (out_info[1] > records_capacity || out_info[2] > trade_values_capacity) return GN_ERR_CAPACITY;
  if (!records || (!trades.empty() && !trade_values)) return GN_ERR_NULL;
  std::memcpy(records, rec.data(), rec.size() * sizeof(double));
  if (!trades.empty()) std::memcpy(trade_values, trades.data(), trades.size() * sizeof(double));
  life->take_records();
  return GN_OK;
}

GN_API int gn_lifecycle_level(gn_lifecycle handle, int32_t side, double price_ticks, double* out2) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out2) return GN_ERR_NULL;
  if (side != GN_BID && side != GN_ASK) return GN_ERR_INVALID;
  out2[0] = life->qty_at(side, price_ticks);
  out2[1] = life->last_change_ts_ms(side, price_ticks);
  return GN_OK;
}

GN_API int gn_lifecycle_state(gn_lifecycle handle, double* out, int32_t n) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out) return GN_ERR_NULL;
  if (n < 0) return GN_ERR_INVALID;
  const double state[GN_LIFECYCLE_STATE] = {life->now_ts_ms(),          life->best_bid_ticks(),
                                            life->best_ask_ticks(),     life->mid2(),
                                            life->cum_aggressor_qty(0), life->cum_aggressor_qty(1),
                                            life->ref_qty(),            life->vol_ticks()};
  std::copy(state, state + std::min<int32_t>(n, GN_LIFECYCLE_STATE), out);
  return GN_OK;
}

}  // extern "C"
