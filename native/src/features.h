// The feature list, in output column order: the single source of the names
// that gn_feature_name() returns (actors/analytics/feature-names.ts must list
// the same, which its test checks). Formulas: docs/features.md.
#pragma once

#define GN_FEATURES(X)                                  \
  X(BEST_BID, "best_bid")                               \
  X(BEST_ASK, "best_ask")                               \
  X(BEST_BID_QTY, "best_bid_qty")                       \
  X(BEST_ASK_QTY, "best_ask_qty")                       \
  X(MID, "mid")                                         \
  X(SPREAD, "spread")                                   \
  X(SPREAD_TICKS, "spread_ticks")                       \
  X(SPREAD_BPS, "spread_bps")                           \
  X(MICROPRICE, "microprice")                           \
  X(IMBALANCE_L1, "imbalance_l1")                       \
  X(IMBALANCE_L5, "imbalance_l5")                       \
  X(IMBALANCE_L10, "imbalance_l10")                     \
  X(IMBALANCE_L20, "imbalance_l20")                     \
  X(BID_QTY_L10, "bid_qty_l10")                         \
  X(ASK_QTY_L10, "ask_qty_l10")                         \
  X(BID_LEVELS, "bid_levels")                           \
  X(ASK_LEVELS, "ask_levels")                           \
  X(DEPTH_BID_5BPS, "depth_bid_5bps_qty")               \
  X(DEPTH_ASK_5BPS, "depth_ask_5bps_qty")               \
  X(DEPTH_BID_10BPS, "depth_bid_10bps_qty")             \
  X(DEPTH_ASK_10BPS, "depth_ask_10bps_qty")             \
  X(DEPTH_BID_25BPS, "depth_bid_25bps_qty")             \
  X(DEPTH_ASK_25BPS, "depth_ask_25bps_qty")             \
  X(DEPTH_BID_50BPS, "depth_bid_50bps_qty")             \
  X(DEPTH_ASK_50BPS, "depth_ask_50bps_qty")             \
  X(GAP_BID_L10, "gap_bid_l10_ticks")                   \
  X(GAP_ASK_L10, "gap_ask_l10_ticks")                   \
  X(VWAP_BUY, "vwap_buy_notional")                      \
  X(VWAP_SELL, "vwap_sell_notional")                    \
  X(COST_BUY_BPS, "cost_buy_bps")                       \
  X(COST_SELL_BPS, "cost_sell_bps")                     \
  X(OFI_L1, "ofi_l1_qty")                               \
  X(OFI_L1_SUM_1S, "ofi_l1_sum_1s_qty")                 \
  X(OFI_L1_SUM_10S, "ofi_l1_sum_10s_qty")               \
  X(MLOFI_L1, "mlofi_l1_qty")                           \
  X(MLOFI_L2, "mlofi_l2_qty")                           \
  X(MLOFI_L3, "mlofi_l3_qty")                           \
  X(MLOFI_L4, "mlofi_l4_qty")                           \
  X(MLOFI_L5, "mlofi_l5_qty")                           \
  X(MLOFI_L6, "mlofi_l6_qty")                           \
  X(MLOFI_L7, "mlofi_l7_qty")                           \
  X(MLOFI_L8, "mlofi_l8_qty")                           \
  X(MLOFI_L9, "mlofi_l9_qty")                           \
  X(MLOFI_L10, "mlofi_l10_qty")                         \
  X(TRADE_COUNT_1S, "trade_count_1s")                   \
  X(TRADE_COUNT_10S, "trade_count_10s")                 \
  X(TRADE_QTY_1S, "trade_qty_1s")                       \
  X(TRADE_QTY_10S, "trade_qty_10s")                     \
  X(TRADE_IMBALANCE_1S, "trade_imbalance_1s")           \
  X(TRADE_IMBALANCE_10S, "trade_imbalance_10s")         \
  X(TRADE_VWAP_1S, "trade_vwap_1s")                     \
  X(TRADE_VWAP_10S, "trade_vwap_10s")                   \
  X(RV_MID_10S_BPS, "rv_mid_10s_bps")                   \
  X(RV_MID_60S_BPS, "rv_mid_60s_bps")                   \
  X(UPDATE_RATE_10S_HZ, "update_rate_10s_hz")           \
  X(CANCEL_RATE_10S_HZ, "cancel_rate_10s_hz")           \
  X(CANCEL_QTY_10S, "cancel_qty_10s")                   \
  X(CANCEL_TO_TRADE_10S, "cancel_to_trade_10s")

namespace gn {

enum Feature : int {
#define GN_ENUM(id, name) F_##id,
  GN_FEATURES(GN_ENUM)
#undef GN_ENUM
  FEATURE_COUNT
};

// Constants shared with the TypeScript reference (actors/analytics/ts-engine.ts).
constexpr int MLOFI_LEVELS = 10;
constexpr int GAP_LEVELS = 10;
constexpr int BAND_COUNT = 4;
constexpr double BAND_BPS[BAND_COUNT] = {5, 10, 25, 50};

}  // namespace gn
