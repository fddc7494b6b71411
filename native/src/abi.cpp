// The exported C ABI: argument checks, whole-batch validation before any
// state changes, and a catch-all so no C++ exception crosses the boundary.
#include <cmath>
#include <new>

#include "../include/genesis.h"
#include "engine.hpp"

#include <cstddef>

struct gn_engine {
  gn::Engine engine;
  gn_engine(double tick, double lot, double notional, int64_t window) : engine(tick, lot, notional, window) {}
};

namespace {

const char* const kFeatureNames[] = {
#define GN_NAME(id, name) name,
    GN_FEATURES(GN_NAME)
#undef GN_NAME
};
static_assert(sizeof(kFeatureNames) / sizeof(kFeatureNames[0]) == gn::FEATURE_COUNT, "feature table");

bool finite_positive(double x) { return std::isfinite(x) && x > 0; }

// Prices are whole ticks, small enough to index and to sum exactly.
bool integer_ticks(double x) { return std::isfinite(x) && std::floor(x) == x && std::fabs(x) <= 4503599627370496.0; }

// Quantities beyond this many lots would not be exact integers in a double sum.
constexpr double kMaxLots = 4503599627370496.0;  // 2^52

// Index of the first invalid event, or -1.
int32_t first_invalid(int32_t n_events, const int32_t* kind, const double* ts_ms, const int32_t* offsets,
                      int32_t n_levels, const uint8_t* side, const double* price, const double* qty,
                      const double* trade_price, const double* trade_qty, const int8_t* trade_side, double lot) {
  const double max_qty = lot * kMaxLots;  // exact: kMaxLots is a power of two
  if (offsets[0] != 0) return 0;
  for (int32_t i = 0; i < n_events; i++) {
    const int32_t from = offsets[i], to = offsets[i + 1];
    if (to < from || to > n_levels || !std::isfinite(ts_ms[i])) return i;
    if (kind[i] == GN_EVENT_TRADE) {
      if (to != from || !integer_ticks(trade_price[i]) || !std::isfinite(trade_qty[i]) || trade_qty[i] < 0 ||
          trade_qty[i] >= max_qty || (trade_side[i] != 1 && trade_side[i] != -1))
        return i;
    } else if (kind[i] == GN_EVENT_BOOK || kind[i] == GN_EVENT_BOOK_RESET) {
      for (int32_t j = from; j < to; j++) {
        if (side[j] > 1 || !integer_ticks(price[j]) || !std::isfinite(qty[j]) || qty[j] < 0 || qty[j] >= max_qty)
          return i;
      }
    } else {
      return i;
    }
  }
  return -1;
}

}  // namespace

extern "C" {

GN_API int gn_abi_version(void) { return GN_ABI_VERSION; }
GN_API int gn_feature_count(void) { return gn::FEATURE_COUNT; }
GN_API const char* gn_feature_name(int i) { return i >= 0 && i < gn::FEATURE_COUNT ? kFeatureNames[i] : nullptr; }

GN_API const char* gn_status_text(int status) {
  switch (status) {
    case GN_OK: return "ok";
    case GN_ERR_NULL: return "a required pointer was null";
    case GN_ERR_CAPACITY: return "output buffer too small";
    case GN_ERR_INVALID: return "invalid input";
    case GN_ERR_ALLOC: return "out of memory";
    case GN_ERR_INTERNAL: return "internal error";
    case GN_ERR_HANDLE: return "unknown or freed handle";
    default: return "unknown status";
  }
}

GN_API int gn_config_default(gn_config* cfg) {
  if (!cfg) return GN_ERR_NULL;
  cfg->struct_size = sizeof(gn_config);
  cfg->reserved = 0;
  cfg->notional_quote = 100000.0;
  cfg->window_ticks = 0;
  return GN_OK;
}

GN_API gn_engine* gn_engine_new(double tick_size, double lot_size, const gn_config* cfg_or_null) {
  if (!finite_positive(tick_size) || !finite_positive(lot_size)) return nullptr;
  gn_config cfg;
  gn_config_default(&cfg);
  if (cfg_or_null) {
    // Version 1 callers may pass the struct without window_ticks (16 bytes).
    if (cfg_or_null->struct_size < offsetof(gn_config, window_ticks)) return nullptr;
    cfg.notional_quote = cfg_or_null->notional_quote;
    if (cfg_or_null->struct_size >= sizeof(gn_config)) cfg.window_ticks = cfg_or_null->window_ticks;
  }
  if (!finite_positive(cfg.notional_quote) || cfg.window_ticks < 0 || cfg.window_ticks > (int64_t{1} << 24)) return nullptr;
  try {
    return new gn_engine(tick_size, lot_size, cfg.notional_quote, cfg.window_ticks);
  } catch (...) {
    return nullptr;
  }
}

GN_API void gn_engine_free(gn_engine* engine) { delete engine; }

GN_API int gn_engine_reset(gn_engine* engine) {
  if (!engine) return GN_ERR_NULL;
  try {
    engine->engine.reset();
    return GN_OK;
  } catch (...) {
    return GN_ERR_INTERNAL;
  }
}

GN_API int gn_engine_process(gn_engine* engine, int32_t n_events, const int32_t* kind, const double* ts_ms,
                             const int32_t* level_offsets, int32_t n_levels, const uint8_t* level_side,
                             const double* level_price_ticks, const double* level_qty,
                             const double* trade_price_ticks, const double* trade_qty, const int8_t* trade_side,
                             double* out, int32_t out_capacity_rows, int32_t* out_rows) {
  if (!engine || !out_rows) return GN_ERR_NULL;
  *out_rows = 0;
  if (n_events < 0 || n_levels < 0 || out_capacity_rows < 0) return GN_ERR_INVALID;
  if (n_events == 0) return GN_OK;
  if (!kind || !ts_ms || !level_offsets || !out) return GN_ERR_NULL;
  if (n_levels > 0 && (!level_side || !level_price_ticks || !level_qty)) return GN_ERR_NULL;

  int32_t rows = 0;
  for (int32_t i = 0; i < n_events; i++) rows += kind[i] != GN_EVENT_TRADE;
  if (rows < n_events && (!trade_price_ticks || !trade_qty || !trade_side)) return GN_ERR_NULL;
  gn::Engine& e = engine->engine;
  const int32_t bad = first_invalid(n_events, kind, ts_ms, level_offsets, n_levels, level_side, level_price_ticks,
                                    level_qty, trade_price_ticks, trade_qty, trade_side, e.lot_size());
  if (bad >= 0) {
    *out_rows = bad;
    return GN_ERR_INVALID;
  }
  if (rows > out_capacity_rows) {
    *out_rows = rows;
    return GN_ERR_CAPACITY;
  }
  try {
    int32_t row = 0;
    for (int32_t i = 0; i < n_events; i++) {
      if (kind[i] == GN_EVENT_TRADE) {
        e.on_trade(ts_ms[i], trade_price_ticks[i], trade_qty[i], trade_side[i]);
      } else {
        const int32_t from = level_offsets[i];
        e.on_book(kind[i] == GN_EVENT_BOOK_RESET, ts_ms[i], level_side + from, level_price_ticks + from,
                  level_qty + from, level_offsets[i + 1] - from, out + static_cast<std::size_t>(row) * gn::FEATURE_COUNT);
        row++;
      }
    }
    *out_rows = row;
    return GN_OK;
  } catch (const std::bad_alloc&) {
    e.reset();
    return GN_ERR_ALLOC;
  } catch (...) {
    e.reset();
    return GN_ERR_INTERNAL;
  }
}

}  // extern "C"
