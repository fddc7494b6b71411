/*
 * genesis.h: the C ABI of libgenesis, the order-book feature engine.
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

#ifdef __cplusplus
}
#endif

#endif /* GENESIS_H */
