import { describe, expect, test } from "bun:test";
import { Backoff } from "./backoff.ts";

describe("Backoff (full jitter)", () => {
  test("the ceiling doubles up to the cap; the delay is random below it; reset starts over", () => {
    const maxed = new Backoff(100, 1000, () => 0.999999);
    expect(Array.from({ length: 6 }, () => Math.round(maxed.nextDelayMs()))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(maxed.attempts).toBe(6);
    maxed.reset();
    expect(Math.round(maxed.nextDelayMs())).toBe(100);
    const half = new Backoff(100, 1000, () => 0.5);
    expect([half.nextDelayMs(), half.nextDelayMs()]).toEqual([50, 100]);
  });

  test("rejects a base above the cap", () => {
    expect(() => new Backoff(0, 10)).toThrow(RangeError);
    expect(() => new Backoff(100, 10)).toThrow(RangeError);
  });
});
