/**
 * MarketEvents from a recording that has no REST snapshot (the 2024-07-19
 * and 2023-04-05 files): the book is built from the diffs alone, so levels
 * never updated are missing until they change. Near the touch that fills in
 * within seconds; callers skip `warmupMs` of alerts. For false-alarm counts
 * on more hours of clean data, not for book-exactness checks.
 */
import { OrderBook } from "../book/order-book.ts";
import { recordingPath } from "../analytics/recorded-events.ts";
import { specFor } from "../../src/symbols.ts";
import { ASK, BID, TOP_LEVELS, type BookUpdate, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";

export async function loadDiffOnlyEvents(file: string): Promise<{ spec: SymbolSpec; events: MarketEvent[] }> {
  const full = file.includes("/") ? file : recordingPath(file);
  const text = new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await Bun.file(full).arrayBuffer())));
  const symbol = /"s":"([A-Z0-9]+)"/.exec(text)?.[1];
  const spec = symbol ? specFor(symbol) : undefined;
  if (!spec) throw new Error(`recording has no known symbol: file=${full}, symbol=${symbol}`);
  const book = new OrderBook();
  const events: MarketEvent[] = [];
  let lastU = -1;
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space < 0 || !line.includes('"data"')) continue;
    const data = JSON.parse(line.slice(space + 1)).data;
    if (data?.e === "depthUpdate") {
      if (data.u <= lastU) continue;
      lastU = data.u;
      const levels: [number, string, string][] = [...data.b.map((l: string[]) => [BID, l[0], l[1]]), ...data.a.map((l: string[]) => [ASK, l[0], l[1]])];
      const n = levels.length;
      const side = new Uint8Array(n), price = new Float64Array(n), qty = new Float64Array(n);
      levels.forEach(([s, p, q], i) => {
        side[i] = s;
        price[i] = Math.round(Number(p) / spec.tickSize);
        qty[i] = Number(q);
        book.apply(s, price[i]!, qty[i]!);
      });
      const top = (s: number): [Float64Array, Float64Array] => {
        const bs = book.side(s), k = Math.min(TOP_LEVELS, bs.count);
        return [Float64Array.from(bs.priceTicks.subarray(0, k), (p) => p * spec.tickSize), bs.qty.slice(0, k)];
      };
      const [topBidPrice, topBidQty] = top(BID);
      const [topAskPrice, topAskQty] = top(ASK);
      const update: BookUpdate = { kind: "book", symbol: spec.symbol, exchTsMs: data.T, localTsMs: data.T, u: data.u, reset: false, stale: false, levelSide: side, levelPriceTicks: price, levelQty: qty, topBidPrice, topBidQty, topAskPrice, topAskQty };
      events.push(update);
    } else if (data?.e === "trade") {
      const p = Number(data.p);
      events.push({ kind: "trade", symbol: spec.symbol, exchTsMs: data.T, localTsMs: data.T, tradeId: data.t, priceTicks: Math.round(p / spec.tickSize), price: p, qty: Number(data.q), side: data.m ? "sell" : "buy" });
    }
  }
  return { spec, events };
}
