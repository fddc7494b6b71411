/**
 * Samplers for the order flow: Walker's alias method for the arrival
 * distance (O(1) per draw over a ~1,000-point power law) and a discrete
 * bounded Pareto for order sizes (heavy-tailed, as observed order sizes are,
 * but capped so that one order cannot empty the book).
 */
import type { Sfc32 } from "./prng.ts";

const EXACT_SUM_TERMS = 10_000;

/** Draws index i with probability weights[i] / sum(weights). */
export class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error("AliasTable: no weights");
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`AliasTable: invalid weight ${w} at index ${i}`);
      sum += w;
    }
    if (sum <= 0) throw new Error("AliasTable: all weights are zero");
    this.size = n;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / sum;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // Leftovers are 1 up to rounding.
    for (const i of large) this.probability[i] = 1;
    for (const i of small) this.probability[i] = 1;
  }

  sample(rng: Sfc32): number {
    const x = rng.nextFloat() * this.size;
    const column = Math.floor(x);
    return x - column < this.probability[column]! ? column : this.alias[column]!;
  }
}

/**
 * Integer sizes in lots: floor of a Pareto(minLots, tailExponent) variable
 * truncated at maxLots (inverse-CDF sampling, so one uniform per draw).
 */
export class BoundedParetoLots {
  private readonly tailMass: number;
  private readonly inverseExponent: number;
  /** Expected draw in lots, exact for the discrete (floored) distribution. */
  readonly meanLots: number;

  constructor(
    readonly minLots: number,
    readonly maxLots: number,
    readonly tailExponent: number,
  ) {
    if (!(minLots >= 1 && maxLots >= minLots && tailExponent > 0)) {
      throw new Error(`BoundedParetoLots: bad parameters minLots=${minLots} maxLots=${maxLots} tailExponent=${tailExponent}`);
    }
    this.tailMass = 1 - (minLots / maxLots) ** tailExponent;
    this.inverseExponent = -1 / tailExponent;
    // E[floor X] = minLots + sum over k in (minLots, maxLots] of P(X >= k): summed exactly
    // near minLots, where the terms change fast, and by Euler-Maclaurin beyond.
    const exactUpTo = Math.min(maxLots, minLots + EXACT_SUM_TERMS);
    let mean = minLots;
    for (let k = minLots + 1; k <= exactUpTo; k++) mean += this.survival(k);
    if (exactUpTo < maxLots) mean += this.tailSum(exactUpTo, maxLots);
    this.meanLots = mean;
  }

  /** P(X >= x) for minLots <= x <= maxLots. */
  survival(x: number): number {
    return ((this.minLots / x) ** this.tailExponent - (this.minLots / this.maxLots) ** this.tailExponent) / this.tailMass;
  }

  /** sum of survival(k) for k in (a, b], by Euler-Maclaurin (error far below 1e-6 for a >= 10^4). */
  private tailSum(a: number, b: number): number {
    const g = this.tailExponent;
    const floorMass = (this.minLots / this.maxLots) ** g;
    const scale = this.minLots ** g;
    const antiderivative = (x: number) => (g === 1 ? scale * Math.log(x) : (scale * x ** (1 - g)) / (1 - g)) - floorMass * x;
    const derivative = (x: number) => -g * scale * x ** (-g - 1);
    const integral = antiderivative(b) - antiderivative(a);
    const ends = (this.survival(b) - this.survival(a)) / 2;
    return integral / this.tailMass + ends + (derivative(b) - derivative(a)) / (12 * this.tailMass);
  }

  sample(rng: Sfc32): number {
    const x = this.minLots * (1 - rng.nextFloat() * this.tailMass) ** this.inverseExponent;
    const lots = Math.floor(x);
    return lots > this.maxLots ? this.maxLots : lots;
  }
}
