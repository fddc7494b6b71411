/*
 * genesis.h: the C ABI of libgenesis, the order-book feature engine (gn_engine_*) and
 * the surveillance order-lifecycle inference (gn_lifecycle_*, at the end).
 *
 * Style of tulipindicators: an opaque handle with new/process/free, batch
 * calls over arrays the caller owns, integer status codes, a version
 * function, and a way to ask sizes before calling. Nothing crosses the
 * boundary by value except scalars; nothing allocated on one side is freed on
 * the other; no C++ exception or abort ever escapes.
 *
 * Features are listed, in output column order, by gn_feature_name(i) and
 * documented in docs/features.md.
 */
#ifndef GENESIS_H
#define GENESIS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define GN_API __declspec(dllexport)
#else
#define GN_API __attribute__((visibility("default")))
#endif

/* Bumped on any change of a signature, struct layout, feature list or semantics. */
#define GN_ABI_VERSION 1

/* Status codes. */
#define GN_OK 0
#define GN_ERR_NULL (-1)     /* a required pointer was NULL */
#define GN_ERR_CAPACITY (-2) /* out has too few rows; *out_rows = rows needed; nothing changed */
#define GN_ERR_INVALID (-3)  /* bad input; *out_rows = index of the first bad event; nothing changed */
#define GN_ERR_ALLOC (-4)    /* out of memory; the engine was reset */
#define GN_ERR_INTERNAL (-5) /* unexpected failure; the engine was reset */
#define GN_ERR_HANDLE (-6)   /* unknown or already freed lifecycle handle; nothing changed */

/* Event kinds. */
#define GN_EVENT_BOOK 0       /* level changes; qty 0 removes a level */
#define GN_EVENT_BOOK_RESET 1 /* clear the book, then the levels are the whole book */
#define GN_EVENT_TRADE 2

/* Sides. Level side: GN_BID / GN_ASK. Trade side: the aggressor, +1 buy, -1 sell. */
#define GN_BID 0
#define GN_ASK 1

typedef struct gn_engine gn_engine;

typedef struct gn_config {
  uint32_t struct_size;  /* sizeof(gn_config): lets later versions append fields */
  uint32_t reserved;     /* 0 */
  double notional_quote; /* notional (quote currency) for vwap_* and cost_*; default 100000 */
  int64_t window_ticks;  /* span of the dense part of the book, in ticks; 0 = about 2% of the first
                            price. Memory/speed only: results never depend on it. */
} gn_config;

GN_API int gn_abi_version(void);
GN_API int gn_feature_count(void);
/* NULL when i is out of range. The string is static. */
GN_API const char* gn_feature_name(int i);
/* A static English description of a status code. */
GN_API const char* gn_status_text(int status);
/* Fills *cfg with the defaults. */
GN_API int gn_config_default(gn_config* cfg);

/* NULL when tick_size or lot_size is not finite and positive, the config is
 * invalid, or memory is short. cfg_or_null NULL means the defaults. */
GN_API gn_engine* gn_engine_new(double tick_size, double lot_size, const gn_config* cfg_or_null);
GN_API void gn_engine_free(gn_engine* engine);
/* Back to the state of a new engine: empty book, empty windows. */
GN_API int gn_engine_reset(gn_engine* engine);

/*
 * Processes n_events events of one instrument in order and writes one row of
 * gn_feature_count() doubles to out for every book event (kinds 0 and 1);
 * trades only update the rolling state.
 *
 *   kind[i], ts_ms[i]           event kind and exchange time (ms)
 *   level_offsets[n_events+1]   event i's levels are [level_offsets[i], level_offsets[i+1])
 *   level_side/price_ticks/qty  n_levels level changes (price: an integer number of ticks,
 *                               |price| <= 2^52; qty >= 0 in base units, summed in whole lots)
 *   trade_price_ticks/qty/side  indexed by event; read only where kind[i] == 2 (may be NULL without
 *                               trades); price an integer number of ticks, side +1 buy / -1 sell
 *   out, out_capacity_rows      caller-owned row-major buffer
 *   *out_rows                   rows written (or see the error codes)
 *
 * The whole batch is validated before any state changes.
 */
GN_API int gn_engine_process(gn_engine* engine, int32_t n_events, const int32_t* kind, const double* ts_ms,
                             const int32_t* level_offsets, int32_t n_levels, const uint8_t* level_side,
                             const double* level_price_ticks, const double* level_qty,
                             const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                             double* out, int32_t out_capacity_rows, int32_t* out_rows);

/* ------------------------------------------------------------ lifecycle
 *
 * Order-lifecycle inference for the surveillance detectors: the twin of
 * actors/surveillance/lifecycle.ts (same inferred events, same episodes,
 * same bits). Handles are small integers checked on every call, so an
 * unknown or freed handle returns GN_ERR_HANDLE instead of touching freed
 * memory (a handle must still not be used while another thread frees it).
 * Large episodes come back as flat double records queued inside the handle
 * and copied out by gn_lifecycle_take into caller-owned arrays.
 */
typedef uint32_t gn_lifecycle; /* 0 is never a valid handle */

/* actors/surveillance/params.ts LifecycleParams, field for field. Integers are passed as doubles
 * and must be integral: depth_levels in [0, 4096], the windows in [1, 2^24]. No field may be NaN. */
typedef struct gn_lifecycle_params {
  uint32_t struct_size; /* sizeof(gn_lifecycle_params) */
  uint32_t reserved;    /* 0 */
  double near_ticks;
  double depth_levels;
  double add_window;
  double depth_sample_ms;
  double depth_window;
  double depth_factor;
  double track_multiple;
  double trade_match_ms;
  double settle_ms;
  double episode_merge_ms;
  double close_fraction;
  double vol_sample_ms;
  double vol_window;
  double band_ticks;
  double band_vol_multiple;
} gn_lifecycle_params;

/* int32 outputs per book event: adds, cancels, consumed, bid-side cancels, ask-side cancels,
 * near-touch changes, bid-side near-touch changes. A near-touch change is a level of a non-reset
 * frame at most near_ticks behind its side's touch after the frame (bid - price for a bid,
 * price - ask for an ask), inside the spread included, none while that touch is unknown: the
 * quote-stuffing detector's traffic count (0 for a reset frame). Then the frame-detector events
 * queued for gn_lifecycle_detector_events (0 unless gn_lifecycle_detectors enabled them). */
#define GN_LIFECYCLE_COUNTS 8
/* double outputs per book event: best bid, best ask in ticks after the event (NaN when unknown). */
#define GN_LIFECYCLE_TOUCH 2
/* The per-event top record (read for book events only), 6 + 2 * depth_levels doubles:
 * [has bid (0/1), best bid price, has ask (0/1), best ask price, n bid qty, n ask qty,
 *  bid qty[depth_levels], ask qty[depth_levels]] (prices in quote units, as BookUpdate.top*;
 *  n = min(depth_levels, levels shown), best first). */
#define GN_LIFECYCLE_TOP_FIXED 6
/* Doubles per episode record (gn_lifecycle_take): [row, kind, slot, side, priceTicks, addedQty,
 * tradedQty, cancelledQty, startTsMs, endTsMs, distTicksAtAdd, mid2AtAdd, mid2AtEnd,
 * distTicksAtEnd, levelTradedQty, refQty, volTicksAtAdd, oppositeQty, oppositeExpectedQty,
 * oppositeAtStart, first trade value, trade value count]: a snapshot of a large episode
 * (Episode in actors/surveillance/level-table.ts) at the end of book event `row` (its ordinal
 * among the call's book events) when it opened (kind 0), was released to the detectors, closed
 * and settled (kind 1), or was dropped without closing (kind 2). `slot` names the episode from
 * its kind 0 record to its kind 1 or 2 record; later episodes reuse it. The trade values are the
 * (price, qty, ts) prints added to the episode since its previous record. */
#define GN_LIFECYCLE_RECORD_DOUBLES 22
/* gn_lifecycle_state: now ms, best bid, best ask, mid2, sell-aggressor qty, buy-aggressor qty,
 * size reference, median 1 s mid move (ticks). */
#define GN_LIFECYCLE_STATE 8

/* Writes min(n, 5) layout constants: GN_LIFECYCLE_RECORD_DOUBLES, GN_LIFECYCLE_COUNTS,
 * GN_LIFECYCLE_TOUCH, GN_LIFECYCLE_STATE, GN_LIFECYCLE_TOP_FIXED (checked by bindings at load). */
GN_API int gn_lifecycle_layout(int32_t* out, int32_t n);
/* *out_handle = 0 and GN_ERR_INVALID when tick_size is not finite and positive or a parameter
 * is out of range; GN_ERR_ALLOC when memory or handles ran out. */
GN_API int gn_lifecycle_new(double tick_size, const gn_lifecycle_params* params, gn_lifecycle* out_handle);
/* GN_ERR_HANDLE on a second free. */
GN_API int gn_lifecycle_free(gn_lifecycle handle);
/* Empties the level table, episodes, trades, samples and queued records; the touch, the clock and
 * the aggressor totals are kept (as lifecycle.ts clear()). */
GN_API int gn_lifecycle_clear(gn_lifecycle handle);
GN_API int gn_lifecycle_top_stride(gn_lifecycle handle, int32_t* out_stride);

/*
 * Processes n_events events in order: the event arrays as gn_engine_process (kind 0 book,
 * 1 reset, 2 trade; level prices integers with |price| < 2^31; qty finite >= 0; trade side
 * +1 buy / -1 sell), plus top (n_events x top stride doubles, read for book events). For the
 * r-th book event writes out_counts[r * GN_LIFECYCLE_COUNTS ...] and
 * out_touch[r * GN_LIFECYCLE_TOUCH ...]. out_info[3]: rows written (the bad event's index on
 * GN_ERR_INVALID, the rows needed on GN_ERR_CAPACITY), then the records and trade values
 * queued for gn_lifecycle_take. The whole batch is validated before any state changes.
 */
GN_API int gn_lifecycle_process(gn_lifecycle handle, int32_t n_events, const int32_t* kind, const double* ts_ms,
                                const int32_t* level_offsets, int32_t n_levels, const uint8_t* level_side,
                                const double* level_price_ticks, const double* level_qty,
                                const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                                const double* top, int32_t* out_counts, double* out_touch, int32_t out_capacity_rows,
                                int32_t* out_info);
/*
 * One depth frame and the trades since the previous one, straight from the caller's arrays
 * (no packing): the streaming twin of gn_lifecycle_process. sizes[7] = [n_trades, reset (0/1),
 * n_levels, n bid prices, n bid qty, n ask prices, n ask qty] (the lengths of BookUpdate's top
 * arrays; only [0] of a price array and the first depth_levels quantities are read; arrays
 * of length 0 may be NULL). Trades are indexed 0..n_trades-1 with their own times. Writes one
 * row of out_counts / out_touch; out_info[3] as gn_lifecycle_process (on GN_ERR_INVALID
 * out_info[0] is the bad trade's index, or n_trades for the frame itself). Nothing changes
 * unless everything is valid.
 */
GN_API int gn_lifecycle_frame(gn_lifecycle handle, const int32_t* sizes, double ts_ms, const double* trade_ts_ms,
                              const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                              const uint8_t* level_side, const double* level_price_ticks, const double* level_qty,
                              const double* top_bid_price, const double* top_bid_qty, const double* top_ask_price,
                              const double* top_ask_qty, int32_t* out_counts, double* out_touch, int32_t* out_info);
/* Releases every settling episode (end of a stream); out_info[3] as gn_lifecycle_process. */
GN_API int gn_lifecycle_flush(gn_lifecycle handle, int32_t* out_info);
/* The clock reached ts_ms (exchange ms) with no event: releases the episodes settled by then (a silent
 * feed must not hold them until its next event); out_info[3] as gn_lifecycle_flush. GN_ERR_INVALID for a
 * NaN ts_ms. Trades sent before are attributed first. */
GN_API int gn_lifecycle_advance(gn_lifecycle handle, double ts_ms, int32_t* out_info);
/* Moves the queued records and trade values into the caller's arrays; out_info[3]: 0, records,
 * trade values copied. GN_ERR_CAPACITY (out_info: 0, records, values needed) takes nothing. */
GN_API int gn_lifecycle_take(gn_lifecycle handle, double* records, int32_t records_capacity, double* trade_values,
                             int32_t trade_values_capacity, int32_t* out_info);
/* out2 = [qty, last change ms] of the level (0, -Infinity when the table does not hold it). */
GN_API int gn_lifecycle_level(gn_lifecycle handle, int32_t side, double price_ticks, double* out2);
/* Writes min(n, GN_LIFECYCLE_STATE) values (see GN_LIFECYCLE_STATE). */
GN_API int gn_lifecycle_state(gn_lifecycle handle, double* out, int32_t n);

/*
 * The per-frame detector work gn_lifecycle_frame does beside the lifecycle once enabled: the
 * book-context detectors of actors/surveillance/detectors/book-context.ts (book pressure and
 * liquidity gaps, on the frame's top-of-book arrays), the price reach of price-reach.ts (on the
 * frame's mid) and the quote-stuffing detector of quote-stuffing.ts (on the frame's counts and the
 * trades), their params.ts fields in order. Integers are passed as doubles and must be integral:
 * the levels in [0, 4096], the windows in [1, 2^20]. No field may be NaN; the tails and the
 * stuffing quantile are finite; reach_sample_ms is finite and at least 8000 / 2^20.
 */
typedef struct gn_detector_params {
  uint32_t struct_size; /* sizeof(gn_detector_params) */
  uint32_t reserved;    /* 0 */
  double pressure_levels;
  double pressure_tail;
  double pressure_sample_ms;
  double pressure_window;
  double pressure_warmup_samples;
  double pressure_min_duration_ms;
  double gap_levels;
  double gap_tail;
  double gap_multiple;
  double gap_min_ticks;
  double gap_sample_ms;
  double gap_window;
  double gap_warmup_samples;
  double gap_min_duration_ms;
  double reach_sample_ms;
  double reach_window;
  double stuffing_near_ticks;
  double stuffing_window_ms;
  double stuffing_sample_ms;
  double stuffing_window;
  double stuffing_warmup_samples;
  double stuffing_quantile;
  double stuffing_rate_multiple;
  double stuffing_min_excess;
  double stuffing_min_cancel_ratio;
  double stuffing_min_near_share;
} gn_detector_params;
/* Doubles per frame-detector event: [kind (0 book pressure, 1 liquidity gap, 2 quote stuffing), side
 * (0 bid, 1 ask), start ms, end ms (the frame that ended it), peak (imbalance, gap ticks or
 * near-touch changes), threshold, then for quote stuffing the peak window's cancels, consumed,
 * trades and bid-side changes (0 for the others)]: a pressure or gap episode that ended having
 * lasted its minimum duration, or a stuffing burst that ended. */
#define GN_DETECTOR_EVENT_DOUBLES 10
/* Enables (or restarts, with fresh state) these detectors on this handle. From then on
 * gn_lifecycle_frame runs them after each frame and reports the events queued in the frame's
 * counts row; gn_lifecycle_process, whose packed top record carries no prices beyond the touch,
 * takes only trades on such a handle (GN_ERR_INVALID for a batch with a book event).
 * gn_lifecycle_clear leaves them as they are. */
GN_API int gn_lifecycle_detectors(gn_lifecycle handle, const gn_detector_params* params);
/* Moves the queued frame-detector events into out (capacity in events); *out_n = events. On
 * GN_ERR_CAPACITY (*out_n = events queued) nothing is taken. */
GN_API int gn_lifecycle_detector_events(gn_lifecycle handle, double* out, int32_t capacity, int32_t* out_n);
/* *out = the price reach's usual |mid move| in ticks over horizon_ms at `quantile` (PriceReach.ticks
 * in price-reach.ts); GN_ERR_INVALID when the frame detectors are not enabled. A NaN quantile (or an
 * infinite one over a single sample) reads NaN, as the TypeScript twin's undefined. */
GN_API int gn_lifecycle_reach_ticks(gn_lifecycle handle, double horizon_ms, double quantile, double* out);

#ifdef __cplusplus
}
#endif

#endif /* GENESIS_H */
