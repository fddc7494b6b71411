import { expect, test } from "bun:test";
import { FEATURE_NAMES } from "../actors/analytics/feature-names.ts";
import { pickTiles, tileSpec } from "./tiles.ts";

test("with the analytics' feature names, the desk list fills the tiles in order", () => {
  expect(pickTiles(FEATURE_NAMES).map((t) => t.name)).toEqual([
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
  ]);
});

test("other spellings: patterns next, unknown names fill up, missing ones are skipped", () => {
  const names = ["mid", "weird_thing", "ofi", "imbalance_5", "spread_bps", "depth_10bps", "realized_vol"];
  expect(pickTiles(names).map((t) => t.name)).toEqual(["spread_bps", "imbalance_5", "ofi", "depth_10bps", "realized_vol", "mid", "weird_thing"]);
  expect(pickTiles([])).toEqual([]);
  expect(pickTiles(names, 2).map((t) => t.name)).toEqual(["spread_bps", "imbalance_5"]);
});

test("labels, units, sign colouring and price formatting", () => {
  expect(tileSpec("spread_bps")).toEqual({ name: "spread_bps", label: "Spread", unit: "bps", signed: false, format: "number" });
  expect(tileSpec("microprice")).toMatchObject({ unit: "", format: "price" });
  expect(tileSpec("imbalance_l5")).toMatchObject({ label: "Imbalance L5", unit: "", signed: true });
  expect(tileSpec("mlofi_l3_qty")).toMatchObject({ label: "MLOFI L3", unit: "qty", signed: true });
  expect(tileSpec("rv_mid_10s_bps")).toMatchObject({ label: "Real. vol 10s", unit: "bps" });
  expect(tileSpec("gap_bid_l10_ticks")).toMatchObject({ label: "Gap bid L10", unit: "ticks" });
  expect(tileSpec("update_rate_10s_hz")).toMatchObject({ unit: "/s", signed: false });
  expect(tileSpec("trade_imbalance_10s").signed).toBe(true);
  expect(tileSpec("<x>").label).toBe("<x>");
});
