/**
 * Which features the dashboard shows as tiles, picked by name from the
 * analytics' FEATURE_NAMES (actors/analytics/feature-names.ts). A desk list
 * of exact names comes first, then patterns for other spellings, then any
 * remaining name up to the cap; names we expect but do not find are simply
 * absent, so the feature set can change without touching the page.
 */

export type TileFormat = "price" | "number";

export interface TileSpec {
  /** The feature's column name, also the key in the SSE `features` payload. */
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  /** Colour the value by its sign (flows and imbalances). */
  readonly signed: boolean;
  /** "price": format with the symbol's tick decimals. */
  readonly format: TileFormat;
}

export const MAX_TILES = 12;

/** What a microstructure desk looks at first, in this order. */
const DESK_FEATURES: readonly string[] = [
  "spread_bps",
  "microprice",
  "imbalance_l5",
  "ofi_l1_sum_1s_qty",
  "depth_bid_10bps_qty",
  "depth_ask_10bps_qty",
  "rv_mid_60s_bps",
  "trade_imbalance_10s",
  "update_rate_10s_hz",
  "imbalance_l1",
  "cost_buy_bps",
  "cancel_to_trade_10s",
];

/** For other spellings: each pattern takes every not-yet-taken name it matches, in feature order. */
const PATTERNS: readonly RegExp[] = [
  /^spread.*bps/,
  /^micro/,
  /imbalance_?l?5$/,
  /^ofi/,
  /depth.*10/,
  /^(rv|realized)/,
  /trade.*(flow|imb)|^tfi/,
  /update.*(rate|hz)/,
];

const LABELS: Readonly<Record<string, string>> = {
  spread_bps: "Spread",
  microprice: "Microprice",
  ofi_l1_sum_1s_qty: "OFI L1 · 1s",
  ofi_l1_sum_10s_qty: "OFI L1 · 10s",
  depth_bid_10bps_qty: "Bid depth 10bp",
  depth_ask_10bps_qty: "Ask depth 10bp",
  rv_mid_10s_bps: "Real. vol 10s",
  rv_mid_60s_bps: "Real. vol 60s",
  trade_imbalance_1s: "Trade imb. 1s",
  trade_imbalance_10s: "Trade imb. 10s",
  update_rate_10s_hz: "Updates 10s",
  cancel_rate_10s_hz: "Cancels 10s",
  cost_buy_bps: "Cost to buy",
  cost_sell_bps: "Cost to sell",
  cancel_to_trade_10s: "Cancel/trade 10s",
};

const UNITS: readonly [RegExp, string][] = [
  [/_bps$/, "bps"],
  [/_qty$/, "qty"],
  [/_ticks$/, "ticks"],
  [/_hz$|_per_s$|(^|_)rate$/, "/s"],
  [/_ms$/, "ms"],
  [/_pct$/, "%"],
];

const WORDS: Readonly<Record<string, string>> = { rv: "realized vol", ofi: "OFI", mlofi: "MLOFI", vwap: "VWAP", qty: "qty" };

const SIGNED = /imb|ofi|obi|tfi|flow|skew/;
const PRICE = /^(microprice|mid|best_bid|best_ask|trade_vwap_\w+)$/;

function unitOf(name: string): string {
  for (const [pattern, unit] of UNITS) if (pattern.test(name)) return unit;
  return "";
}

function labelOf(name: string): string {
  const known = LABELS[name];
  if (known !== undefined) return known;
  const words = name
    .replace(/_(bps|qty|ticks|hz|ms|pct|per_s)$/, "")
    .split("_")
    .filter((w) => w.length > 0)
    .map((w) => WORDS[w] ?? (/^l\d+$/.test(w) ? w.toUpperCase() : w));
  const text = words.join(" ");
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : name;
}

export function tileSpec(name: string): TileSpec {
  return { name, label: labelOf(name), unit: unitOf(name), signed: SIGNED.test(name), format: PRICE.test(name) ? "price" : "number" };
}

export function pickTiles(featureNames: readonly string[], max = MAX_TILES): TileSpec[] {
  const picked: string[] = [];
  const available = new Set(featureNames);
  const take = (name: string) => {
    if (picked.length < max && available.delete(name)) picked.push(name);
  };
  for (const name of DESK_FEATURES) take(name);
  for (const pattern of PATTERNS) for (const name of featureNames) if (pattern.test(name)) take(name);
  for (const name of featureNames) take(name);
  return picked.map(tileSpec);
}
