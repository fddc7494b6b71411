/**
 * The OLD system's naive heuristics as an engine of the same shape, so the
 * evaluation can compare: "spoofing" = any top-20 level larger than
 * `multiple` x the average top-20 level size (both sides), flagged when it
 * first becomes that large; "layering" = `layers` or more such large levels
 * on one side at once, flagged when the count first reaches it. Fixed
 * multiples, no lifecycle, no adaptation; every flag scores 60 (the old
 * system had no score, and every flag went to the desk).
 */
import type { BookUpdate, MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import type { Alert, SurveillanceEngine } from "./alert.ts";
import { makeAlert, round } from "./detectors/make-alert.ts";

export interface BaselineParams {
  readonly multiple: number;
  readonly layers: number;
  readonly score: number;
}

export const BASELINE_DEFAULTS: BaselineParams = { multiple: 3, layers: 3, score: 60 };

export class BaselineEngine implements SurveillanceEngine {
  private readonly large = [new Set<number>(), new Set<number>()];
  private readonly layered = [false, false];
  private readonly ticksPerUnit: number;

  constructor(readonly spec: SymbolSpec, private readonly p: BaselineParams = BASELINE_DEFAULTS) {
    this.ticksPerUnit = 1 / spec.tickSize;
  }

  process(events: readonly MarketEvent[]): Alert[] {
    const out: Alert[] = [];
    for (const e of events) if (e.kind === "book") this.onBook(e, out);
    return out;
  }

  /** The old heuristics judge snapshots only: time alone completes nothing. */
  advance(): Alert[] {
    return [];
  }

  dispose(): void {
    this.large[0]!.clear();
    this.large[1]!.clear();
  }

  private onBook(u: BookUpdate, out: Alert[]): void {
    const sides = [[u.topBidPrice, u.topBidQty], [u.topAskPrice, u.topAskQty]] as const;
    let total = 0, count = 0;
    for (const [, qty] of sides) for (const q of qty) (total += q), count++;
    if (count === 0) return;
    const average = total / count;
    for (let s = 0; s < 2; s++) {
      const [prices, qty] = sides[s]!;
      const now = new Set<number>();
      for (let i = 0; i < qty.length; i++) {
        if (qty[i]! <= this.p.multiple * average) continue;
        const priceTicks = Math.round(prices[i]! * this.ticksPerUnit);
        now.add(priceTicks);
        if (this.large[s]!.has(priceTicks)) continue;
        const side = s === 0 ? "bid" : "ask";
        out.push(makeAlert(this.spec.symbol, "spoofing", side, this.p.score, u.exchTsMs, u.exchTsMs,
          { levels: [{ priceTicks, qty: round(qty[i]!) }], averageLevelQty: round(average), multiple: round(qty[i]! / average, 3), heuristic: "level > 3x average" },
          `Level ${priceTicks} (ticks) holds ${round(qty[i]!, 4)}, more than ${this.p.multiple}x the average top-20 level size (old heuristic).`));
      }
      this.large[s] = now;
      const layered = now.size >= this.p.layers;
      if (layered && !this.layered[s]) {
        const side = s === 0 ? "bid" : "ask";
        out.push(makeAlert(this.spec.symbol, "layering", side, this.p.score, u.exchTsMs, u.exchTsMs,
          { levels: [...now].map((priceTicks) => ({ priceTicks })), averageLevelQty: round(average), heuristic: "three large levels on a side" },
          `${now.size} ${side} levels each exceed ${this.p.multiple}x the average level size at once (old heuristic).`));
      }
      this.layered[s] = layered;
    }
  }
}

export function createBaselineEngine(spec: SymbolSpec, params: BaselineParams = BASELINE_DEFAULTS): BaselineEngine {
  return new BaselineEngine(spec, params);
}
