import { describe, expect, test } from "bun:test";
import { HttpError } from "./http.ts";
import { parseSeekTs, parseSpeed } from "./replay-params.ts";

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error("expected a rejection");
}

describe("parseSpeed", () => {
  test.each([
    ["1", 1],
    ["10", 10],
    ["100", 100],
    ["max", "max"],
    ["0.5", 0.5],
    ["1000000", 1_000_000],
  ] as const)("%s -> %p", (raw, speed) => expect(parseSpeed(raw)).toBe(speed));

  test.each([undefined, "", "0", "0.0", "-1", "+1", "1e3", "Infinity", "NaN", "0x10", " 10", "max ", "1000000.5", "10x"])("%p is rejected naming value", (raw) => {
    expect(rejection(() => parseSpeed(raw))).toMatch(/^(missing value|invalid value )/);
  });
});

describe("parseSeekTs", () => {
  const t = Date.parse("2024-07-18T12:34:56.789Z");
  test.each([
    ["1721306096789", t],
    ["1721306096789.25", t + 0.25],
    ["2024-07-18T12:34:56.789Z", t],
    ["2024-07-18T12:34:56.789", t], // no zone: UTC
    ["2024-07-18 12:34:56.789", t],
    ["2024-07-18T12:34:56.789123456Z", t], // nanoseconds truncated to ms
    ["2024-07-18T14:34:56.789+02:00", t],
    ["2024-07-18T14:34:56.789+0200", t],
    ["2024-07-18T12:34:56.789z", t],
    ["2024-07-18T12:34", Date.parse("2024-07-18T12:34:00Z")],
    ["2024-07-18T12:34:56", Date.parse("2024-07-18T12:34:56Z")],
  ])("%s", (raw, tsMs) => expect(parseSeekTs(raw)).toBe(tsMs));

  test.each([undefined, "", "now", "2024-07-18", "18/07/2024 12:00", "2024-07-18T25:00:00Z", "12345678901234567", "1.", ".5", "1.1234567", "-1"])("%p is rejected naming ts", (raw) => {
    expect(rejection(() => parseSeekTs(raw))).toMatch(/^(missing ts|invalid ts )/);
  });

  test("bounds, when known, are inclusive", () => {
    const bounds = { startTsMs: t, endTsMs: t + 1000 };
    expect(parseSeekTs(String(t), bounds)).toBe(t);
    expect(parseSeekTs(String(t + 1000), bounds)).toBe(t + 1000);
    expect(rejection(() => parseSeekTs(String(t - 1), bounds))).toBe(
      'ts "1721306096788" (2024-07-18T12:34:56.788Z) is outside the recording: 2024-07-18T12:34:56.789Z to 2024-07-18T12:34:57.789Z',
    );
    // End unknown (not reached yet): only the start bounds.
    expect(parseSeekTs(String(t + 10_000_000), { startTsMs: t })).toBe(t + 10_000_000);
    expect(rejection(() => parseSeekTs(String(t + 2000), { startTsMs: t, endTsMs: t + 1000 }))).toContain("to 2024-07-18T12:34:57.789Z");
  });
});
