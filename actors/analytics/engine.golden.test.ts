/**
 * Golden values on small hand-built books, checked by hand (see the
 * comments), for both engines: the TypeScript reference always, the native
 * one when libgenesis is built.
 */
import { describe, expect, test } from "bun:test";
import { ASK, BID, type FeatureRow } from "../../src/switchboard.ts";
import { createFeatureEngine, FeatureEngineError, nativeStatus } from "./engine.ts";
import { FEATURE_INDEX as F, FEATURE_NAMES } from "./feature-names.ts";
import { bookEvent, firstDifference, tradeEvent } from "./test-events.ts";

const spec = { symbol: "TESTUSDT", tickSize: 0.1, lotSize: 0.001 };
const kinds = nativeStatus().available ? (["ts", "native"] as const) : (["ts"] as const);

// Bids 100.0 x2, 99.9 x1, 99.5 x3; asks 100.2 x1, 100.3 x4, 101.0 x2 (ticks of 0.1).
const snapshot = bookEvent(spec, 1000, [[BID, 1000, 2], [BID, 999, 1], [BID, 995, 3], [ASK, 1002, 1], [ASK, 1003, 4], [ASK, 1010, 2]], true);
const sellTrade = tradeEvent(spec, 1100, 1000, 0.5, "sell"); // hits the 100.0 bid
// 100.0 bid 2 -> 1.5 (explained by the trade), 100.2 ask removed (a cancel of 1), new best bid 100.1 x1.
const delta = bookEvent(spec, 1200, [[BID, 1000, 1.5], [ASK, 1002, 0], [BID, 1001, 1]]);

function v(row: FeatureRow, name: keyof typeof F): number {
  return row.values[F[name]]!;
}

/** Bit-for-bit equal rows (NaN equals NaN). */
function expectSameValues(a: Float64Array, b: Float64Array): void {
  expect(firstDifference(a, b, FEATURE_NAMES, 0)).toBeUndefined();
}

describe.each(kinds)("%s engine golden values", (kind) => {
  test("snapshot: top of book, imbalance, bands, gaps", () => {
    const engine = createFeatureEngine(kind, spec);
    const [row] = engine.process([snapshot]);
    expect(row!.kind).toBe("features");
    expect(row!.exchTsMs).toBe(1000);
    expect(v(row!, "best_bid")).toBe(100);
    expect(v(row!, "best_ask")).toBe(100.2);
    expect(v(row!, "best_bid_qty")).toBe(2);
    expect(v(row!, "best_ask_qty")).toBe(1);
    expect(v(row!, "mid")).toBe(100.1);
    expect(v(row!, "spread")).toBe(0.2);
    expect(v(row!, "spread_ticks")).toBe(2);
    expect(v(row!, "spread_bps")).toBeCloseTo((2 / 1001) * 1e4, 12);
    expect(v(row!, "microprice")).toBeCloseTo((100.0 * 1 + 100.2 * 2) / 3, 12); // bid*askQty + ask*bidQty
    expect(v(row!, "imbalance_l1")).toBeCloseTo(1 / 3, 15); // (2 - 1) / 3
    expect(v(row!, "imbalance_l5")).toBeCloseTo(-1 / 13, 15); // (6 - 7) / 13
    expect(v(row!, "bid_qty_l10")).toBe(6);
    expect(v(row!, "ask_qty_l10")).toBe(7);
    expect(v(row!, "bid_levels")).toBe(3);
    expect(v(row!, "ask_levels")).toBe(3);
    // mid 1001 ticks: 5 bps reaches 1000.4995..1001.5005 (no level), 10 bps 999.999..1002.001,
    // 25 bps 998.4975..1003.5025, 50 bps 995.995..1006.005.
    expect([v(row!, "depth_bid_5bps_qty"), v(row!, "depth_ask_5bps_qty")]).toEqual([0, 0]);
    expect([v(row!, "depth_bid_10bps_qty"), v(row!, "depth_ask_10bps_qty")]).toEqual([2, 1]);
    expect([v(row!, "depth_bid_25bps_qty"), v(row!, "depth_ask_25bps_qty")]).toEqual([3, 5]);
    expect([v(row!, "depth_bid_50bps_qty"), v(row!, "depth_ask_50bps_qty")]).toEqual([3, 5]);
    expect(v(row!, "gap_bid_l10_ticks")).toBe(3); // 1000|999 none, 999..995: 996, 997, 998
    expect(v(row!, "gap_ask_l10_ticks")).toBe(6); // 1003..1010: 1004..1009
    // 100,000 USDT is far more than the ~1,000 USDT per side: too thin.
    expect(v(row!, "vwap_buy_notional")).toBeNaN();
    expect(v(row!, "cost_sell_bps")).toBeNaN();
    // A reset has no order flow and there is no previous mid.
    expect(v(row!, "ofi_l1_qty")).toBeNaN();
    expect(v(row!, "mlofi_l10_qty")).toBeNaN();
    expect(v(row!, "rv_mid_10s_bps")).toBeNaN();
    expect(v(row!, "trade_count_1s")).toBe(0);
    expect(v(row!, "trade_imbalance_1s")).toBeNaN();
    expect(v(row!, "trade_vwap_10s")).toBeNaN();
    expect(v(row!, "update_rate_10s_hz")).toBe(0.1);
    expect(v(row!, "cancel_rate_10s_hz")).toBe(0);
    expect(v(row!, "cancel_to_trade_10s")).toBeNaN();
    engine.dispose();
  });

  test("vwap and cost of a notional that walks two levels", () => {
    const engine = createFeatureEngine(kind, spec, { notionalUsd: 300 });
    const [row] = engine.process([snapshot]);
    // Buy: 100.2 x1 (100.2 USDT), then 199.8 USDT at 100.3 = 1.99202... lots.
    const buyQty = 1 + 199.8 / 100.3;
    expect(v(row!, "vwap_buy_notional")).toBeCloseTo(300 / buyQty, 12);
    expect(v(row!, "cost_buy_bps")).toBeCloseTo(((300 / buyQty - 100.1) / 100.1) * 1e4, 9);
    // Sell: 100.0 x2 (200 USDT), 99.9 x1 (99.9 USDT), then 0.1 USDT at 99.5.
    const sellQty = 2 + 1 + 0.1 / 99.5;
    expect(v(row!, "vwap_sell_notional")).toBeCloseTo(300 / sellQty, 12);
    expect(v(row!, "cost_sell_bps")).toBeCloseTo(((100.1 - 300 / sellQty) / 100.1) * 1e4, 9);
    engine.dispose();
  });

  test("delta after a trade: OFI, multi-level OFI, cancels, trade windows, returns", () => {
    const engine = createFeatureEngine(kind, spec);
    const rows = engine.process([snapshot, sellTrade, delta]);
    expect(rows.length).toBe(2); // trades produce no row
    const row = rows[1]!;
    expect(v(row, "best_bid")).toBe(100.1);
    expect(v(row, "best_ask")).toBe(100.3);
    // CKS: bid rose (1000 -> 1001): +q_b(new) = 1; ask rose (1002 -> 1003): +q_a(old) = 1.
    expect(v(row, "ofi_l1_qty")).toBe(2);
    expect(v(row, "mlofi_l1_qty")).toBe(2);
    // Level 2: bid 999x1 -> 1000x1.5 rose: +1.5; ask 1003x4 -> 1010x2 rose: +4.
    expect(v(row, "mlofi_l2_qty")).toBe(5.5);
    // Level 3 ask no longer exists (two asks left): undefined.
    expect(v(row, "mlofi_l3_qty")).toBeNaN();
    expect(v(row, "ofi_l1_sum_1s_qty")).toBe(2);
    // The 100.0 bid lost 0.5, all traded; the 100.2 ask lost 1 with no trade there: one cancel of 1.
    expect(v(row, "cancel_rate_10s_hz")).toBe(0.1);
    expect(v(row, "cancel_qty_10s")).toBe(1);
    expect(v(row, "update_rate_10s_hz")).toBe(0.2);
    expect(v(row, "trade_count_1s")).toBe(1);
    expect(v(row, "trade_qty_1s")).toBe(0.5);
    expect(v(row, "trade_imbalance_1s")).toBe(-1);
    expect(v(row, "trade_vwap_1s")).toBe(100);
    expect(v(row, "cancel_to_trade_10s")).toBe(2); // 1 cancelled / 0.5 traded
    // mid 1001 -> 1002 ticks.
    expect(v(row, "rv_mid_10s_bps")).toBeCloseTo(Math.log(1002 / 1001) * 1e4, 12);
    expect(v(row, "rv_mid_60s_bps")).toBeCloseTo(Math.log(1002 / 1001) * 1e4, 12);
    engine.dispose();
  });

  test("windows expire by exchange time", () => {
    const engine = createFeatureEngine(kind, spec);
    engine.process([snapshot, sellTrade, delta]);
    // 2150: the trade (1100) and the snapshot row (1000) left the 1 s window; no flow this update.
    const [a] = engine.process([bookEvent(spec, 2150, [])]);
    expect(v(a!, "trade_count_1s")).toBe(0);
    expect(v(a!, "trade_imbalance_1s")).toBeNaN();
    expect(v(a!, "trade_count_10s")).toBe(1);
    expect(v(a!, "ofi_l1_qty")).toBe(0);
    expect(v(a!, "ofi_l1_sum_1s_qty")).toBe(2);
    // 12150: only this update is in the 10 s window; its return is 0.
    const [b] = engine.process([bookEvent(spec, 12150, [])]);
    expect(v(b!, "update_rate_10s_hz")).toBe(0.1);
    expect(v(b!, "cancel_qty_10s")).toBe(0);
    expect(v(b!, "ofi_l1_sum_10s_qty")).toBe(0);
    expect(v(b!, "trade_qty_10s")).toBe(0);
    expect(v(b!, "rv_mid_10s_bps")).toBe(0);
    expect(v(b!, "rv_mid_60s_bps")).toBeCloseTo(Math.log(1002 / 1001) * 1e4, 12);
    engine.dispose();
  });

  test("an empty side makes the two-sided features NaN", () => {
    const engine = createFeatureEngine(kind, spec);
    const [, row] = engine.process([snapshot, bookEvent(spec, 1300, [[ASK, 1002, 0], [ASK, 1003, 0], [ASK, 1010, 0]])]);
    expect(v(row!, "best_bid")).toBe(100);
    expect(v(row!, "bid_qty_l10")).toBe(6);
    for (const name of ["best_ask", "best_ask_qty", "mid", "spread", "microprice", "imbalance_l1", "depth_bid_5bps_qty", "gap_ask_l10_ticks", "vwap_buy_notional", "cost_sell_bps", "ofi_l1_qty"] as const) {
      expect(v(row!, name)).toBeNaN();
    }
    expect(v(row!, "ask_levels")).toBe(0);
    expect(v(row!, "ask_qty_l10")).toBe(0);
    expect(v(row!, "cancel_qty_10s")).toBe(7); // three asks removed without trades
    engine.dispose();
  });

  test("rejects an invalid batch without changing state", () => {
    const engine = createFeatureEngine(kind, spec);
    const reference = createFeatureEngine(kind, spec);
    engine.process([snapshot]);
    reference.process([snapshot]);
    const bad = [sellTrade, bookEvent(spec, 1150, [[BID, 1000.5, 1]])]; // half a tick
    let error: unknown;
    try {
      engine.process(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FeatureEngineError);
    expect((error as FeatureEngineError).code).toBe("invalid");
    expect((error as FeatureEngineError).eventIndex).toBe(1);
    expect(() => engine.process([bookEvent(spec, 1, [[BID, 1000, -1]])])).toThrow(/index=0/);
    expect(() => engine.process([{ ...sellTrade, side: "hold" as "buy" }])).toThrow(FeatureEngineError);
    expect(() => engine.process([bookEvent(spec, Number.NaN, [])])).toThrow(FeatureEngineError);
    expectSameValues(engine.process([sellTrade, delta])[0]!.values, reference.process([sellTrade, delta])[0]!.values);
    engine.dispose();
    reference.dispose();
  });

  test("use after dispose fails loudly; reset starts over", () => {
    const engine = createFeatureEngine(kind, spec);
    const first = engine.process([snapshot, sellTrade, delta]);
    engine.reset();
    expectSameValues(engine.process([snapshot, sellTrade, delta])[1]!.values, first[1]!.values);
    engine.dispose();
    engine.dispose(); // idempotent
    expect(() => engine.process([snapshot])).toThrow(/after dispose/);
  });
});
