/**
 * The manipulating agents: each builds one labelled episode as a list of
 * timed actions on the overlay (place, cancel, sweep, print). Actions read
 * the book when they run, so orders sit where the market is at that moment.
 * Sizes and lifetimes come from calibration.ts.
 *
 * Label conventions (what the evaluation matches on):
 * - spoofing / layering / quote_stuffing: `side` is the book side the
 *   synthetic orders rested on; tsEnd is the cancel.
 * - momentum_ignition: `side` is the book side the burst swept (ask for a
 *   buying burst); tsEnd is the last print of the reversal.
 * - wash_trading: `side` is the side of the touch price the first matched
 *   pair printed at; tsEnd is the last print.
 */
import { ASK, BID, type SymbolSpec } from "../../../src/switchboard.ts";
import type { AlertType } from "../alert.ts";
import { FLEETING_LIFETIME_MS, LAYER_SIZE_LEVELS, LOBSTER_CALIBRATION, RESTING_LIFETIME_MS, SPOOF_SIZE_LEVELS, type StreamScale } from "./calibration.ts";
import type { Overlay, SynthOrder } from "./overlay.ts";

export const INJECTABLE_TYPES = ["spoofing", "layering", "quote_stuffing", "momentum_ignition", "wash_trading"] as const satisfies readonly AlertType[];
export type InjectableType = (typeof INJECTABLE_TYPES)[number];

export interface Episode {
  readonly type: InjectableType;
  readonly symbol: string;
  readonly side: "bid" | "ask";
  /** Exchange ms of the first injected message. */
  readonly tsStart: number;
  /** Exchange ms of the cancel (or the last print). */
  readonly tsEnd: number;
  /** The synthetic orders' prices and sizes (sweeps and prints: the levels and quantities traded). */
  readonly priceTicks: readonly number[];
  readonly qty: readonly number[];
  /**
   * Resting episodes only: the real market moved through a synthetic order before the planned
   * cancel. It would have traded there, so what the data shows is not a spoof (an order pulled
   * unfilled) but a fill the overlay could not print: the evaluation leaves such episodes out.
   */
  readonly overrun: boolean;
}

/** An episode while it is being injected: it exists only once its first action found a book. */
export interface Draft {
  readonly label: { type: InjectableType; side: "bid" | "ask"; tsStart: number; tsEnd: number; placed: boolean; priceTicks: number[]; qty: number[]; overrun: boolean };
  readonly actions: { tsMs: number; run(o: Overlay): void }[];
}

export type Rand = () => number;

export interface AgentContext {
  readonly spec: SymbolSpec;
  readonly scale: StreamScale;
}

const uniform = (r: Rand, lo: number, hi: number) => lo + (hi - lo) * r();
const logUniform = (r: Rand, lo: number, hi: number) => Math.exp(uniform(r, Math.log(lo), Math.log(hi)));
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const sideName = (side: number): "bid" | "ask" => (side === BID ? "bid" : "ask");

/** A quantity rounded to whole lots, at least one lot. */
function lots(ctx: AgentContext, qty: number): number {
  const lot = ctx.spec.lotSize;
  const n = Math.max(1, Math.round(qty / lot));
  return Number((n * lot).toFixed(12));
}

/** The touch of `side` on the shown book. */
function best(o: Overlay, side: number): number {
  return side === BID ? o.bestBidTicks() : o.bestAskTicks();
}

/** A price `ticks` behind the touch of `side` (further from the spread). */
function behind(side: number, touchTicks: number, ticks: number): number {
  return side === BID ? touchTicks - ticks : touchTicks + ticks;
}

/**
 * An aggressive order of up to `wantQty` at `side`'s touch, taking what it shows over at most
 * OPPOSITE_WALK_LEVELS levels (a larger order walks a thin book, it does not wait for it).
 * Returns the quantity printed.
 */
function takeShown(o: Overlay, tsMs: number, side: number, wantQty: number, aggressor: "buy" | "sell"): number {
  let price = best(o, side);
  let left = wantQty, printed = 0;
  for (let level = 0; level < OPPOSITE_WALK_LEVELS && left > 0 && !Number.isNaN(price); level++) {
    const qty = Math.min(left, o.shownQty(side, price));
    if (qty > 0) o.trade(tsMs, price, qty, aggressor);
    printed += qty;
    left = Number((left - qty).toFixed(12));
    price = o.nextPriceTicks(side, price);
  }
  return printed;
}

function draft(type: InjectableType, side: number, t0: number): Draft {
  return { label: { type, side: sideName(side), tsStart: t0, tsEnd: t0, placed: false, priceTicks: [], qty: [], overrun: false }, actions: [] };
}

/** Aggressive prints the manipulator sends to the other side while its fake liquidity rests. */
export const OPPOSITE_PRINTS = { min: 3, max: 6 } as const;
/** Their total, as a share of the resting fake size. */
export const OPPOSITE_SHARE = { min: 0.3, max: 0.8 } as const;
/**
 * ...and at least this multiple of what the market's own aggressors have lately traded per side in
 * the same time (the last FLOW_LOOKBACK_MS, at least the stream's mean, StreamScale.aggressorQtyPerSec):
 * in heavy flow a fraction of the fake size is lost in the noise, and a manipulator who trades no
 * more than the market gives it anyway gains nothing from the spoof. Sized on the flow it sees
 * when it starts, as it sizes its distance on the moves it has just seen.
 */
export const OPPOSITE_FLOW_MULTIPLE = { min: 4, max: 8 } as const;
export const FLOW_LOOKBACK_MS = 60_000;
/** The resting agents keep their fake orders this quantile of the price's recent moves over their rest behind the touch... */
export const REACH_QUANTILE = 0.75;
/** ...measured over this much recent market time. */
export const REACH_LOOKBACK_MS = 120_000;
/** A print larger than the opposite touch walks at most this many levels (it takes what is shown). */
export const OPPOSITE_WALK_LEVELS = 5;

/** One or several large orders near the touch, the manipulator's real prints on the other side while they rest, then the cancel. */
function resting(r: Rand, t0: number, ctx: AgentContext, type: "spoofing" | "layering"): Draft {
  const side = r() < 0.5 ? BID : ASK;
  const d = draft(type, side, t0);
  const lifeMs = Math.round(logUniform(r, RESTING_LIFETIME_MS.min, RESTING_LIFETIME_MS.max));
  const count = type === "spoofing" ? 1 : int(r, 3, 5);
  const extraTicks = int(r, 1, 2);
  const range = type === "spoofing" ? SPOOF_SIZE_LEVELS : LAYER_SIZE_LEVELS;
  const sizes = Array.from({ length: count }, () => lots(ctx, uniform(r, range.min, range.max) * ctx.scale.meanLevelQty));
  let orders: SynthOrder[] = [];
  let ended = false;
  /** Set at placement from the flow the manipulator sees then. */
  let oppositeQty = 0;
  const end = (tsMs: number) => {
    ended = true;
    d.label.tsEnd = tsMs;
  };
  d.actions.push({
    tsMs: t0,
    run(o) {
      const touch = best(o, side);
      if (Number.isNaN(touch)) return;
      // Out of reach of the price over the planned rest, as the market has lately moved (p75 of its
      // moves over that horizon in the last REACH_LOOKBACK_MS): a fill would leave the manipulator
      // with a large unwanted position, and it sizes that risk on what it has just seen.
      const offsetTicks = Math.round(o.recentMoveTicks(t0, lifeMs, REACH_LOOKBACK_MS, REACH_QUANTILE)) + extraTicks;
      orders = sizes.map((qty, i) => ({ side, priceTicks: behind(side, touch, offsetTicks + i), qty, live: true, onForcedCancel: (ts: number) => {
        if (ended) return;
        d.label.overrun = true;
        end(ts);
      } }));
      o.place(t0, orders);
      d.label.placed = true;
      d.label.priceTicks = orders.map((x) => x.priceTicks);
      d.label.qty = sizes;
      const flowPerSec = Math.max(ctx.scale.aggressorQtyPerSec, o.recentAggressorQtyPerSec(t0, FLOW_LOOKBACK_MS));
      oppositeQty = Math.max(share * totalQty, flowMultiple * flowPerSec * (lifeMs / 1000));
    },
  });
  // The point of the fake liquidity is the manipulator's real order on the other side: while the
  // spoof rests it executes there, as several aggressive prints at the opposite touch totalling
  // OPPOSITE_SHARE of the resting size (it wants to trade a sizeable fraction of what it fakes),
  // spread over the middle of the rest. Prints are capped by what the opposite touch shows.
  const totalQty = sizes.reduce((a, b) => a + b, 0);
  const prints = int(r, OPPOSITE_PRINTS.min, OPPOSITE_PRINTS.max);
  // One draw sets both (an eager manipulator is eager on both counts; the seeded sequence stays as it was).
  const eagerness = r();
  const flowMultiple = OPPOSITE_FLOW_MULTIPLE.min + eagerness * (OPPOSITE_FLOW_MULTIPLE.max - OPPOSITE_FLOW_MULTIPLE.min);
  const share = OPPOSITE_SHARE.min + eagerness * (OPPOSITE_SHARE.max - OPPOSITE_SHARE.min);
  let printedQty = 0;
  /** One child order: up to `wantQty`, taking what the opposite side shows over a few levels. */
  const print = (o: Overlay, printAt: number, wantQty: (perPrintQty: number) => number) => {
    if (!d.label.placed || ended) return;
    const other = side === BID ? ASK : BID;
    printedQty += takeShown(o, printAt, other, wantQty(lots(ctx, oppositeQty / prints)), other === ASK ? "buy" : "sell");
  };
  let lastPrintAt = t0;
  for (let j = 0; j < prints; j++) {
    const printAt = t0 + Math.round(lifeMs * (0.2 + (0.7 * (j + uniform(r, 0.2, 0.8))) / prints));
    lastPrintAt = Math.max(lastPrintAt, printAt);
    d.actions.push({ tsMs: printAt, run: (o) => print(o, printAt, (perPrintQty) => perPrintQty) });
  }
  // Where the opposite side showed less than the planned prints needed, the manipulator sends up to
  // as many more child orders after them, before the cancel, until it has traded what it planned.
  const extraSpanMs = t0 + Math.round(0.97 * lifeMs) - lastPrintAt;
  for (let k = 1; k <= prints && extraSpanMs > prints; k++) {
    const printAt = lastPrintAt + Math.round((k * extraSpanMs) / (prints + 1));
    d.actions.push({ tsMs: printAt, run: (o) => print(o, printAt, (perPrintQty) => {
      const restQty = oppositeQty - printedQty;
      return restQty < ctx.spec.lotSize ? 0 : Math.min(perPrintQty, lots(ctx, restQty));
    }) });
  }
  d.actions.push({
    tsMs: t0 + lifeMs,
    run(o) {
      if (!d.label.placed) return;
      // After an overrun the layers the market did not reach are still pulled as planned, and the
      // episode (void in the eval) lasts until then: no synthetic order outlives its label.
      const pulled = o.cancel(t0 + lifeMs, orders);
      if (!ended || pulled > 0) end(t0 + lifeMs);
    },
  });
  return d;
}

/** Hundreds of small add/cancel pairs behind the touch in under a second, nothing traded. */
function quoteStuffing(r: Rand, t0: number, ctx: AgentContext): Draft {
  const side = r() < 0.5 ? BID : ASK;
  const d = draft("quote_stuffing", side, t0);
  const pairs = int(r, 200, 500);
  const burstMs = int(r, 300, 900);
  for (let i = 0; i < pairs; i++) {
    const addAt = t0 + Math.floor((i * burstMs) / pairs);
    const cancelAt = addAt + Math.max(1, Math.round(logUniform(r, FLEETING_LIFETIME_MS.min, FLEETING_LIFETIME_MS.max)));
    const offsetTicks = int(r, 1, 5);
    const qty = lots(ctx, uniform(r, 0.5, 1) * ctx.scale.medianTradeQty);
    let order: SynthOrder | null = null;
    d.actions.push({
      tsMs: addAt,
      run(o) {
        const touch = best(o, side);
        if (Number.isNaN(touch)) return;
        order = { side, priceTicks: behind(side, touch, offsetTicks), qty, live: true, onForcedCancel: (ts) => (d.label.tsEnd = Math.max(d.label.tsEnd, ts)) };
        o.place(addAt, [order]);
        if (!d.label.placed) d.label.tsStart = addAt;
        d.label.placed = true;
        d.label.priceTicks.push(order.priceTicks);
        d.label.qty.push(qty);
      },
    });
    d.actions.push({
      tsMs: cancelAt,
      run(o) {
        if (order && o.cancel(cancelAt, [order]) > 0) d.label.tsEnd = Math.max(d.label.tsEnd, cancelAt);
      },
    });
  }
  return d;
}

/** The igniter's taker orders: one algorithm, so a steady cadence (each gap jittered by IGNITION_JITTER around its interval)... */
export const IGNITION_STEPS = { min: 4, max: 7 } as const;
export const IGNITION_CADENCE_MS = { min: 20, max: 80 } as const;
export const IGNITION_JITTER = 0.25;
/**
 * ...that push the touch at least 3-6 levels and at least this multiple of the IGNITION_REACH_QUANTILE
 * of the price's moves over the burst in the last REACH_LOOKBACK_MS: a push inside the market's own
 * noise triggers nobody, so in a volatile minute the igniter must go further (sized on what it has
 * just seen, as the resting agents size their distance).
 */
export const IGNITION_REACH_MULTIPLE = { min: 1.5, max: 3 } as const;
export const IGNITION_REACH_QUANTILE = 0.9;
/** It waits this long at the peak for others to join in... */
export const IGNITION_HOLD_MS = { min: 300, max: 1000 } as const;
/** ...then unwinds: 2-4 aggressive prints the other way totalling this share of what the push bought (or sold). */
export const UNWIND_SHARE = { min: 0.5, max: 1 } as const;
export const UNWIND_PRINTS = { min: 2, max: 4 } as const;
/** One taker order walks at most this many levels (a book too thin for the planned push ends it sooner). */
const MAX_SWEEP_LEVELS = 200;

/**
 * A push of 4-7 taker orders at a steady cadence, each taking whole touch levels until the touch has
 * moved its share of the planned distance; the move held 0.3-1 s; then the igniter unwinds what it
 * took with aggressive prints on the other side (each walking at most OPPOSITE_WALK_LEVELS levels)
 * and the swept liquidity returns to where it was with the last of them.
 */
function momentumIgnition(r: Rand, t0: number, ctx: AgentContext): Draft {
  const aggressor = r() < 0.5 ? "buy" : "sell";
  const swept = aggressor === "buy" ? ASK : BID;
  const other = swept === ASK ? BID : ASK;
  const d = draft("momentum_ignition", swept, t0);
  const steps = int(r, IGNITION_STEPS.min, IGNITION_STEPS.max);
  const cadenceMs = uniform(r, IGNITION_CADENCE_MS.min, IGNITION_CADENCE_MS.max);
  const minLevels = int(r, 3, 6);
  const reachMultiple = uniform(r, IGNITION_REACH_MULTIPLE.min, IGNITION_REACH_MULTIPLE.max);
  const stepAt: number[] = [];
  let t = t0;
  for (let i = 0; i < steps; i++) {
    stepAt.push(Math.round(t));
    t += cadenceMs * uniform(r, 1 - IGNITION_JITTER, 1 + IGNITION_JITTER);
  }
  const burstMs = stepAt[steps - 1]! - t0;
  let startTicks = Number.NaN;
  let targetTicks = 0;
  let takenQty = 0;
  for (let i = 0; i < steps; i++) {
    const at = stepAt[i]!;
    d.actions.push({
      tsMs: at,
      run(o) {
        if (i > 0 && !d.label.placed) return;
        let touch = best(o, swept);
        if (Number.isNaN(touch)) return;
        if (i === 0) {
          startTicks = touch;
          targetTicks = Math.max(minLevels, Math.ceil(reachMultiple * o.recentMoveTicks(t0, Math.max(250, burstMs), REACH_LOOKBACK_MS, IGNITION_REACH_QUANTILE)));
        }
        // This order's share of the push: whole levels until the touch is past it (at least one level).
        const goalTicks = Math.ceil((targetTicks * (i + 1)) / steps);
        for (let level = 0; level < MAX_SWEEP_LEVELS; level++) {
          const qty = o.shownQty(swept, touch);
          o.trade(at, touch, qty, aggressor);
          o.consume(at, swept, touch);
          takenQty += qty;
          d.label.placed = true;
          d.label.priceTicks.push(touch);
          d.label.qty.push(qty);
          d.label.tsEnd = at;
          touch = best(o, swept);
          if (Number.isNaN(touch) || Math.abs(touch - startTicks) >= goalTicks) break;
        }
      },
    });
  }
  const prints = int(r, UNWIND_PRINTS.min, UNWIND_PRINTS.max);
  const unwindShare = uniform(r, UNWIND_SHARE.min, UNWIND_SHARE.max);
  let at = stepAt[steps - 1]! + int(r, IGNITION_HOLD_MS.min, IGNITION_HOLD_MS.max);
  for (let j = 0; j < prints; j++) {
    const printAt = at;
    d.actions.push({
      tsMs: printAt,
      run(o) {
        if (!d.label.placed || Number.isNaN(best(o, other))) return;
        takeShown(o, printAt, other, lots(ctx, (unwindShare * takenQty) / prints), aggressor === "buy" ? "sell" : "buy");
        d.label.tsEnd = printAt;
      },
    });
    if (j < prints - 1) at += int(r, 20, 80);
  }
  // The liquidity is back as the last unwind print goes through (the episode ends there: nothing synthetic is left).
  const restoreAt = at;
  d.actions.push({
    tsMs: restoreAt,
    run(o) {
      if (!d.label.placed) return;
      o.restore(restoreAt);
      d.label.tsEnd = restoreAt;
    },
  });
  return d;
}

/** 1-3 pairs of opposite prints, identical price and size, each pair within 100 ms, no book change. */
function washTrading(r: Rand, t0: number, ctx: AgentContext): Draft {
  const priceSide = r() < 0.5 ? BID : ASK;
  const d = draft("wash_trading", priceSide, t0);
  const pairs = int(r, 1, 3);
  let t = t0;
  for (let p = 0; p < pairs; p++) {
    const first = r() < 0.5 ? "buy" : "sell";
    const qty = lots(ctx, uniform(r, 1, LOBSTER_CALIBRATION.sizeP99OverMedian) * ctx.scale.medianTradeQty);
    const at1 = t;
    const at2 = t + int(r, 1, 99);
    let price = Number.NaN;
    d.actions.push({
      tsMs: at1,
      run(o) {
        price = best(o, priceSide);
        if (Number.isNaN(price)) return;
        o.trade(at1, price, qty, first);
        if (!d.label.placed) d.label.tsStart = at1;
        d.label.placed = true;
        d.label.priceTicks.push(price);
        d.label.qty.push(qty);
      },
    });
    d.actions.push({
      tsMs: at2,
      run(o) {
        if (Number.isNaN(price)) return;
        o.trade(at2, price, qty, first === "buy" ? "sell" : "buy");
        d.label.tsEnd = at2;
      },
    });
    t = at2 + int(r, 200, 600);
  }
  return d;
}

export function buildEpisode(type: InjectableType, r: Rand, t0: number, ctx: AgentContext): Draft {
  switch (type) {
    case "spoofing":
    case "layering":
      return resting(r, t0, ctx, type);
    case "quote_stuffing":
      return quoteStuffing(r, t0, ctx);
    case "momentum_ignition":
      return momentumIgnition(r, t0, ctx);
    case "wash_trading":
      return washTrading(r, t0, ctx);
  }
}
