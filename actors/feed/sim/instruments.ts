/**
 * What the simulator needs to know about each symbol beyond its tick and lot
 * size (src/symbols.ts): a starting price, Binance's display precision, and
 * the order-flow parameters of the queue model (see order-flow.ts).
 *
 * Unknown symbols are rejected with `UnknownSymbolError` rather than given an
 * invented spec: a simulated market with a made-up tick size would look real
 * and be wrong.
 */
import { decimalsOf, KNOWN_SYMBOLS } from "../../../src/symbols.ts";
import type { SymbolSpec } from "../../../src/switchboard.ts";

/** Order-flow intensities in model units (the clock is rescaled afterwards, see order-flow.ts). */
export interface FlowParams {
  /** Limit-order arrival rate per side at distance 1 tick from the opposite best. */
  readonly limitRateAtTouch: number;
  /** lambda(d) = limitRateAtTouch * d^-distanceExponent, d in ticks from the opposite best. */
  readonly distanceExponent: number;
  /** Cancel rate per resting order at distance 1 (orders are counted as queue lots / mean size). */
  readonly cancelRateAtTouch: number;
  /** theta(d) = cancelRateAtTouch * 2^(-cancelDecayPerOctave * floor(log2 d)): deep orders live longer. */
  readonly cancelDecayPerOctave: number;
  /** Market-order rate per side. */
  readonly marketRate: number;
  /** Orders rest at most this many ticks from the opposite best; deeper levels are withdrawn. */
  readonly bandTicks: number;
}

export interface SizeParams {
  readonly minLots: number;
  readonly maxLots: number;
  readonly tailExponent: number;
}

export interface SimInstrument {
  readonly spec: SymbolSpec;
  readonly startPrice: number;
  /** Decimals Binance prints prices with (its `pricePrecision`, e.g. "95000.10" for BTCUSDT). */
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  readonly flow: FlowParams;
  readonly limitSize: SizeParams;
  readonly marketSize: SizeParams;
}

export class UnknownSymbolError extends Error {
  readonly code = "SIM_UNKNOWN_SYMBOL";
  constructor(readonly symbol: string) {
    super(`market simulator: unknown symbol=${symbol}; known symbols: ${Object.keys(STARTS).join(", ")}`);
    this.name = "UnknownSymbolError";
  }
}

export const DEFAULT_FLOW: FlowParams = {
  limitRateAtTouch: 1,
  distanceExponent: 1.2,
  cancelRateAtTouch: 0.8,
  cancelDecayPerOctave: 1.2,
  marketRate: 1,
  bandTicks: 1800,
};

interface StartRow {
  readonly price: number;
  readonly priceDecimals: number;
  readonly limitSize: SizeParams;
  readonly marketSize: SizeParams;
  readonly flow?: Partial<FlowParams>;
}

// Starting prices of late 2024 / 2025. Order sizes are set in notional
// terms and converted to lots: limit orders from about $1k-5k with a tail to
// millions, market orders a fifth of that.
//
// Flow: the touch's arrival rate and the market-order rate set how many ticks
// the price diffuses. Calibrated at 150 events/s so that spreads are mostly
// 1-2 ticks and hourly volatility is about 0.5% for the large-tick symbols
// (SOL, XRP, DOGE, BNB) and as high as the depth allows for BTC and ETH, whose
// ticks are 1e-6 of the price: about 0.1% and 0.27% an hour with 700-750 levels
// a side. (Real BTC moves more ticks because its real event rate is far higher.)
const STARTS: Readonly<Record<string, StartRow>> = {
  BTCUSDT: { price: 95_000, priceDecimals: 2, limitSize: size(50, 100_000, 1.1), marketSize: size(10, 20_000, 1.0), flow: flow(0.7, 1.3) },
  ETHUSDT: { price: 3_400, priceDecimals: 2, limitSize: size(1_000, 3_000_000, 1.1), marketSize: size(200, 600_000, 1.0), flow: flow(0.8, 1.3) },
  SOLUSDT: { price: 180, priceDecimals: 4, limitSize: size(500, 2_500_000, 1.1), marketSize: size(100, 500_000, 1.0), flow: flow(2.5, 1.2) },
  BNBUSDT: { price: 650, priceDecimals: 3, limitSize: size(150, 700_000, 1.1), marketSize: size(30, 150_000, 1.0), flow: flow(1.6, 1) },
  XRPUSDT: { price: 2.3, priceDecimals: 4, limitSize: size(4_000, 20_000_000, 1.1), marketSize: size(800, 4_000_000, 1.0), flow: flow(2.5, 1.2) },
  DOGEUSDT: { price: 0.32, priceDecimals: 6, limitSize: size(3_000, 15_000_000, 1.1), marketSize: size(600, 3_000_000, 1.0), flow: flow(2, 1.2) },
};

function flow(limitRateAtTouch: number, marketRate: number): Partial<FlowParams> {
  return { limitRateAtTouch, marketRate };
}

function size(minLots: number, maxLots: number, tailExponent: number): SizeParams {
  return { minLots, maxLots, tailExponent };
}

export function simInstrumentFor(symbol: string): SimInstrument {
  const key = symbol.toUpperCase();
  const spec = KNOWN_SYMBOLS[key];
  const start = STARTS[key];
  if (!spec || !start) throw new UnknownSymbolError(symbol);
  return {
    spec,
    startPrice: start.price,
    priceDecimals: Math.max(start.priceDecimals, decimalsOf(spec.tickSize)),
    qtyDecimals: decimalsOf(spec.lotSize),
    flow: { ...DEFAULT_FLOW, ...start.flow },
    limitSize: start.limitSize,
    marketSize: start.marketSize,
  };
}
