import { describe, expect, test } from "bun:test";
import { ASK, BID } from "../../../src/switchboard.ts";
import { type Decimals, parseSnapshot, parseStreamFrame, RebuiltBook } from "./binance-shape.testkit.ts";
import { simInstrumentFor, UnknownSymbolError } from "./instruments.ts";
import { MarketSimulator, type SimConfig, type SimFrame } from "./market-simulator.ts";

const START_MS = 1_736_000_000_000;
const ALL = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT"];
import { sharedDataFile } from "../../../src/shared-data.ts";

function decimalsOf(symbol: string): Decimals {
  const instrument = simInstrumentFor(symbol);
  return { price: instrument.priceDecimals, qty: instrument.qtyDecimals };
}

function texts(config: SimConfig, count: number): string[] {
  return new MarketSimulator(config).next(count).map((frame) => frame.text);
}

describe("MarketSimulator determinism", () => {
  const config = { symbols: ["BTCUSDT", "ETHUSDT"], seed: 42, startTsMs: START_MS };

  test("the same config gives byte-identical frames; another seed does not", () => {
    const a = texts(config, 30_000);
    expect(texts(config, 30_000)).toEqual(a);
    const other = texts({ ...config, seed: 43 }, 30_000);
    expect(other).not.toEqual(a);
    expect(other.filter((text, i) => text === a[i]).length).toBeLessThan(100);
    expect(new MarketSimulator(config).depthSnapshot("BTCUSDT")).toBe(new MarketSimulator(config).depthSnapshot("BTCUSDT"));
    expect(new MarketSimulator({ ...config, seed: 7 }).depthSnapshot("BTCUSDT")).not.toBe(new MarketSimulator(config).depthSnapshot("BTCUSDT"));
  });

  test("another start time shifts every timestamp and changes nothing else", () => {
    const shiftMs = 86_400_000;
    const a = texts(config, 5_000);
    const b = texts({ ...config, startTsMs: START_MS + shiftMs }, 5_000);
    const unshift = (text: string) => text.replace(/"([ET])":(\d+)/g, (_, key, ms) => `"${key}":${Number(ms) - shiftMs}`);
    expect(b.map(unshift)).toEqual(a);
  });

  test("advanceTo and next (in any chunking) produce the same sequence", () => {
    const bySteps = new MarketSimulator(config);
    const stepped: SimFrame[] = [];
    for (let t = START_MS; stepped.length < 20_000; t += 37) {
      const batch = bySteps.advanceTo(t);
      for (const frame of batch) expect(frame.exchTsMs).toBeLessThanOrEqual(t);
      stepped.push(...batch);
      expect(bySteps.nowMs).toBe(t);
    }
    const chunked = new MarketSimulator(config);
    const pieces: SimFrame[] = [];
    const sizes = [1, 7, 1, 1, 100, 3];
    for (let i = 0; pieces.length < stepped.length; i++) pieces.push(...chunked.next(sizes[i % sizes.length]!));
    expect(pieces.slice(0, stepped.length).map((f) => f.text)).toEqual(stepped.map((f) => f.text));
    for (let i = 1; i < stepped.length; i++) expect(stepped[i]!.exchTsMs).toBeGreaterThanOrEqual(stepped[i - 1]!.exchTsMs);
  });
});

describe("MarketSimulator frames are Binance USDT-M frames", () => {
  test("the shape checks accept real recorded Binance frames", async () => {
    const file = sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz");
    const lines = new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await Bun.file(file).arrayBuffer()))).split("\n");
    let depth = 0;
    let trades = 0;
    for (const line of lines.slice(0, 3_000)) {
      const json = line.slice(line.indexOf(" ") + 1);
      if (json.includes('"lastUpdateId"')) parseSnapshot(json, { price: 2, qty: 3 });
      else if (json.includes("@depth") || json.includes("@trade")) {
        const { data } = parseStreamFrame(json, { price: 2, qty: 3 });
        if (data.e === "depthUpdate") depth++;
        else trades++;
      }
    }
    const agg = (await Bun.file(sharedDataFile("binance-usdm/cryptofeed/BINANCE_FUTURES-1125a2.0")).text()).split("\n").find((l) => l.includes('"stream":"sandusdt@aggTrade"'))!;
    parseStreamFrame(agg.slice(agg.indexOf("{")), { price: 5, qty: 0 });
    expect(depth).toBeGreaterThan(100);
    expect(trades).toBeGreaterThan(10);
  });

  test("every frame and snapshot has the exact fields, types and number formats", () => {
    const sim = new MarketSimulator({ symbols: ALL, seed: 5, startTsMs: START_MS });
    for (const symbol of ALL) parseSnapshot(sim.depthSnapshot(symbol), decimalsOf(symbol));
    const seen = new Set<string>();
    for (const frame of sim.next(60_000)) {
      const symbol = frame.text.slice(frame.text.indexOf('"s":"') + 5, frame.text.indexOf('"', frame.text.indexOf('"s":"') + 5));
      const { stream, data } = parseStreamFrame(frame.text, decimalsOf(symbol));
      expect(data.E).toBe(frame.exchTsMs);
      expect(data.T).toBe(frame.exchTsMs);
      seen.add(stream);
    }
    for (const symbol of ALL) parseSnapshot(sim.depthSnapshot(symbol, 50), decimalsOf(symbol));
    // Every stream of every symbol appears.
    expect(seen.size).toBe(ALL.length * 3);
  });

  test("update ids: one shared counter, contiguous; pu chains per symbol; trade and agg ids run per symbol", () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT"];
    const sim = new MarketSimulator({ symbols, seed: 9, startTsMs: START_MS });
    const last = new Map(symbols.map((s) => [s, JSON.parse(sim.depthSnapshot(s)).lastUpdateId as number]));
    const lastTrade = new Map<string, number>();
    const lastAgg = new Map<string, number>();
    let globalU = Math.max(...last.values());
    let previousTrade: Record<string, any> | undefined;
    for (const frame of sim.next(40_000)) {
      const { data } = JSON.parse(frame.text);
      if (data.e === "depthUpdate") {
        expect(data.pu).toBe(last.get(data.s)!);
        expect(data.U).toBe(globalU + 1);
        expect(data.u - data.U + 1).toBe(data.b.length + data.a.length);
        globalU = data.u;
        last.set(data.s, data.u);
      } else if (data.e === "trade") {
        if (lastTrade.has(data.s)) expect(data.t).toBe(lastTrade.get(data.s)! + 1);
        lastTrade.set(data.s, data.t);
        previousTrade = data;
      } else {
        // Each aggTrade follows its trade and aggregates exactly it.
        expect([data.s, data.p, data.q, data.m, data.f, data.l, data.T]).toEqual([
          previousTrade!.s, previousTrade!.p, previousTrade!.q, previousTrade!.m, previousTrade!.t, previousTrade!.t, previousTrade!.T,
        ]);
        if (lastAgg.has(data.s)) expect(data.a).toBe(lastAgg.get(data.s)! + 1);
        lastAgg.set(data.s, data.a);
      }
    }
    for (const s of symbols) expect(JSON.parse(sim.depthSnapshot(s)).lastUpdateId).toBe(last.get(s)!);
  });
});

describe("MarketSimulator book consistency", () => {
  test.each([["BTCUSDT"], ["ETHUSDT"], ["SOLUSDT"]])("%s: snapshot + diffs rebuild the simulator's book exactly, never crossed; trades hit the touch", (symbol) => {
    const tickSize = simInstrumentFor(symbol).spec.tickSize;
    const sim = new MarketSimulator({ symbols: [symbol, "DOGEUSDT"], seed: 77, startTsMs: START_MS });
    sim.advanceTo(START_MS + 5_000); // start mid-stream, as a live client does
    const rebuilt = new RebuiltBook(JSON.parse(sim.depthSnapshot(symbol, 5000)), tickSize);
    let trades: Record<string, any>[] = [];
    let diffs = 0;
    let marketOrders = 0;
    for (let minute = 1; minute <= 4; minute++) {
      for (const frame of sim.advanceTo(START_MS + 5_000 + minute * 60_000)) {
        const { data } = JSON.parse(frame.text);
        if (data.s !== symbol) continue;
        if (data.e === "trade") trades.push(data);
        if (data.e !== "depthUpdate") continue;
        if (trades.length > 0) {
          checkTrades(rebuilt, trades, data);
          marketOrders++;
        }
        trades = [];
        rebuilt.applyDiff(data);
        diffs++;
        expect(rebuilt.book.isCrossed).toBe(false);
      }
      const expected = new RebuiltBook(JSON.parse(sim.depthSnapshot(symbol, 5000)), tickSize);
      expect(rebuilt.lastUpdateId).toBe(expected.lastUpdateId);
      expect(rebuilt.levels(BID)).toEqual(expected.levels(BID));
      expect(rebuilt.levels(ASK)).toEqual(expected.levels(ASK));
    }
    expect(diffs).toBeGreaterThan(4 * 60 * 100);
    expect(marketOrders).toBeGreaterThan(200);
  });
});

/** A market order's trades start at the touch on the side `m` says, walk away from it, and the diff shows what they took. */
function checkTrades(rebuilt: RebuiltBook, trades: Record<string, any>[], diff: Record<string, any>): void {
  const sellerAggressor = trades[0]!.m as boolean;
  const side = rebuilt.book.side(sellerAggressor ? BID : ASK);
  const touch = sellerAggressor ? rebuilt.book.bestBidTicks : rebuilt.book.bestAskTicks;
  expect(rebuilt.ticks(trades[0]!.p)).toBe(touch);
  const changed = new Map<number, number>(((sellerAggressor ? diff.b : diff.a) as [string, string][]).map(([p, q]) => [rebuilt.ticks(p), Number(q)]));
  for (let i = 0; i < trades.length; i++) {
    const trade = trades[i]!;
    expect(trade.m).toBe(sellerAggressor);
    const ticks = rebuilt.ticks(trade.p);
    // Trades walk the resting levels in order, skipping none: the i-th trade is at the i-th level from the touch.
    expect(side.find(ticks)).toBe(i);
    const before = side.qtyAt(ticks);
    const after = changed.get(ticks);
    expect(after).toBeDefined();
    expect(Math.abs(before - Number(trade.q) - after!)).toBeLessThan(1e-9 * Math.max(1, before));
  }
  for (let i = 0; i + 1 < trades.length; i++) expect(changed.get(rebuilt.ticks(trades[i]!.p))).toBe(0);
}

describe("MarketSimulator configuration errors", () => {
  const base = { symbols: ["BTCUSDT"], seed: 1, startTsMs: START_MS };
  test.each([
    ["an unknown symbol", { symbols: ["FOOUSDT"] }, /symbol=FOOUSDT/],
    ["a duplicate symbol", { symbols: ["BTCUSDT", "btcusdt"] }, /configured twice/],
    ["no symbols", { symbols: [] }, /no symbols/],
    ["a fractional seed", { seed: 1.5 }, /seed=1.5/],
    ["a NaN start time", { startTsMs: Number.NaN }, /startTsMs=NaN/],
    ["a zero event rate", { eventsPerSecondPerSymbol: 0 }, /eventsPerSecondPerSymbol=0/],
  ])("%s is rejected", (_label, override, message) => {
    expect(() => new MarketSimulator({ ...base, ...override } as SimConfig)).toThrow(message);
  });

  test("unknown symbols throw UnknownSymbolError; snapshots check symbol and limit", () => {
    expect(() => new MarketSimulator({ ...base, symbols: ["FOOUSDT"] })).toThrow(UnknownSymbolError);
    const sim = new MarketSimulator(base);
    expect(() => sim.depthSnapshot("ETHUSDT")).toThrow(/symbol=ETHUSDT is not simulated/);
    expect(() => sim.depthSnapshot("BTCUSDT", 0)).toThrow(/limit=0/);
    expect(JSON.parse(sim.depthSnapshot("btcusdt", 5)).bids.length).toBe(5);
  });
});
