import { expect, test } from "bun:test";
import { decimalsOf, guessSpec, ticksPerUnit } from "./symbols.ts";

test("ticksPerUnit is exact for decimal ticks", () => {
  expect(ticksPerUnit(0.00001)).toBe(100000);
  expect(ticksPerUnit(0.1)).toBe(10);
  expect(ticksPerUnit(0.5)).toBe(2);
  expect(1234567 / ticksPerUnit(0.00001)).toBe(12.34567);
});

test("guessSpec takes the finest decimals seen", () => {
  expect(guessSpec("SANDUSDT", [0.5123, 0.51, 0.5], [10, 1.5])).toEqual({ symbol: "SANDUSDT", tickSize: 0.0001, lotSize: 0.1 });
  expect(decimalsOf(1e-7)).toBe(7);
});
