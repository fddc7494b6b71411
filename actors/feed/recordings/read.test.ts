/** The reader on every shared recording: detection by content, the README's counts, time order, symbols, and a gap-free book sync. */
import { describe, expect, test } from "bun:test";
import type { RawFrame } from "../../../src/switchboard.ts";
import { sharedDataFile } from "../../../src/shared-data.ts";
import { decodeFrame, type DepthDiffMsg, type SnapshotMsg } from "../../book/binance-decode.ts";
import { BookSync } from "./book-sync.testkit.ts";
import { readHeadLines } from "./lines.ts";
import { detectFormat, discoverSymbols, newReadStats, readExchangeInfoTickSizes, readRecording, type RecordingFormat } from "./read.ts";

const hft = (name: string) => sharedDataFile(`binance-usdm/hftbacktest/${name}`);
const cf = (name: string) => sharedDataFile(`binance-usdm/cryptofeed/${name}`);
const tardis = (name: string) => sharedDataFile(`tardis/${name}`);

async function readAll(paths: string[], batchFrames?: number): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const batch of readRecording(paths, { batchFrames })) frames.push(...batch);
  return frames;
}

function expectTimeOrdered(frames: readonly RawFrame[]): void {
  let backwards = 0;
  for (let i = 1; i < frames.length; i++) if (frames[i]!.localTsMs < frames[i - 1]!.localTsMs) backwards++;
  expect(backwards).toBe(0);
}

function decodedKinds(frames: readonly RawFrame[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const frame of frames) {
    const msg = decodeFrame(frame.text, frame.symbol);
    const kind = msg.kind === "ignored" ? msg.eventType : msg.kind;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

async function sync(paths: string[], guessAll = false): Promise<BookSync["report"]> {
  const books = new BookSync({}, guessAll);
  for await (const batch of readRecording(paths)) books.push(batch);
  return books.report;
}

describe("detectFormat", () => {
  test.each<[string, RecordingFormat]>([
    [hft("btcusdt_20230404.dat.gz"), "hftbacktest"],
    [hft("btcusdt_20230405.dat.gz"), "hftbacktest"],
    [hft("btcusdt_20240718.gz"), "hftbacktest"],
    [hft("btcusdt_20240719.gz"), "hftbacktest"],
    [hft("ethusdt_20240718.gz"), "hftbacktest"],
    [hft("ethusdt_20240719.gz"), "hftbacktest"],
    [cf("BINANCE_FUTURES-1125a2.0"), "cryptofeed"],
    [cf("BINANCE_FUTURES.0"), "cryptofeed"],
    [cf("BINANCE_FUTURES.http.0.0"), "cryptofeed"],
    [cf("BINANCE_FUTURES.http.4.0"), "cryptofeed"],
    [cf("BINANCE_FUTURES.ws.1.0"), "cryptofeed"],
    [cf("BINANCE_FUTURES.ws.5.0"), "cryptofeed"],
    [tardis("tardis__binance-futures_book_snapshot_25_BTCUSDT.csv"), "tardis-book-snapshot"],
    [tardis("tardis__binance-futures_book_snapshot_5_BTCUSDT.csv"), "tardis-book-snapshot"],
    [tardis("tardis__deribit_incremental_book_L2_BTC-PERPETUAL.csv"), "tardis-incremental-l2"],
    [tardis("tardis__quotes.csv"), "tardis-quotes"],
    [tardis("tardis__trades.csv"), "tardis-trades"],
  ])("%s is %s", async (path, format) => {
    expect(detectFormat((await readHeadLines(path, 5)).join("\n"))).toBe(format);
  });

  test("unknown content is an error that quotes what it saw", () => {
    expect(() => detectFormat("time,price,size\n1,2,3")).toThrow(/unrecognised recording format.*time,price,size/);
    expect(() => detectFormat("\n\n")).toThrow(/no text/);
    expect(() => detectFormat('1721347020 {"e":"x"}')).toThrow(/unrecognised/);
  });
});

describe("hftbacktest files", () => {
  // README table: lines, depthUpdate, trade, snapshot, first and last receive second (UTC).
  test.each([
    ["btcusdt_20230404.dat.gz", 13_384, 4_322, 2_197, 1, "2023-04-04T23:58:20", "2023-04-04T23:59:59"],
    ["btcusdt_20230405.dat.gz", 60_381, 11_788, 10_738, 0, "2023-04-05T00:00:00", "2023-04-05T00:06:54"],
    ["btcusdt_20240718.gz", 11_414, 3_326, 974, 1, "2024-07-18T23:57:00", "2024-07-18T23:59:58"],
    ["btcusdt_20240719.gz", 60_570, 5_696, 9_727, 0, "2024-07-19T00:00:00", "2024-07-19T00:05:00"],
    ["ethusdt_20240718.gz", 14_003, 3_273, 1_640, 1, "2024-07-18T23:57:01", "2024-07-18T23:59:58"],
    ["ethusdt_20240719.gz", 55_910, 5_656, 12_015, 0, "2024-07-19T00:00:00", "2024-07-19T00:05:00"],
  ])("%s: %d lines, %d diffs, %d trades, %d snapshot", async (name, lines, diffs, trades, snapshots, firstSecond, lastSecond) => {
    const stats = newReadStats();
    const frames: RawFrame[] = [];
    for await (const batch of readRecording([hft(name)], { stats })) frames.push(...batch);
    expect(frames.length).toBe(lines);
    expect(stats).toMatchObject({ lines, frames: lines, malformedLines: 0, unattributedSnapshots: 0, truncatedFiles: 0 });
    const kinds = decodedKinds(frames);
    expect([kinds.depth, kinds.trade, kinds.snapshot ?? 0, kinds.malformed ?? 0]).toEqual([diffs, trades, snapshots, 0]);
    expectTimeOrdered(frames);
    expect(new Date(frames[0]!.localTsMs).toISOString().slice(0, 19)).toBe(firstSecond);
    expect(new Date(frames.at(-1)!.localTsMs).toISOString().slice(0, 19)).toBe(lastSecond);
    // Websocket lines pass through byte for byte; only the bare REST snapshot gets a symbol.
    const symbol = name.split("_")[0]!.toUpperCase();
    for (const frame of frames) {
      if (frame.symbol !== undefined) {
        expect(frame.symbol).toBe(symbol);
        expect(frame.text).toStartWith('{"lastUpdateId"');
      } else expect(frame.text).toStartWith(`{"stream":"${symbol.toLowerCase()}@`);
    }
    expect(await discoverSymbols([hft(name)])).toEqual([symbol]);
  });

  test("ns receive times keep sub-microsecond digits; us files read as us", async () => {
    const [ns] = await readAll([hft("btcusdt_20240718.gz")], 1);
    // First line: 1721347020984480942 ns.
    expect(ns!.localTsMs).toBeCloseTo(1721347020984.480942, 3);
    const [us] = await readAll([hft("btcusdt_20230404.dat.gz")], 1);
    expect(us!.localTsMs).toBe(1680652700423.575);
  });

  test("a day pair merges into one session: the second file follows the first", async () => {
    const first = await readAll([hft("btcusdt_20240718.gz")]);
    const second = await readAll([hft("btcusdt_20240719.gz")]);
    const merged = await readAll([hft("btcusdt_20240719.gz"), hft("btcusdt_20240718.gz")], 700);
    expect(merged.length).toBe(first.length + second.length);
    expect(merged.map((f) => f.text)).toEqual([...first, ...second].map((f) => f.text));
  });

  test("four files (two symbols, two days) interleave by receive time", async () => {
    const paths = ["btcusdt_20240718.gz", "ethusdt_20240718.gz", "btcusdt_20240719.gz", "ethusdt_20240719.gz"].map(hft);
    const frames = await readAll(paths);
    expect(frames.length).toBe(11_414 + 14_003 + 60_570 + 55_910);
    expectTimeOrdered(frames);
    expect(await discoverSymbols(paths)).toEqual(["BTCUSDT", "ETHUSDT"]);
  });

  test.each([
    [["btcusdt_20230404.dat.gz", "btcusdt_20230405.dat.gz"]],
    [["btcusdt_20240718.gz", "ethusdt_20240718.gz", "btcusdt_20240719.gz", "ethusdt_20240719.gz"]],
  ])("%p: the book syncs once and never gaps or crosses", async (names) => {
    const report = await sync(names.map(hft));
    expect(report.gaps).toEqual([]);
    expect(report.snapshotRequests).toBe(0);
    expect(report.crossedFrames).toBe(0);
    expect(report.malformed).toEqual([]);
    for (const book of report.books.values()) {
      expect(book.state).toBe("live");
      expect(book.counts.applied).toBeGreaterThan(8_000);
    }
  });
});

describe("cryptofeed files", () => {
  test("BINANCE_FUTURES-1125a2.0: every line accounted for, REST snapshots with their symbol, each overtaking 2 to 9 diffs", async () => {
    const stats = newReadStats();
    const frames: RawFrame[] = [];
    for await (const batch of readRecording([cf("BINANCE_FUTURES-1125a2.0")], { stats })) frames.push(...batch);
    expect(stats).toMatchObject({ lines: 8_428, frames: 8_426, skippedLines: 2, malformedLines: 0 });
    expect(decodedKinds(frames)).toEqual({ depth: 4_423, snapshot: 5, aggTrade: 574, bookTicker: 3_424 });
    expectTimeOrdered(frames);
    const snapshots = frames.filter((f) => f.symbol !== undefined);
    expect(snapshots.map((f) => f.symbol)).toEqual(["BATUSDT", "CTKUSDT", "NEOUSDT", "SANDUSDT", "CHRUSDT"]);
    // The README's "2 to 9 buffered diffs": each snapshot makes 2 to 9 diffs of its symbol obsolete (u < lastUpdateId), at least one received before it.
    for (const snapshot of snapshots) {
      const { lastUpdateId } = decodeFrame(snapshot.text, snapshot.symbol) as SnapshotMsg;
      const diffs = frames.map((f) => decodeFrame(f.text)).filter((m): m is DepthDiffMsg => m.kind === "depth" && m.symbol === snapshot.symbol);
      const obsolete = diffs.filter((m) => m.finalUpdateId < lastUpdateId).length;
      expect(obsolete).toBeGreaterThanOrEqual(2);
      expect(obsolete).toBeLessThanOrEqual(9);
      const receivedBefore = frames.slice(0, frames.indexOf(snapshot)).filter((f) => f.text.startsWith(`{"stream":"${snapshot.symbol!.toLowerCase()}@depth@`));
      expect(receivedBefore.length).toBeGreaterThanOrEqual(1);
    }
    expect(await discoverSymbols([cf("BINANCE_FUTURES-1125a2.0")])).toEqual(["BATUSDT", "CHRUSDT", "CTKUSDT", "NEOUSDT", "SANDUSDT"]);
  });

  test.each([
    ["BINANCE_FUTURES.ws.1.0", "BINANCE_FUTURES.http.0.0", 1_535, ["AKROUSDT", "CTKUSDT", "KEEPUSDT", "SUSHIUSDT"]],
    ["BINANCE_FUTURES.ws.5.0", "BINANCE_FUTURES.http.4.0", 3_259, ["DENTUSDT", "KSMUSDT", "XMRUSDT", "YFIUSDT"]],
  ])("%s + %s interleave by time, whatever the argument order", async (ws, http, wsFrames, symbols) => {
    const merged = await readAll([cf(ws), cf(http)]);
    const reversed = await readAll([cf(http), cf(ws)]);
    expect(merged.length).toBe(wsFrames + 4);
    expect(reversed.map((f) => f.text)).toEqual(merged.map((f) => f.text));
    expectTimeOrdered(merged);
    const snapshotAt = merged.flatMap((f, i) => (f.symbol !== undefined ? [i] : []));
    expect(snapshotAt.length).toBe(4);
    // Interleaved: each snapshot sits among websocket frames, not all at one end.
    expect(snapshotAt[0]).toBeGreaterThan(0);
    expect(snapshotAt[3]).toBeLessThan(merged.length - 100);
    expect(merged.filter((f) => f.symbol !== undefined).map((f) => f.symbol).sort()).toEqual(symbols);
    expect(await discoverSymbols([cf(ws), cf(http)])).toEqual(symbols);
  });

  test.each([[["BINANCE_FUTURES-1125a2.0"]], [["BINANCE_FUTURES.ws.1.0", "BINANCE_FUTURES.http.0.0"]], [["BINANCE_FUTURES.ws.5.0", "BINANCE_FUTURES.http.4.0"]]])(
    "%p: every symbol syncs from its REST snapshot without a gap",
    async (names) => {
      const report = await sync(names.map(cf));
      expect(report.gaps).toEqual([]);
      expect(report.snapshotRequests).toBe(0);
      expect(report.crossedFrames).toBe(0);
      expect(report.books.size).toBeGreaterThanOrEqual(4);
      for (const book of report.books.values()) {
        expect(book.state).toBe("live");
        expect(book.counts.applied).toBeGreaterThan(100);
      }
    },
  );

  test("BINANCE_FUTURES.0 holds only exchangeInfo: no frames, but tick and lot sizes", async () => {
    expect(await readAll([cf("BINANCE_FUTURES.0")])).toEqual([]);
    const specs = await readExchangeInfoTickSizes(cf("BINANCE_FUTURES.0"));
    const body = (await Bun.file(cf("BINANCE_FUTURES.0")).text()).split("\n")[0]!.split(": ").slice(1).join(": ");
    const info = JSON.parse(body) as { symbols: { symbol: string; filters: { filterType: string; tickSize?: string; stepSize?: string }[] }[] };
    expect(Object.keys(specs).length).toBe(info.symbols.length);
    for (const entry of info.symbols) {
      const tick = entry.filters.find((f) => f.filterType === "PRICE_FILTER")!.tickSize;
      const step = entry.filters.find((f) => f.filterType === "LOT_SIZE")!.stepSize;
      expect(specs[entry.symbol]).toEqual({ symbol: entry.symbol, tickSize: Number(tick), lotSize: Number(step) });
    }
    expect(specs.SUSHIUSDT).toBeDefined();
    expect(await readExchangeInfoTickSizes(cf("BINANCE_FUTURES.ws.1.0"))).toEqual({});
  });
});

describe("Tardis CSV files", () => {
  const csvRows = async (name: string) => (await Bun.file(tardis(name)).text()).trim().split("\n").slice(1).map((row) => row.split(","));

  test("trades: one Binance trade per row, ids, sides and text kept", async () => {
    const frames = await readAll([tardis("tardis__trades.csv")]);
    const rows = await csvRows("tardis__trades.csv");
    expect(frames.length).toBe(rows.length);
    expectTimeOrdered(frames);
    frames.forEach((frame, i) => {
      const [, symbol, ts, localTs, id, side, price, amount] = rows[i]!;
      const msg = decodeFrame(frame.text);
      if (msg.kind !== "trade") throw new Error(`row ${i}: ${JSON.stringify(msg)}`);
      expect([msg.symbol, msg.tradeId, msg.buyerIsMaker, msg.exchTsMs, frame.localTsMs]).toEqual([symbol!, Number(id), side === "sell", Number(ts) / 1000, Number(localTs) / 1000]);
      expect(frame.text).toContain(`"p":"${price}","q":"${amount}"`);
    });
  });

  test.each(["tardis__quotes.csv", "tardis__binance-futures_book_snapshot_5_BTCUSDT.csv", "tardis__binance-futures_book_snapshot_25_BTCUSDT.csv"])(
    "%s: one snapshot per row, which the book takes without crossing",
    async (name) => {
      const rows = await csvRows(name);
      const report = await sync([tardis(name)], true);
      expect(report.kinds).toEqual({ snapshot: rows.length });
      expect(report.updates.BTCUSDT).toBe(rows.length);
      expect(report.gaps).toEqual([]);
      expect(report.crossedFrames).toBe(0);
      expect(report.books.get("BTCUSDT")!.spec.tickSize).toBe(0.01);
    },
  );

  test("deribit incremental_book_L2: the snapshot run becomes one snapshot, BTC-PERPETUAL kept", async () => {
    const frames = await readAll([tardis("tardis__deribit_incremental_book_L2_BTC-PERPETUAL.csv")]);
    expect(frames.length).toBe(1);
    expect(frames[0]!.symbol).toBe("BTC-PERPETUAL");
    const msg = decodeFrame(frames[0]!.text, frames[0]!.symbol);
    if (msg.kind !== "snapshot") throw new Error(JSON.stringify(msg));
    expect(msg.levels.bidCount).toBe(0);
    expect([...msg.levels.prices]).toEqual(Array.from({ length: 15 }, (_, i) => 6421.5 + i * 0.5));
    expect(frames[0]!.text).toContain('"asks":[["6421.5","18640"],["6422","1190"]');
    expect(await discoverSymbols([tardis("tardis__deribit_incremental_book_L2_BTC-PERPETUAL.csv")])).toEqual(["BTC-PERPETUAL"]);
    const report = await sync([tardis("tardis__deribit_incremental_book_L2_BTC-PERPETUAL.csv")]);
    expect(report.gaps).toEqual([]);
    expect(report.books.get("BTC-PERPETUAL")!.state).toBe("live");
  });
});
