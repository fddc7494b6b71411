import { describe, expect, test } from "bun:test";
import { FrameText, formatUnits } from "./frame-text.ts";
import { simInstrumentFor, UnknownSymbolError } from "./instruments.ts";
import { RING } from "./sim-book.ts";

describe("formatUnits", () => {
  test.each([
    [0, 3, "0.000"],
    [12, 3, "0.012"],
    [1234, 3, "1.234"],
    [9500010, 2, "95000.10"],
    [5, 0, "5"],
    [320000, 6, "0.320000"],
    [7, 1, "0.7"],
  ])("%p with %p decimals is %p", (units, decimals, text) => {
    expect(formatUnits(units, decimals)).toBe(text);
  });
});

describe("FrameText prices and quantities", () => {
  // Binance prints prices with the contract's pricePrecision, quantities with the lot's decimals.
  test.each([
    ["BTCUSDT", 95_000.1, 12, "95000.10", "0.012"],
    ["ETHUSDT", 3_400.01, 1_500, "3400.01", "1.500"],
    ["SOLUSDT", 180.25, 250, "180.2500", "2.50"],
    ["BNBUSDT", 650.07, 3, "650.070", "0.03"],
    ["XRPUSDT", 2.3001, 40, "2.3001", "4.0"],
    ["DOGEUSDT", 0.32011, 600, "0.320110", "600"],
  ])("%s", (symbol, price, lots, priceText, qtyText) => {
    const instrument = simInstrumentFor(symbol);
    const text = new FrameText(instrument);
    const ticks = Math.round(price / instrument.spec.tickSize);
    expect(text.price(ticks)).toBe(priceText);
    expect(text.qty(lots)).toBe(qtyText);
    expect(text.qty(123_456_789)).toBe((123_456_789 * instrument.spec.lotSize).toFixed(instrument.qtyDecimals));
  });

  test("the price cache never returns another tick's text for the same ring slot", () => {
    const text = new FrameText(simInstrumentFor("BTCUSDT"));
    expect(text.price(950_000)).toBe("95000.00");
    expect(text.price(950_000 + RING)).toBe("95409.60");
    expect(text.price(950_000)).toBe("95000.00");
  });

  test("unknown symbols are rejected by name", () => {
    expect(() => simInstrumentFor("FOOUSDT")).toThrow(UnknownSymbolError);
    expect(() => simInstrumentFor("FOOUSDT")).toThrow(/symbol=FOOUSDT/);
  });
});
