/**
 * The feature columns, in the order of the native ABI (native/src/features.h,
 * `gn_feature_name(i)`). `FeatureRow.values[i]` is `FEATURE_NAMES[i]`;
 * formulas, units and windows are in docs/features.md.
 */
export const FEATURE_NAMES = [
  "best_bid",
  "best_ask",
  "best_bid_qty",
  "best_ask_qty",
  "mid",
  "spread",
  "spread_ticks",
  "spread_bps",
  "microprice",
  "imbalance_l1",
  "imbalance_l5",
  "imbalance_l10",
  "imbalance_l20",
  "bid_qty_l10",
  "ask_qty_l10",
  "bid_levels",
  "ask_levels",
  "depth_bid_5bps_qty",
  "depth_ask_5bps_qty",
  "depth_bid_10bps_qty",
  "depth_ask_10bps_qty",
  "depth_bid_25bps_qty",
  "depth_ask_25bps_qty",
  "depth_bid_50bps_qty",
  "depth_ask_50bps_qty",
  "gap_bid_l10_ticks",
  "gap_ask_l10_ticks",
  "vwap_buy_notional",
  "vwap_sell_notional",
  "cost_buy_bps",
  "cost_sell_bps",
  "ofi_l1_qty",
  "ofi_l1_sum_1s_qty",
  "ofi_l1_sum_10s_qty",
  "mlofi_l1_qty",
  "mlofi_l2_qty",
  "mlofi_l3_qty",
  "mlofi_l4_qty",
  "mlofi_l5_qty",
  "mlofi_l6_qty",
  "mlofi_l7_qty",
  "mlofi_l8_qty",
  "mlofi_l9_qty",
  "mlofi_l10_qty",
  "trade_count_1s",
  "trade_count_10s",
  "trade_qty_1s",
  "trade_qty_10s",
  "trade_imbalance_1s",
  "trade_imbalance_10s",
  "trade_vwap_1s",
  "trade_vwap_10s",
  "rv_mid_10s_bps",
  "rv_mid_60s_bps",
  "update_rate_10s_hz",
  "cancel_rate_10s_hz",
  "cancel_qty_10s",
  "cancel_to_trade_10s",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Column of each feature, e.g. `FEATURE_INDEX.mid`. */
export const FEATURE_INDEX = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<FeatureName, number>,
);

/** Shared with native/src/features.h. */
export const MLOFI_LEVELS = 10;
export const GAP_LEVELS = 10;
export const BAND_BPS = [5, 10, 25, 50] as const;
