/**
 * Layering: at least `minLayers` large orders on nearby levels of one side
 * (neighbours at most `maxGapTicks` apart), placed within `addWindowMs` of
 * each other and cancelled within `cancelWindowMs`, none of them really
 * traded. Fires at the cancel that completes the group; the group's members
 * are reported so the engine can drop their single-order spoofing candidates.
 */
import type { Alert } from "../alert.ts";
import type { Episode } from "../lifecycle.ts";
import type { LayeringParams } from "../params.ts";
import { flowEvidence, type FlowTest } from "./aggressor-flow.ts";
import type { MarketContext } from "./spoofing.ts";
import { clamp01, makeAlert, round, sideName } from "./make-alert.ts";

export interface LayeringGroup {
  /** Grows while later layers of the same group are cancelled (the engine holds the alert a moment). */
  readonly members: Episode[];
  /** False when the episode joined a group already reported. */
  readonly isNew: boolean;
}

/** [lo, hi]: the indices of the unbroken run (neighbours at most maxGapTicks apart) through `at` of ascending `prices`. */
export function neighbourRun(prices: readonly number[], at: number, maxGapTicks: number): [number, number] {
  let lo = at, hi = at;
  while (lo > 0 && prices[lo]! - prices[lo - 1]! <= maxGapTicks) lo--;
  while (hi < prices.length - 1 && prices[hi + 1]! - prices[hi]! <= maxGapTicks) hi++;
  return [lo, hi];
}

export class LayeringDetector {
  private readonly recent: Episode[][] = [[], []];
  private readonly used = new WeakSet<Episode>();
  private readonly lastGroup: (Episode[] | null)[] = [null, null];
  /** The opposite flow test of each reported group (evidence). */
  private readonly tests = new WeakMap<readonly Episode[], FlowTest>();

  constructor(private readonly symbol: string, private readonly p: LayeringParams, private readonly market: MarketContext) {}

  qualifies(ep: Episode): boolean {
    const p = this.p;
    const lifetimeMs = ep.endTsMs - ep.startTsMs;
    return ep.refQty > 0 && ep.addedQty >= p.sizeMultiple * ep.refQty && ep.distTicksAtAdd <= p.maxDistTicks + p.distVolMultiple * this.market.reach.ticks(lifetimeMs)
      && lifetimeMs <= p.maxLifetimeMs && lifetimeMs >= p.minLifetimeMs && ep.tradedQty <= p.maxTradedFraction * ep.addedQty;
  }

  onEpisode(ep: Episode): LayeringGroup | null {
    if (!this.qualifies(ep)) return null;
    const p = this.p;
    const last = this.lastGroup[ep.side];
    if (last && this.joins(last, ep)) {
      last.push(ep);
      this.used.add(ep);
      return { members: last, isNew: false };
    }
    const list = this.recent[ep.side]!;
    let w = 0;
    for (const old of list) if (ep.endTsMs - old.endTsMs <= p.cancelWindowMs) list[w++] = old;
    list.length = w;
    list.push(ep);
    const group = list.filter((o) => !this.used.has(o) && Math.abs(o.startTsMs - ep.startTsMs) <= p.addWindowMs);
    if (group.length < p.minLayers) return null;
    // The near-consecutive run of prices that contains this episode.
    group.sort((a, b) => a.priceTicks - b.priceTicks);
    const [lo, hi] = neighbourRun(group.map((g) => g.priceTicks), group.indexOf(ep), p.maxGapTicks);
    const members = group.slice(lo, hi + 1);
    if (members.length < p.minLayers || !this.tradedAgainst(members)) return null;
    for (const m of members) this.used.add(m);
    this.lastGroup[ep.side] = members;
    return { members, isNew: true };
  }

  /** The point of a stack: the other side traded unusually while it rested (over the span its layers share). */
  private tradedAgainst(members: readonly Episode[]): boolean {
    let total = 0, opposite = 0, from = Infinity, to = -Infinity;
    for (const m of members) {
      total += m.addedQty;
      opposite = Math.max(opposite, m.oppositeQty);
      from = Math.min(from, m.startTsMs);
      to = Math.max(to, m.endTsMs);
    }
    if (opposite < this.p.minOppositeFraction * total) return false;
    const test = this.market.flow.test(1 - members[0]!.side, from, to, true);
    if (test === null || test.z < this.p.minOppositeZ) return false;
    this.tests.set(members, test);
    return true;
  }

  /** A later layer of a reported group: placed and cancelled with it, next to its price range. */
  private joins(group: Episode[], ep: Episode): boolean {
    const p = this.p;
    let lo = Infinity, hi = -Infinity, lastEnd = -Infinity, firstStart = Infinity;
    for (const m of group) {
      lo = Math.min(lo, m.priceTicks);
      hi = Math.max(hi, m.priceTicks);
      lastEnd = Math.max(lastEnd, m.endTsMs);
      firstStart = Math.min(firstStart, m.startTsMs);
    }
    return ep.endTsMs - lastEnd <= p.cancelWindowMs && ep.startTsMs - firstStart <= p.addWindowMs
      && ep.priceTicks >= lo - p.maxGapTicks && ep.priceTicks <= hi + p.maxGapTicks;
  }

  /** The alert for a group as it stands. */
  alert(members: readonly Episode[]): Alert {
    return this.build([...members].sort((a, b) => a.priceTicks - b.priceTicks), members);
  }

  private build(members: Episode[], source: readonly Episode[]): Alert {
    const p = this.p;
    const side = sideName(members[0]!.side);
    const tsStart = Math.min(...members.map((m) => m.startTsMs));
    const tsEnd = Math.max(...members.map((m) => m.endTsMs));
    const cancelSpreadMs = tsEnd - Math.min(...members.map((m) => m.endTsMs));
    const meanMultiple = members.reduce((s, m) => s + m.addedQty / m.refQty, 0) / members.length;
    const layers = clamp01((members.length - p.minLayers + 1) / 3);
    const size = clamp01(Math.log(meanMultiple / p.sizeMultiple) / Math.log(4));
    const sync = 1 - clamp01(cancelSpreadMs / p.cancelWindowMs);
    const test = this.tests.get(source);
    const activity = test ? clamp01(test.z / (3 * p.minOppositeZ)) : 0;
    // Every group that passed the checks is an alert (>= 50); the rest of the score ranks them.
    const score = 50 + 50 * (0.3 * layers + 0.3 * size + 0.2 * sync + 0.2 * activity);
    const totalQty = members.reduce((s, m) => s + m.addedQty, 0);
    return makeAlert(
      this.symbol,
      "layering",
      side,
      score,
      tsStart,
      tsEnd,
      {
        levels: members.map((m) => ({
          priceTicks: m.priceTicks,
          addedQty: round(m.addedQty),
          sizeMultiple: round(m.addedQty / m.refQty, 3),
          distTicksAtAdd: m.distTicksAtAdd,
          lifetimeMs: m.endTsMs - m.startTsMs,
          tradedQty: round(m.tradedQty),
          cancelledQty: round(m.cancelledQty),
        })),
        totalQty: round(totalQty),
        cancelSpreadMs,
        oppositeFlow: test && flowEvidence(test),
      },
      `${members.length} large ${side} orders (${round(totalQty, 4)} in all, ${round(meanMultiple, 2)}x the usual size each) on levels ${members[0]!.priceTicks}-${members[members.length - 1]!.priceTicks} (ticks) were placed together and cancelled within ${cancelSpreadMs} ms without trading${test ? `, while the other side traded ${round(test.z, 2)} deviations above its usual flow` : ""}.`,
    );
  }
}
