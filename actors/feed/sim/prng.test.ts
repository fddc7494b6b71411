import { describe, expect, test } from "bun:test";
import { hashName, Sfc32, splitmix32 } from "./prng.ts";

describe("sfc32", () => {
  test("matches the reference C implementation (uint32 arithmetic)", () => {
    // Golden values from sfc32 in C with a=0xdeadbeef b=0x12345678 c=0x9abcdef0 d=1.
    const rng = Sfc32.fromState(0xdeadbeef, 0x12345678, 0x9abcdef0, 1);
    const got = Array.from({ length: 6 }, () => rng.nextU32());
    expect(got).toEqual([4041348456, 2195792581, 3074186425, 2226557559, 1337138538, 3642565243]);
  });

  test("splitmix32 matches the reference C implementation", () => {
    expect([splitmix32(0), splitmix32(42), splitmix32(0xffffffff)]).toEqual([2462723854, 939911724, 920564995]);
  });

  test("same seed and stream give the same sequence; other seeds or streams do not", () => {
    const draw = (seed: number, stream: number) => {
      const rng = Sfc32.seeded(seed, stream);
      return Array.from({ length: 8 }, () => rng.nextU32());
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, hashName("BTCUSDT")));
  });

  test("uniforms stay in range and average 1/2", () => {
    const rng = Sfc32.seeded(7);
    let sum = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = rng.nextFloat();
      const open = rng.nextOpenFloat();
      expect(u >= 0 && u < 1 && open > 0 && open < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 200_000 - 0.5)).toBeLessThan(0.005);
  });

  test.each([0.3, 2.5, 12, 80])("Poisson(%p) has the right mean and variance", (mean) => {
    const rng = Sfc32.seeded(11);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.nextPoisson(mean);
      expect(Number.isInteger(k) && k >= 0).toBe(true);
      sum += k;
      squares += k * k;
    }
    const m = sum / n;
    expect(Math.abs(m - mean)).toBeLessThan(0.02 * mean + 0.01);
    expect(Math.abs(squares / n - m * m - mean)).toBeLessThan(0.05 * mean + 0.02);
  });
});
