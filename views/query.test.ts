import { describe, expect, test } from "bun:test";
import { HttpError } from "./http.ts";
import { parseDashboardSymbol, parseSseQuery, parseThrottleMs } from "./query.ts";

const served = ["BTCUSDT", "ETHUSDT"];

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).message;
  }
  throw new Error("expected a rejection");
}

describe("parseSseQuery", () => {
  test("defaults: every symbol, every event, no throttle", () => {
    const params = parseSseQuery({}, served);
    expect(params.symbols).toBeNull();
    expect([...params.events]).toEqual(["book", "features", "trade", "gap", "anomaly", "prediction", "status"]);
    expect(params.throttleMs).toBe(0);
  });

  test("lists are trimmed, upper-cased and tolerate a trailing comma", () => {
    const params = parseSseQuery({ symbols: " ethusdt,", events: "trade, book", throttleMs: "100" }, served);
    expect([...params.symbols!]).toEqual(["ETHUSDT"]);
    expect([...params.events]).toEqual(["trade", "book"]);
    expect(params.throttleMs).toBe(100);
  });

  test.each([
    [{ symbols: "BTCUSDT,FOOUSDT" }, 'unknown symbol "FOOUSDT" in symbols; served: BTCUSDT,ETHUSDT'],
    [{ symbols: "," }, "empty symbols: give a comma-separated list"],
    [{ events: "book,depth" }, 'unknown event "depth" in events; known: book,features,trade,gap,anomaly,prediction,status'],
    [{ events: "" }, "empty events: give a comma-separated list"],
    [{ throttleMs: "abc" }, 'invalid throttleMs "abc": expected an integer from 0 to 10000'],
    [{ throttleMs: "10001" }, 'invalid throttleMs "10001": expected an integer from 0 to 10000'],
    [{ throttleMs: "-1" }, 'invalid throttleMs "-1": expected an integer from 0 to 10000'],
    [{ throttleMs: "1.5" }, 'invalid throttleMs "1.5": expected an integer from 0 to 10000'],
  ])("%j is rejected", (query, message) => {
    expect(rejection(() => parseSseQuery(query, served))).toBe(message);
  });
});

test("parseThrottleMs bounds are inclusive", () => {
  expect(parseThrottleMs("0")).toBe(0);
  expect(parseThrottleMs("10000")).toBe(10000);
});

test("parseDashboardSymbol", () => {
  expect(parseDashboardSymbol(undefined, served)).toBe("BTCUSDT");
  expect(parseDashboardSymbol("ethusdt", served)).toBe("ETHUSDT");
  expect(rejection(() => parseDashboardSymbol("<b>X", served))).toBe(
    'unknown symbol "<b>X" in symbol; served: BTCUSDT,ETHUSDT',
  );
});
