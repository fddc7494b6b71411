/**
 * Deterministic pseudo-random numbers for the simulator: sfc32 (Chris Doty-
 * Humphrey's Small Fast Counting generator, from PractRand), seeded through
 * splitmix32 so that nearby seeds give unrelated streams. 32-bit integer
 * arithmetic only, so every JavaScript engine produces the same sequence.
 * Never Math.random: the same seed must give byte-identical frames.
 */

/** splitmix32 step: a good 32-bit mixer for turning seeds into state words. */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over a string's UTF-16 code units: a stable per-name stream id. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Raw state words, as in the reference C implementation (d is the counter). */
  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
  }

  static fromState(a: number, b: number, c: number, d: number): Sfc32 {
    return new Sfc32(a, b, c, d);
  }

  /** `stream` selects an independent sequence for the same seed (e.g. one per symbol). */
  static seeded(seed: number, stream = 0): Sfc32 {
    const s0 = splitmix32(seed >>> 0);
    const s1 = splitmix32((s0 ^ stream) >>> 0);
    const rng = new Sfc32(s0, s1, splitmix32(s1 ^ 0x5bd1e995), 1);
    // The author's recommended warm-up: mix the state before first use.
    for (let i = 0; i < 15; i++) rng.nextU32();
    return rng;
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform in (0, 1): safe under a logarithm or a negative power. */
  nextOpenFloat(): number {
    return (this.nextU32() + 0.5) / TWO_POW_32;
  }

  /** Uniform integer in [0, n), n <= 2^32. */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Exponential with the given mean. */
  nextExponential(mean: number): number {
    return -Math.log(this.nextOpenFloat()) * mean;
  }

  /** Poisson count with the given mean (Knuth for small means, normal approximation above 30). */
  nextPoisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) {
      const u1 = this.nextOpenFloat();
      const u2 = this.nextFloat();
      const gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian));
    }
    const limit = Math.exp(-mean);
    let k = 0;
    let product = this.nextFloat();
    while (product > limit) {
      k++;
      product *= this.nextFloat();
    }
    return k;
  }
}
