/**
 * Binance USDT-M futures wire text for one symbol, built from integer ticks
 * and lots with template strings (JSON.stringify per frame would cost more
 * than the simulation itself). Field order and number formatting follow the
 * real streams: prices with the contract's `pricePrecision` decimals
 * ("95000.10"), quantities with the lot's decimals ("0.012"), "0.000" to
 * remove a level.
 */
import type { SimInstrument } from "./instruments.ts";
import { ASK_SIDE, BID_SIDE, RING, type SimBook } from "./sim-book.ts";

const QTY_CACHE_LOTS = 4096;

/** A non-negative integer `units` printed with `decimals` decimals: (12345, 2) -> "123.45". */
export function formatUnits(units: number, decimals: number): string {
  const digits = String(units);
  if (decimals === 0) return digits;
  const padded = digits.length > decimals ? digits : "0".repeat(decimals + 1 - digits.length) + digits;
  return `${padded.slice(0, padded.length - decimals)}.${padded.slice(padded.length - decimals)}`;
}

export class FrameText {
  private readonly priceUnitsPerTick: number;
  private readonly qtyUnitsPerLot: number;
  private readonly priceDecimals: number;
  private readonly qtyDecimals: number;
  // Price strings cached per ring slot (tagged with the tick they hold), quantities by lot count.
  private readonly priceCacheTicks = new Float64Array(RING).fill(-1);
  private readonly priceCache: string[] = new Array(RING).fill("");
  private readonly qtyCache: string[] = new Array(QTY_CACHE_LOTS);
  private readonly depthHead: string;
  private readonly depthSymbol: string;
  private readonly tradeHead: string;
  private readonly tradeSymbol: string;
  private readonly aggHead: string;
  private readonly aggSymbol: string;
  // Scratch for sorting one event's level changes.
  private readonly bidTicks = new Float64Array(RING);
  private readonly askTicks = new Float64Array(RING);

  constructor(instrument: SimInstrument) {
    const { spec, priceDecimals, qtyDecimals } = instrument;
    this.priceDecimals = priceDecimals;
    this.qtyDecimals = qtyDecimals;
    this.priceUnitsPerTick = Math.round(spec.tickSize * 10 ** priceDecimals);
    this.qtyUnitsPerLot = Math.round(spec.lotSize * 10 ** qtyDecimals);
    const stream = spec.symbol.toLowerCase();
    this.depthHead = `{"stream":"${stream}@depth@0ms","data":{"e":"depthUpdate","E":`;
    this.depthSymbol = `,"s":"${spec.symbol}","U":`;
    this.tradeHead = `{"stream":"${stream}@trade","data":{"e":"trade","E":`;
    this.tradeSymbol = `,"s":"${spec.symbol}","t":`;
    this.aggHead = `{"stream":"${stream}@aggTrade","data":{"e":"aggTrade","E":`;
    this.aggSymbol = `,"s":"${spec.symbol}","p":"`;
    for (let lots = 0; lots < QTY_CACHE_LOTS; lots++) this.qtyCache[lots] = formatUnits(lots * this.qtyUnitsPerLot, qtyDecimals);
  }

  price(priceTicks: number): string {
    const slot = priceTicks & (RING - 1);
    if (this.priceCacheTicks[slot] === priceTicks) return this.priceCache[slot]!;
    const text = formatUnits(priceTicks * this.priceUnitsPerTick, this.priceDecimals);
    this.priceCacheTicks[slot] = priceTicks;
    this.priceCache[slot] = text;
    return text;
  }

  qty(lots: number): string {
    return lots < QTY_CACHE_LOTS ? this.qtyCache[lots]! : formatUnits(lots * this.qtyUnitsPerLot, this.qtyDecimals);
  }

  /** The diff of the book's current event: every changed level at its new quantity, ascending by price per side. */
  depthUpdate(exchTsMs: number, firstId: number, lastId: number, previousId: number, book: SimBook): string {
    let bidCount = 0;
    let askCount = 0;
    for (let i = 0; i < book.changeCount; i++) {
      if (book.changeSide[i] === BID_SIDE) bidCount = insertSorted(this.bidTicks, bidCount, book.changePriceTicks[i]!);
      else askCount = insertSorted(this.askTicks, askCount, book.changePriceTicks[i]!);
    }
    return `${this.depthHead}${exchTsMs},"T":${exchTsMs}${this.depthSymbol}${firstId},"u":${lastId},"pu":${previousId},"b":[${this.levels(this.bidTicks, bidCount, book)}],"a":[${this.levels(this.askTicks, askCount, book)}]}}`;
  }

  /** `buyerIsMaker`: the aggressor sold (Binance's `m`). */
  trade(exchTsMs: number, tradeId: number, priceTicks: number, lots: number, buyerIsMaker: boolean): string {
    return `${this.tradeHead}${exchTsMs},"T":${exchTsMs}${this.tradeSymbol}${tradeId},"p":"${this.price(priceTicks)}","q":"${this.qty(lots)}","X":"MARKET","m":${buyerIsMaker}}}`;
  }

  aggTrade(exchTsMs: number, aggId: number, firstTradeId: number, lastTradeId: number, priceTicks: number, lots: number, buyerIsMaker: boolean): string {
    return `${this.aggHead}${exchTsMs},"a":${aggId}${this.aggSymbol}${this.price(priceTicks)}","q":"${this.qty(lots)}","f":${firstTradeId},"l":${lastTradeId},"T":${exchTsMs},"m":${buyerIsMaker}}}`;
  }

  /** REST `GET /fapi/v1/depth` body: best level first on both sides. */
  snapshot(lastUpdateId: number, exchTsMs: number, book: SimBook, limit: number): string {
    const prices: number[] = [];
    const lots: number[] = [];
    const side = (which: number) => {
      const n = book.readLevels(which, limit, prices, lots);
      const parts: string[] = new Array(n);
      for (let i = 0; i < n; i++) parts[i] = `["${this.price(prices[i]!)}","${this.qty(lots[i]!)}"]`;
      return parts.join(",");
    };
    return `{"lastUpdateId":${lastUpdateId},"E":${exchTsMs},"T":${exchTsMs},"bids":[${side(BID_SIDE)}],"asks":[${side(ASK_SIDE)}]}`;
  }

  private levels(ticks: Float64Array, count: number, book: SimBook): string {
    if (count === 0) return "";
    let text = `["${this.price(ticks[0]!)}","${this.qty(book.qtyAt(ticks[0]!))}"]`;
    for (let i = 1; i < count; i++) text += `,["${this.price(ticks[i]!)}","${this.qty(book.qtyAt(ticks[i]!))}"]`;
    return text;
  }
}

/** Insertion into an ascending prefix; events change one level, sweeps a handful. */
function insertSorted(values: Float64Array, count: number, value: number): number {
  let i = count;
  while (i > 0 && values[i - 1]! > value) {
    values[i] = values[i - 1]!;
    i--;
  }
  values[i] = value;
  return count + 1;
}
