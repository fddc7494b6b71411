/**
 * Spoofing: one large order (size >= sizeMultiple x the adaptive reference)
 * placed near the touch, resting briefly, removed by cancellation rather
 * than trading, while the other side traded unusually (the manipulator's
 * real business, tested by aggressor-flow.ts against that side's own
 * recent flow). Distances are in units of the symbol's volatility over the
 * order's life. Judged when the episode closes (plus the lifecycle's settle
 * time), so detection follows the cancel within a few hundred ms.
 */
import type { Alert } from "../alert.ts";
import type { Episode } from "../lifecycle.ts";
import type { SpoofingParams } from "../params.ts";
import { flowEvidence, type AggressorFlow, type FlowTest } from "./aggressor-flow.ts";
import type { MidReach } from "./price-reach.ts";

/** What the resting-order checks measure an episode against: the symbol's own flow and price moves. */
export interface MarketContext {
  readonly flow: AggressorFlow;
  readonly reach: MidReach;
}
import { clamp01, makeAlert, round, sideName } from "./make-alert.ts";

export interface SpoofCheck {
  readonly sizeMultiple: number;
  readonly moveAwayTicks: number;
  readonly lifetimeMs: number;
  readonly tradedFraction: number;
  /** The opposite side's flow while the order rested (null when only the move qualified it). */
  readonly flow: FlowTest | null;
  /** The distance allowance used (ticks). */
  readonly slackTicks: number;
}

/** The qualifying measurements of an episode, or null when it is not a spoof candidate. Cheap checks first. */
export function spoofMeasures(ep: Episode, p: SpoofingParams, market: MarketContext): SpoofCheck | null {
  if (!(ep.refQty > 0)) return null;
  const sizeMultiple = ep.addedQty / ep.refQty;
  if (sizeMultiple < p.sizeMultiple) return null;
  const lifetimeMs = ep.endTsMs - ep.startTsMs;
  if (lifetimeMs > p.maxLifetimeMs || lifetimeMs < p.minLifetimeMs) return null;
  const tradedFraction = ep.tradedQty / ep.addedQty;
  if (tradedFraction > p.maxTradedFraction || ep.levelTradedQty > p.maxLevelTradedFraction * ep.addedQty) return null;
  const reachTicks = market.reach.ticks(lifetimeMs);
  const slackTicks = p.distVolMultiple * reachTicks;
  if (ep.distTicksAtAdd > p.maxDistTicks + slackTicks || ep.distTicksAtAdd < p.minDistTicks) return null;
  if (ep.distTicksAtEnd > p.maxDistTicksAtCancel + p.cancelVolMultiple * reachTicks) return null;
  // A bid spoof pushes the price up (away from the bid); an ask spoof pushes it down.
  const moveAwayTicks = ((ep.mid2AtEnd - ep.mid2AtAdd) / 2) * (ep.side === 0 ? 1 : -1);
  // Price running into the order (a quote pulled before it is hit) is risk management, not
  // spoofing; a move within the usual noise (the same volatility slack) is no evidence either way.
  if (moveAwayTicks < -(p.maxMoveIntoTicks + slackTicks)) return null;
  // A price that ran away much further than usual left the order behind (a rally, see maxDistTicksAtCancel).
  if (moveAwayTicks > p.maxMoveAwayTicks + p.cancelVolMultiple * reachTicks) return null;
  const moved = moveAwayTicks >= p.minMoveTicks;
  let test: FlowTest | null = null;
  if (ep.oppositeQty >= p.minOppositeFraction * ep.addedQty) {
    test = market.flow.test(1 - ep.side, ep.startTsMs, ep.endTsMs, true);
    if (test !== null && test.z < p.minOppositeZ) test = null;
  }
  if (!moved && test === null) return null;
  return { sizeMultiple, moveAwayTicks: Number.isNaN(moveAwayTicks) ? 0 : moveAwayTicks, lifetimeMs, tradedFraction, flow: test, slackTicks };
}

export function spoofAlert(symbol: string, ep: Episode, m: SpoofCheck, p: SpoofingParams): Alert {
  const size = clamp01(Math.log(m.sizeMultiple / p.sizeMultiple) / Math.log(4));
  const proximity = clamp01(1 - ep.distTicksAtAdd / (p.maxDistTicks + m.slackTicks + 1));
  const brevity = 1 - m.lifetimeMs / p.maxLifetimeMs;
  const activity = clamp01(Math.max(m.moveAwayTicks / (4 * p.minMoveTicks), m.flow ? m.flow.z / (3 * p.minOppositeZ) : 0));
  // Every candidate that passed the checks is an alert (>= 50); the rest of the score ranks them.
  const score = 50 + 50 * (0.35 * size + 0.15 * proximity + 0.15 * brevity + 0.35 * activity);
  const side = sideName(ep.side);
  const trades: number[][] = [];
  for (let i = 0; i < ep.trades.length; i += 3) trades.push([ep.trades[i]!, round(ep.trades[i + 1]!), ep.trades[i + 2]!]);
  return makeAlert(
    symbol,
    "spoofing",
    side,
    score,
    ep.startTsMs,
    ep.endTsMs,
    {
      levels: [{ priceTicks: ep.priceTicks, distTicksAtAdd: ep.distTicksAtAdd, distTicksAtCancel: ep.distTicksAtEnd }],
      levelTradedQty: round(ep.levelTradedQty),
      addedQty: round(ep.addedQty),
      referenceQty: round(ep.refQty),
      sizeMultiple: round(m.sizeMultiple, 3),
      lifetimeMs: m.lifetimeMs,
      tradedQty: round(ep.tradedQty),
      cancelledQty: round(ep.cancelledQty),
      moveAwayTicks: m.moveAwayTicks,
      oppositeAggressorQty: round(ep.oppositeQty),
      oppositeFlow: m.flow && flowEvidence(m.flow),
      relatedTrades: trades,
    },
    `A ${side} of ${round(ep.addedQty, 4)} (${round(m.sizeMultiple, 2)}x the usual size) placed ${ep.distTicksAtAdd} ticks from the touch was cancelled after ${m.lifetimeMs} ms, ${round(100 * m.tradedFraction, 2)}% traded, while ${m.flow ? `the other side traded ${round(m.flow.z, 2)} deviations above its usual flow and ` : ""}the price moved ${m.moveAwayTicks} ticks away.`,
  );
}
