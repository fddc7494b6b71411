/**
 * The whole detector engine with the native lifecycle raises exactly the
 * alerts it raises with the TypeScript one (same ids, scores, evidence,
 * explanations, in the same order), on the clean real recordings and on
 * the same recordings with injected manipulation, where alerts do fire,
 * and on the simulator's labelled streams.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import { loadRecordedEvents, recordingPath, RECORDINGS_WITH_SNAPSHOT } from "../analytics/recorded-events.ts";
import { INJECTABLE_TYPES, injectEpisodes } from "./agents/inject.ts";
import { simulatedEpisodes } from "./agents/sim-episodes.ts";
import type { Alert } from "./alert.ts";
import { createSurveillanceEngine } from "./engine.ts";
import type { LifecycleKind } from "./lifecycle-choice.ts";
import { nativeLifecycleStatus } from "./native-lifecycle-lib.ts";

const native = nativeLifecycleStatus().available;
const FILES = RECORDINGS_WITH_SNAPSHOT.filter((f) => existsSync(recordingPath(f)));

function alerts(spec: SymbolSpec, events: readonly MarketEvent[], lifecycle: LifecycleKind): Alert[] {
  const engine = createSurveillanceEngine(spec, {}, lifecycle);
  expect(engine.lifecycle.kind).toBe(lifecycle);
  const out: Alert[] = [];
  for (let i = 0; i < events.length; i += 64) out.push(...engine.process(events.slice(i, i + 64)));
  out.push(...engine.flush());
  engine.dispose();
  return out;
}

describe.skipIf(!native || FILES.length === 0)("detector engine: native lifecycle = TypeScript lifecycle", () => {
  test("clean real recordings", async () => {
    for (const file of FILES) {
      const { spec, events } = await loadRecordedEvents(file);
      expect(alerts(spec, events, "native")).toEqual(alerts(spec, events, "ts"));
    }
  }, 60_000);

  test("real recordings with injected manipulation", async () => {
    let fired = 0;
    for (const [k, file] of FILES.entries()) {
      const { spec, events } = await loadRecordedEvents(file);
      const types = Array.from({ length: 40 }, (_, i) => INJECTABLE_TYPES[(i + k) % INJECTABLE_TYPES.length]!);
      const injected = injectEpisodes(events, spec, types, 11 + k).events;
      const ts = alerts(spec, injected, "ts");
      expect(alerts(spec, injected, "native")).toEqual(ts);
      fired += ts.length;
    }
    expect(fired).toBeGreaterThan(20);
  }, 60_000);
});

describe.skipIf(!native)("detector engine with the native lifecycle", () => {
  test("= TypeScript lifecycle on simulated streams with injected episodes", () => {
    const types = Array.from({ length: 20 }, (_, i) => INJECTABLE_TYPES[i % INJECTABLE_TYPES.length]!);
    let fired = 0;
    for (const stream of simulatedEpisodes(1, ["BTCUSDT", "ETHUSDT"], types)) {
      const ts = alerts(stream.spec, stream.events, "ts");
      expect(alerts(stream.spec, stream.events, "native")).toEqual(ts);
      fired += ts.length;
    }
    expect(fired).toBeGreaterThan(5);
  }, 60_000);


  test("is the default while the library loads; dispose frees it and later use throws", () => {
    const spec: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
    const engine = createSurveillanceEngine(spec);
    expect(engine.lifecycle.kind).toBe("native");
    engine.dispose();
    expect(() => engine.process([])).toThrow(/used after dispose/);
    expect(() => engine.lifecycle.refQty()).toThrow(/native lifecycle used after free/);
  });
});
