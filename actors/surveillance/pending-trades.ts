/**
 * The lifecycle's trade volume not yet explained by a book change, per book
 * side: prints wait here (at most `tradeMatchMs`) for the level decrease that
 * they caused, so that a decrease is told apart as consumed (traded) rather
 * than cancelled. A price range per side (a superset bound) lets a change far
 * from every pending print skip the scan.
 */
import type { Episode } from "./level-table.ts";

export class PendingTrades {
  /** Per book side: flat [priceTicks, qty, tsMs] triples, oldest first. */
  private readonly prints: number[][] = [[], []];
  /** Lowest / highest price of each side's pending prints (a superset bound): changes outside it cannot match one. */
  private readonly loTicks = [Infinity, Infinity];
  private readonly hiTicks = [-Infinity, -Infinity];

  add(side: number, priceTicks: number, qty: number, tsMs: number): void {
    this.prints[side]!.push(priceTicks, qty, tsMs);
    this.loTicks[side] = Math.min(this.loTicks[side]!, priceTicks);
    this.hiTicks[side] = Math.max(this.hiTicks[side]!, priceTicks);
  }

  isEmpty(side: number): boolean {
    return this.prints[side]!.length === 0;
  }

  /** Whether a print at this price may be pending (false: surely none). */
  mayHold(side: number, priceTicks: number): boolean {
    return priceTicks >= this.loTicks[side]! && priceTicks <= this.hiTicks[side]!;
  }

  /** Takes up to `size` of the volume printed at this price; returns how much. Each part taken is recorded on `ep` when given. */
  take(side: number, priceTicks: number, size: number, ep: Episode | null): number {
    const pending = this.prints[side]!;
    let taken = 0;
    for (let i = 0; i < pending.length && taken < size; i += 3) {
      if (pending[i] !== priceTicks || pending[i + 1]! <= 0) continue;
      const take = Math.min(pending[i + 1]!, size - taken);
      pending[i + 1]! -= take;
      taken += take;
      if (ep !== null) {
        ep.trades.push(priceTicks, take, pending[i + 2]!);
        ep.levelTradedQty += take;
      }
    }
    return taken;
  }

  /** Drops the prints used up or older than `horizonTsMs`, and tightens the price bounds. */
  expire(horizonTsMs: number): void {
    for (let side = 0; side < 2; side++) {
      const pending = this.prints[side]!;
      let w = 0, lo = Infinity, hi = -Infinity;
      for (let r = 0; r < pending.length; r += 3) {
        if (pending[r + 1]! <= 1e-12 || pending[r + 2]! < horizonTsMs) continue;
        if (w !== r) {
          pending[w] = pending[r]!;
          pending[w + 1] = pending[r + 1]!;
          pending[w + 2] = pending[r + 2]!;
        }
        lo = Math.min(lo, pending[w]!);
        hi = Math.max(hi, pending[w]!);
        w += 3;
      }
      pending.length = w;
      this.loTicks[side] = lo;
      this.hiTicks[side] = hi;
    }
  }

  clear(): void {
    this.prints[0]!.length = 0;
    this.prints[1]!.length = 0;
    this.loTicks.fill(Infinity);
    this.hiTicks.fill(-Infinity);
  }
}
