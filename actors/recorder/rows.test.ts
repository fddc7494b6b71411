import { describe, expect, test } from "bun:test";
import type { HubItem } from "../../src/switchboard.ts";
import { BOOK, FEATURES, GAPS, RowBuilder, TABLES, TRADES, type RowValues, type TableId } from "./rows.ts";
import { makeItem, T0_MS, TEST_FEATURE_NAMES } from "./test-support.ts";

function build(builder: RowBuilder, items: readonly HubItem[]): [TableId, RowValues][] {
  const out: [TableId, RowValues][] = [];
  builder.build(items, (table, values) => out.push([table, values]));
  return out;
}

function bookAt(symbol: string, exchTsMs: number, u: number): HubItem {
  const item = makeItem(3) as Extract<HubItem, { kind: "book" }>;
  return { ...item, symbol, exchTsMs, u };
}

describe("RowBuilder book sampling", () => {
  test("keeps the first update of each cadence interval, per symbol", () => {
    const builder = new RowBuilder({ recordBookMs: 100, featureNames: TEST_FEATURE_NAMES });
    const offsets = [0, 30, 60, 99, 100, 150, 230, 299, 400, 401];
    const items = [...offsets.map((o, i) => bookAt("BTCUSDT", T0_MS + o, i)), ...offsets.map((o, i) => bookAt("ETHUSDT", T0_MS + 5 + o, 100 + i))];
    const rows = build(builder, items);
    const kept = rows.map(([, v]) => [v[0], (v[1] as number) - T0_MS]);
    expect(kept).toEqual([
      ["BTCUSDT", 0], ["BTCUSDT", 100], ["BTCUSDT", 230], ["BTCUSDT", 400],
      ["ETHUSDT", 5], ["ETHUSDT", 104], ["ETHUSDT", 235], ["ETHUSDT", 304], ["ETHUSDT", 405],
    ]);
    expect(builder.booksSkipped).toBe(11);
  });

  test("exchange time going back (a replay rewound) starts a new interval", () => {
    const builder = new RowBuilder({ recordBookMs: 100, featureNames: TEST_FEATURE_NAMES });
    const rows = build(builder, [bookAt("X", T0_MS + 500, 1), bookAt("X", T0_MS + 120, 2), bookAt("X", T0_MS + 130, 3)]);
    expect(rows.map(([, v]) => v[3])).toEqual([1, 2]);
  });

  test("cadence 0 keeps every update; a negative cadence is refused", () => {
    const builder = new RowBuilder({ recordBookMs: 0, featureNames: TEST_FEATURE_NAMES });
    expect(build(builder, [bookAt("X", T0_MS, 1), bookAt("X", T0_MS, 2), bookAt("X", T0_MS + 1, 3)])).toHaveLength(3);
    expect(() => new RowBuilder({ recordBookMs: -1, featureNames: [] })).toThrow(/recordBookMs/);
  });

  test("the default cadence is 100 ms", () => {
    expect(new RowBuilder({ featureNames: [] }).recordBookMs).toBe(100);
  });
});

describe("RowBuilder rows", () => {
  const builder = new RowBuilder({ recordBookMs: 0, featureNames: TEST_FEATURE_NAMES });

  test("each kind maps to its table's columns, in order", () => {
    const items = [makeItem(0), makeItem(1), makeItem(2), makeItem(49), makeItem(99)];
    const rows = build(builder, items);
    expect(rows.map(([t]) => t)).toEqual([BOOK, TRADES, FEATURES, GAPS, GAPS]);
    for (const [t, v] of rows) expect(v).toHaveLength(TABLES[t]!.columns.length);

    const book = items[0] as Extract<HubItem, { kind: "book" }>;
    expect(rows[0]![1]).toEqual([book.symbol, book.exchTsMs, book.localTsMs, book.u, book.stale, book.topBidPrice, book.topBidQty, book.topAskPrice, book.topAskQty]);
    const trade = items[1] as Extract<HubItem, { kind: "trade" }>;
    expect(rows[1]![1]).toEqual([trade.symbol, trade.exchTsMs, trade.localTsMs, trade.tradeId, trade.price, trade.qty, trade.side]);
    const started = items[3] as Extract<HubItem, { kind: "gap" }>;
    // ts is the local time of the phase; exch_ts the breaking diff's exchange time.
    expect(rows[3]![1]).toEqual(["BTCUSDT", started.localTsMs, "started", "pu_mismatch", started.expectedPu, started.gotPu, started.u, started.exchTsMs, null, null]);
    expect(rows[4]![1][2]).toBe("recovered");
    expect(rows[4]![1][8]).not.toBeNull();
  });

  test("feature rows pick the headline columns by name and keep the whole row", () => {
    const item = makeItem(2) as Extract<HubItem, { kind: "features" }>;
    const [[, v]] = build(builder, [item]) as [[TableId, RowValues]];
    expect(v[3]).toBeNull(); // feature_set: the writer fills it
    expect(v.slice(4, 8)).toEqual([item.values[1]!, item.values[2]!, item.values[3]!, item.values[4]!]);
    expect(v[8]).toBe(item.values);
  });

  test("a headline the feature list lacks is NULL", () => {
    const partial = new RowBuilder({ recordBookMs: 0, featureNames: ["mid", "other"] });
    const item = { ...(makeItem(2) as Extract<HubItem, { kind: "features" }>), values: Float64Array.from([1, 2]) };
    const [[, v]] = build(partial, [item]) as [[TableId, RowValues]];
    expect(v.slice(4, 8)).toEqual([1, null, null, null]);
  });
});
