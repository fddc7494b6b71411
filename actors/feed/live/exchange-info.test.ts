import { describe, expect, test } from "bun:test";
import { sharedDataFile } from "../../../src/shared-data.ts";
import { TestExchange } from "../../../src/test-exchange/server.ts";
import { fetchExchangeInfo, parseExchangeInfo } from "./exchange-info.ts";

describe("exchangeInfo", () => {
  test("tick and lot sizes from PRICE_FILTER / LOT_SIZE; symbols without them are left out", () => {
    const specs = parseExchangeInfo({
      symbols: [
        { symbol: "BTCUSDT", filters: [{ filterType: "PRICE_FILTER", tickSize: "0.10" }, { filterType: "LOT_SIZE", stepSize: "0.001" }] },
        { symbol: "ODDUSDT", filters: [{ filterType: "PRICE_FILTER", tickSize: "0.01" }] },
        { nothing: true },
      ],
    });
    expect([...specs.values()]).toEqual([{ symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 }]);
    expect(() => parseExchangeInfo({})).toThrow("no symbols array");
  });

  test("fetched from the test exchange; a refusal names the status", async () => {
    const exchange = await TestExchange.start({ input: [sharedDataFile("binance-usdm/hftbacktest/ethusdt_20240718.gz")], autoStart: false });
    try {
      const specs = await fetchExchangeInfo(exchange.restBase);
      expect(specs.get("ETHUSDT")).toEqual({ symbol: "ETHUSDT", tickSize: 0.01, lotSize: 0.001 });
      await expect(fetchExchangeInfo(`${exchange.restBase}/nowhere`)).rejects.toThrow(/HTTP 404/);
    } finally {
      await exchange.stop();
    }
  });
});
