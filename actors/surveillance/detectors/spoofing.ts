/**
 * Spoofing: one large order (size >= sizeMultiple x the adaptive reference)
 * placed near the touch, resting briefly, removed by cancellation rather
 * than trading, while the price moved away from it or the other side traded
 * (what a spoof is for). Judged when the episode closes (plus the lifecycle's
 * settle time), so detection follows the cancel within a few hundred ms.
 */
import type { Alert } from "../alert.ts";
import type { Episode } from "../lifecycle.ts";
import type { SpoofingParams } from "../params.ts";
import { clamp01, makeAlert, round, sideName } from "./make-alert.ts";

export interface SpoofCheck {
  readonly sizeMultiple: number;
  readonly moveAwayTicks: number;
  readonly lifetimeMs: number;
  readonly tradedFraction: number;
}

/** The qualifying measurements of an episode, or null when it is not a spoof candidate. */
export function spoofMeasures(ep: Episode, p: SpoofingParams): SpoofCheck | null {
  if (!(ep.refQty > 0)) return null;
  const sizeMultiple = ep.addedQty / ep.refQty;
  if (sizeMultiple < p.sizeMultiple) return null;
  const slackTicks = p.distVolMultiple * ep.volTicksAtAdd;
  if (ep.distTicksAtAdd > p.maxDistTicks + slackTicks) return null;
  const lifetimeMs = ep.endTsMs - ep.startTsMs;
  if (lifetimeMs > p.maxLifetimeMs || lifetimeMs < p.minLifetimeMs) return null;
  const tradedFraction = ep.tradedQty / ep.addedQty;
  if (tradedFraction > p.maxTradedFraction || ep.levelTradedQty > p.maxLevelTradedFraction * ep.addedQty) return null;
  if (ep.distTicksAtEnd > p.maxDistTicksAtCancel + slackTicks) return null;
  // A bid spoof pushes the price up (away from the bid); an ask spoof pushes it down.
  const moveAwayTicks = ((ep.mid2AtEnd - ep.mid2AtAdd) / 2) * (ep.side === 0 ? 1 : -1);
  // Price running into the order (a quote pulled before it is hit) is risk management, not
  // spoofing; a move within the usual noise (the same volatility slack) is no evidence either way.
  if (moveAwayTicks < -slackTicks) return null;
  const moved = moveAwayTicks >= p.minMoveTicks;
  const opposite = ep.oppositeQty >= p.minOppositeFraction * ep.addedQty && ep.oppositeQty >= p.minOppositeExcess * ep.oppositeExpectedQty;
  if (!moved && !opposite) return null;
  return { sizeMultiple, moveAwayTicks: Number.isNaN(moveAwayTicks) ? 0 : moveAwayTicks, lifetimeMs, tradedFraction };
}

export function spoofAlert(symbol: string, ep: Episode, m: SpoofCheck, p: SpoofingParams): Alert {
  const size = clamp01(Math.log(m.sizeMultiple / p.sizeMultiple) / Math.log(4));
  const proximity = clamp01(1 - ep.distTicksAtAdd / (p.maxDistTicks + p.distVolMultiple * ep.volTicksAtAdd + 1));
  const brevity = 1 - m.lifetimeMs / p.maxLifetimeMs;
  const activity = clamp01(Math.max(m.moveAwayTicks / (4 * p.minMoveTicks), ep.oppositeQty / ep.addedQty));
  const score = 100 * (0.2 + 0.3 * size + 0.15 * proximity + 0.15 * brevity + 0.15 * activity);
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
      relatedTrades: trades,
    },
    `A ${side} of ${round(ep.addedQty, 4)} (${round(m.sizeMultiple, 2)}x the usual size) placed ${ep.distTicksAtAdd} ticks from the touch was cancelled after ${m.lifetimeMs} ms, ${round(100 * m.tradedFraction, 2)}% traded, while the price moved ${m.moveAwayTicks} ticks away.`,
  );
}
