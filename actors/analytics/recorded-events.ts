/**
 * Turns a real Binance USDT-M recording (nkaz001/hftbacktest format, gzip,
 * one `<local receive ts> <raw websocket JSON>` per line) into the
 * MarketEvents the book actor would emit, for tests and benchmarks.
 *
 * The stream starts at the REST snapshot (a reset BookUpdate holding the
 * whole book). The recorder writes the snapshot when its REST reply arrives,
 * so the diffs received while it was in flight sit before it in the file:
 * they are buffered, and every diff with `u >= lastUpdateId` is applied in
 * order. The first applied diff must straddle the snapshot
 * (`U <= lastUpdateId <= u`) and every later one must chain on `pu`. Trades after the snapshot are kept, `m: true` (buyer is
 * maker) meaning the aggressor sold. Exchange time is the transaction time
 * `T` of each message.
 */
import { SHARED_DATA_DIR } from "../../src/shared-data.ts";
import path from "node:path";
import { OrderBook, topLevels } from "../book/order-book.ts";
import { specFor } from "../../src/symbols.ts";
import { ASK, BID, type BookUpdate, type MarketEvent, type SymbolSpec, type Trade } from "../../src/switchboard.ts";

export interface RecordedEvents {
  readonly spec: SymbolSpec;
  readonly events: MarketEvent[];
}

/** The shared real-data folder (env GENESIS_DATA, else ../shared/data beside the repo). */
export function dataDir(): string {
  return SHARED_DATA_DIR;
}

/** Recordings that contain a REST snapshot, so a book can be built from them. */
export const RECORDINGS_WITH_SNAPSHOT = ["btcusdt_20240718.gz", "ethusdt_20240718.gz", "btcusdt_20230404.dat.gz"] as const;

export function recordingPath(file: string): string {
  return path.join(dataDir(), "binance-usdm", "hftbacktest", file);
}

type Level = [string, string];

/** `file` is a path, or a bare name resolved under the shared hftbacktest folder. */
export async function loadRecordedEvents(file: string): Promise<RecordedEvents> {
  const full = file.includes("/") ? file : recordingPath(file);
  const bytes = Bun.gunzipSync(new Uint8Array(await Bun.file(full).arrayBuffer()));
  const lines = new TextDecoder().decode(bytes).split("\n");

  let symbol: string | undefined;
  for (const line of lines) {
    const match = /"s":"([A-Z0-9]+)"/.exec(line);
    if (match) {
      symbol = match[1]!;
      break;
    }
  }
  const spec = symbol ? specFor(symbol) : undefined;
  if (!spec) throw new Error(`recording has no known symbol: file=${full}, symbol=${symbol}`);

  const book = new OrderBook();
  const events: MarketEvent[] = [];
  let lastUpdateId = -1;
  let previousU = -1;
  const early: { data: any; localTsMs: number; lineNo: number }[] = [];
  const applyDiff = (data: any, localTsMs: number, lineNo: number): void => {
    if (data.u < lastUpdateId) return;
    if (previousU < 0) {
      if (data.U > lastUpdateId) throw new Error(`first diff does not straddle the snapshot: U=${data.U}, lastUpdateId=${lastUpdateId}, line=${lineNo + 1}`);
    } else if (data.pu !== previousU) {
      throw new Error(`diff chain broken: pu=${data.pu}, previous u=${previousU}, line=${lineNo + 1}`);
    }
    previousU = data.u;
    events.push(bookUpdate(spec, book, false, data.b, data.a, data.T, localTsMs, data.u));
  };
  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo]!;
    const space = line.indexOf(" ");
    if (space < 0) continue;
    const localTsMs = toMs(Number(line.slice(0, space)));
    const message = JSON.parse(line.slice(space + 1));
    if (message.lastUpdateId !== undefined) {
      if (lastUpdateId >= 0) continue; // only the first snapshot seeds the book
      lastUpdateId = message.lastUpdateId;
      events.push(bookUpdate(spec, book, true, message.bids, message.asks, message.T, localTsMs, lastUpdateId));
      for (const buffered of early) applyDiff(buffered.data, buffered.localTsMs, buffered.lineNo);
      early.length = 0;
      continue;
    }
    const data = message.data;
    if (lastUpdateId < 0) {
      if (data?.e === "depthUpdate") early.push({ data, localTsMs, lineNo });
      continue;
    }
    if (data?.e === "depthUpdate") {
      applyDiff(data, localTsMs, lineNo);
    } else if (data?.e === "trade") {
      const price = Number(data.p);
      const trade: Trade = {
        kind: "trade",
        symbol: spec.symbol,
        exchTsMs: data.T,
        localTsMs,
        tradeId: data.t,
        priceTicks: Math.round(price / spec.tickSize),
        price,
        qty: Number(data.q),
        side: data.m ? "sell" : "buy",
      };
      events.push(trade);
    }
  }
  if (lastUpdateId < 0) throw new Error(`recording has no REST snapshot: file=${full}`);
  return { spec, events };
}

/** A `bookTicker` message: the exchange's own best bid/ask after update `u`. */
export interface BookTicker {
  readonly u: number;
  readonly bidPrice: number;
  readonly bidQty: number;
  readonly askPrice: number;
  readonly askQty: number;
}

/** The bookTicker messages of a recording, an independent check of a rebuilt book. */
export async function loadBookTickers(file: string): Promise<BookTicker[]> {
  const full = file.includes("/") ? file : recordingPath(file);
  const text = new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await Bun.file(full).arrayBuffer())));
  const out: BookTicker[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes("bookTicker")) continue;
    const data = JSON.parse(line.slice(line.indexOf(" ") + 1)).data;
    out.push({ u: data.u, bidPrice: Number(data.b), bidQty: Number(data.B), askPrice: Number(data.a), askQty: Number(data.A) });
  }
  return out;
}

/** Local receive stamps are nanoseconds (2024 files) or microseconds (`.dat.gz`). */
function toMs(stamp: number): number {
  return stamp > 1e17 ? stamp / 1e6 : stamp > 1e14 ? stamp / 1e3 : stamp;
}

function bookUpdate(
  spec: SymbolSpec,
  book: OrderBook,
  reset: boolean,
  bids: Level[],
  asks: Level[],
  exchTsMs: number,
  localTsMs: number,
  u: number,
): BookUpdate {
  const n = bids.length + asks.length;
  const levelSide = new Uint8Array(n);
  const levelPriceTicks = new Float64Array(n);
  const levelQty = new Float64Array(n);
  if (reset) book.clear();
  let i = 0;
  for (const [side, levels] of [[BID, bids], [ASK, asks]] as const) {
    for (const [price, qty] of levels) {
      levelSide[i] = side;
      levelPriceTicks[i] = Math.round(Number(price) / spec.tickSize);
      levelQty[i] = Number(qty);
      book.apply(side, levelPriceTicks[i]!, levelQty[i]!);
      i++;
    }
  }
  const [topBidPrice, topBidQty] = topLevels(book, BID, spec.tickSize);
  const [topAskPrice, topAskQty] = topLevels(book, ASK, spec.tickSize);
  return {
    kind: "book",
    symbol: spec.symbol,
    exchTsMs,
    localTsMs,
    u,
    reset,
    stale: false,
    levelSide,
    levelPriceTicks,
    levelQty,
    topBidPrice,
    topBidQty,
    topAskPrice,
    topAskQty,
  };
}
