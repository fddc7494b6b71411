import { describe, expect, test } from "bun:test";
import type { MarketEvent, SymbolSpec, Trade } from "../../../src/switchboard.ts";
import type { Alert, AlertType, SurveillanceEngine } from "../alert.ts";
import type { Episode } from "../agents/inject.ts";
import { detect, matchType, median, metrics, runEngine, scoreRun, type Detection } from "./evaluate.ts";

const SPEC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };

function alert(type: AlertType, side: "bid" | "ask", tsMs: number, score = 80, symbol = "BTCUSDT"): Alert {
  return { id: `${symbol}-${type}-${side}-${tsMs}`, type, symbol, side, score, tsStart: tsMs - 100, tsEnd: tsMs, evidence: {}, explanation: "test" };
}
function episode(type: Episode["type"], side: "bid" | "ask", tsStart: number, tsEnd: number, overrun = false): Episode {
  return { type, symbol: "BTCUSDT", side, tsStart, tsEnd, priceTicks: [], qty: [], overrun };
}
const at = (a: Alert, atMs = a.tsEnd): Detection => ({ alert: a, atMs });

describe("matching alerts to episodes", () => {
  const episodes = [episode("spoofing", "bid", 10_000, 12_000), episode("spoofing", "ask", 20_000, 21_000), episode("spoofing", "bid", 30_000, 31_000)];

  test("true positives, false positives, misses and delay", () => {
    const detections = [
      at(alert("spoofing", "bid", 12_300)), // TP, 300 ms after the cancel
      at(alert("spoofing", "bid", 12_900)), // a second alert on the same episode: correct, not a new detection
      at(alert("spoofing", "bid", 20_500)), // wrong side: FP, and episode 2 is missed
      at(alert("spoofing", "bid", 32_001)), // 1001 ms after the cancel: too late
      at(alert("layering", "bid", 11_000)), // another type: ignored here
      at(alert("spoofing", "bid", 11_000, 80, "ETHUSDT")), // another symbol: FP
    ];
    const counts = matchType("spoofing", detections, episodes);
    expect(counts).toEqual({ alerts: 5, matchedAlerts: 2, episodes: 3, detectedEpisodes: 1, delaysMs: [300] });
    const m = metrics(counts, 3, 2);
    expect(m.precision).toBe(0.4);
    expect(m.recall).toBeCloseTo(1 / 3, 4);
    expect(m.f1).toBeCloseTo((2 * 0.4 * (1 / 3)) / (0.4 + 1 / 3), 4);
    expect(m.delayMsMedian).toBe(300);
    expect(m.falseAlarmsPerHour).toBe(1.5);
  });

  test("the window is [tsStart, tsEnd + 1 s] on the detection time, edges included", () => {
    expect(matchType("spoofing", [at(alert("spoofing", "bid", 10_000))], episodes).detectedEpisodes).toBe(1);
    expect(matchType("spoofing", [at(alert("spoofing", "bid", 9_999))], episodes).detectedEpisodes).toBe(0);
    expect(matchType("spoofing", [at(alert("spoofing", "bid", 13_000))], episodes).detectedEpisodes).toBe(1);
    // an alert describing the right range but emitted 5 s late does not count
    expect(matchType("spoofing", [at(alert("spoofing", "bid", 12_000), 17_000)], episodes).detectedEpisodes).toBe(0);
  });

  test("wash trading ignores the side; no alerts gives null precision and zero F1", () => {
    const wash = [episode("wash_trading", "bid", 1000, 1050)];
    expect(matchType("wash_trading", [at(alert("wash_trading", "ask", 1050))], wash).detectedEpisodes).toBe(1);
    const m = metrics(matchType("wash_trading", [], wash), 0, 1);
    expect(m).toEqual({ precision: null, recall: 0, f1: 0, delayMsMedian: null, falseAlarmsPerHour: 0 });
  });

  test("an overrun episode is void: not to be found, and an alert on it is neither correct nor false", () => {
    const eps = [episode("spoofing", "bid", 10_000, 12_000), episode("spoofing", "bid", 20_000, 20_400, true)];
    const counts = matchType("spoofing", [at(alert("spoofing", "bid", 12_100)), at(alert("spoofing", "bid", 20_500)), at(alert("spoofing", "bid", 40_000))], eps);
    expect(counts).toEqual({ alerts: 2, matchedAlerts: 1, episodes: 1, detectedEpisodes: 1, delaysMs: [100] });
    // Counted like any other episode instead (the stricter reading the report also gives):
    expect(matchType("spoofing", [at(alert("spoofing", "bid", 12_100)), at(alert("spoofing", "bid", 20_500)), at(alert("spoofing", "bid", 40_000))], eps, false))
      .toEqual({ alerts: 3, matchedAlerts: 2, episodes: 2, detectedEpisodes: 2, delaysMs: [100, 100] });
  });

  test("median", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

/** A stand-in engine: one wash alert per print at least 2 lots, score from the lot count. */
function standIn(): SurveillanceEngine {
  return {
    process(events: readonly MarketEvent[]) {
      return events.filter((e): e is Trade => e.kind === "trade" && e.qty >= 0.002).map((t) => alert("wash_trading", "bid", t.exchTsMs, t.qty >= 0.003 ? 90 : 10));
    },
    advance() {
      return [];
    },
    dispose() {},
  };
}

describe("running an engine", () => {
  const trade = (tsMs: number, qty: number): Trade => ({ kind: "trade", symbol: "BTCUSDT", exchTsMs: tsMs, localTsMs: tsMs, tradeId: tsMs, priceTicks: 1, price: 0.1, qty, side: "buy" });
  const events = [trade(1000, 0.005), trade(1000, 0.001), trade(2000, 0.002), trade(3_601_000, 0.004)];

  test("detect keeps scores >= 50 and stamps them with the batch time", () => {
    expect(detect(standIn, SPEC, events).map((d) => d.atMs)).toEqual([1000, 3_601_000]);
  });

  test("runEngine + scoreRun score labelled and clean streams", () => {
    const labelled = [{ spec: SPEC, events, episodes: [episode("wash_trading", "ask", 900, 1000), episode("wash_trading", "ask", 50_000, 50_010)] }];
    const m = scoreRun(runEngine(standIn, labelled, [{ spec: SPEC, events }]));
    expect(m.wash_trading).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, delayMsMedian: 0, falseAlarmsPerHour: 2 });
    expect(m.spoofing.recall).toBeNull();
  });
});
