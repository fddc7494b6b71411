import { describe, expect, test } from "bun:test";
import { HttpError } from "./http.ts";
import { defaultStepMs, parseHistoryQuery, parseInstant, parseStep, parseTradesQuery } from "./history-params.ts";

const SERVED = ["BTCUSDT", "ETHUSDT"];
const NOW = Date.parse("2024-07-18T12:00:00.250Z");

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error("expected a 400");
}

describe("parseInstant", () => {
  test.each([
    ["1721304000000", 1721304000000],
    ["1721304000000.5", 1721304000000.5],
    ["2024-07-18T12:00:00Z", Date.parse("2024-07-18T12:00:00Z")],
    ["2024-07-18T12:00:00.123Z", Date.parse("2024-07-18T12:00:00.123Z")],
    ["2024-07-18T12:00", Date.parse("2024-07-18T12:00:00Z")],
    ["2024-07-18 12:00:30", Date.parse("2024-07-18T12:00:30Z")],
    ["2024-07-18T14:00:00+02:00", Date.parse("2024-07-18T12:00:00Z")],
    ["2024-07-18T14:00:00+0200", Date.parse("2024-07-18T12:00:00Z")],
    ["2024-07-18", Date.parse("2024-07-18T00:00:00Z")],
  ])("%s", (raw, expected) => {
    expect(parseInstant("from", raw)).toBe(expected);
  });

  test.each(["", "yesterday", "2024-13-40T00:00:00Z", "-5", "1e12", "2024-07-18T25:00:00Z"])("%p is a 400 naming the parameter", (raw) => {
    expect(rejection(() => parseInstant("to", raw))).toBe(
      `invalid to ${JSON.stringify(raw)}: expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z`,
    );
  });
});

describe("parseStep", () => {
  test.each([
    ["250", 250],
    ["250ms", 250],
    ["1s", 1000],
    ["1m", 60_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
  ])("%s", (raw, expected) => expect(parseStep(raw)).toBe(expected));

  test.each(["0", "0s", "1.5s", "-1s", "1w", "fast", "32d"])("%p is a 400", (raw) => {
    expect(rejection(() => parseStep(raw))).toStartWith(`invalid step ${JSON.stringify(raw)}: `);
  });
});

test("default step: the smallest round step giving at most ~720 buckets", () => {
  expect(defaultStepMs(NOW - 3_600_000, NOW)).toBe(5_000);
  expect(defaultStepMs(NOW - 600_000, NOW)).toBe(1_000);
  expect(defaultStepMs(NOW - 24 * 3_600_000, NOW)).toBe(120_000);
  expect(defaultStepMs(NOW - 30 * 24 * 3_600_000, NOW)).toBe(3_600_000); // 720 hours + a partial one
  expect(defaultStepMs(NOW - 31 * 24 * 3_600_000, NOW)).toBe(7_200_000);
});

describe("parseHistoryQuery", () => {
  test("defaults: the hour before now, 5 s steps", () => {
    expect(parseHistoryQuery({ symbol: "BTCUSDT" }, SERVED, NOW)).toEqual({ symbol: "BTCUSDT", fromMs: NOW - 3_600_000, toMs: NOW, stepMs: 5_000 });
  });

  test("only `to`: the hour before it; only `from`: up to now; symbols are case-insensitive", () => {
    const to = Date.parse("2024-07-18T00:00:00Z");
    expect(parseHistoryQuery({ symbol: "ethusdt", to: String(to) }, SERVED, NOW)).toMatchObject({ symbol: "ETHUSDT", fromMs: to - 3_600_000, toMs: to });
    expect(parseHistoryQuery({ symbol: "BTCUSDT", from: "2024-07-18T11:00:00Z", step: "1m" }, SERVED, NOW)).toEqual({
      symbol: "BTCUSDT",
      fromMs: Date.parse("2024-07-18T11:00:00Z"),
      toMs: NOW,
      stepMs: 60_000,
    });
  });

  test.each([
    [{}, "missing symbol: give symbol=<one of BTCUSDT,ETHUSDT>"],
    [{ symbol: "DOGEUSDT" }, 'unknown symbol "DOGEUSDT" in symbol; served: BTCUSDT,ETHUSDT'],
    [{ symbol: "BTCUSDT", from: "soon" }, 'invalid from "soon": expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z'],
    [
      { symbol: "BTCUSDT", from: "2024-07-18T12:00:00Z", to: "2024-07-18T11:00:00Z" },
      'from "2024-07-18T12:00:00Z" (2024-07-18T12:00:00.000Z) must be before to (2024-07-18T11:00:00.000Z)',
    ],
    [
      { symbol: "BTCUSDT", from: "1721304000000", to: "1721304000000" },
      'from "1721304000000" (2024-07-18T12:00:00.000Z) must be before to (2024-07-18T12:00:00.000Z)',
    ],
    [{ symbol: "BTCUSDT", step: "100" }, 'step too small: step "100" gives 36001 buckets over this range; at most 5000 (use step=721 or more)'],
    [{ symbol: "BTCUSDT", from: "2024-01-01", to: "2024-03-01", step: "1d" }, "range too long: from 2024-01-01T00:00:00.000Z to 2024-03-01T00:00:00.000Z is more than 31 days; ask for less"],
  ])("%j → 400 %s", (query, message) => {
    expect(rejection(() => parseHistoryQuery(query, SERVED, NOW))).toBe(message);
  });

  test("the step the message suggests is accepted", () => {
    expect(parseHistoryQuery({ symbol: "BTCUSDT", step: "721" }, SERVED, NOW).stepMs).toBe(721);
  });
});

describe("parseTradesQuery", () => {
  test("defaults: the last hour, 500 trades", () => {
    expect(parseTradesQuery({ symbol: "BTCUSDT" }, SERVED, NOW)).toEqual({ symbol: "BTCUSDT", fromMs: NOW - 3_600_000, toMs: NOW, limit: 500 });
    expect(parseTradesQuery({ symbol: "BTCUSDT", limit: "5000" }, SERVED, NOW).limit).toBe(5000);
  });

  test.each(["0", "5001", "-1", "ten", "1.5"])("limit=%s is a 400", (limit) => {
    expect(rejection(() => parseTradesQuery({ symbol: "BTCUSDT", limit }, SERVED, NOW))).toBe(
      `limit out of range: ${JSON.stringify(limit)}; expected an integer from 1 to 5000`,
    );
  });
});
