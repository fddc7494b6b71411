/**
 * What the engine's scripted-market tests share: the two symbols' specs and
 * an engine run one event at a time.
 */
import type { MarketEvent, SymbolSpec } from "../../src/switchboard.ts";
import type { Alert } from "./alert.ts";
import { createSurveillanceEngine } from "./engine.ts";
import type { LifecycleKind } from "./lifecycle-choice.ts";
import { nativeLifecycleStatus } from "./native-lifecycle-lib.ts";

export const BTC: SymbolSpec = { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 };
export const ETH: SymbolSpec = { symbol: "ETHUSDT", tickSize: 0.01, lotSize: 0.001 };

/** Runs events one at a time; returns alerts with the exchange time they came out at. */
export function detect(spec: SymbolSpec, events: MarketEvent[]): { alert: Alert; atTsMs: number }[] {
  const engine = createSurveillanceEngine(spec);
  const out: { alert: Alert; atTsMs: number }[] = [];
  for (const e of events) for (const alert of engine.process([e])) out.push({ alert, atTsMs: e.exchTsMs });
  for (const alert of engine.flush()) out.push({ alert, atTsMs: Infinity });
  return out;
}

/** The lifecycle implementations this machine has (native only when libgenesis loads). */
export const lifecycleKinds = (): LifecycleKind[] => (nativeLifecycleStatus().available ? ["ts", "native"] : ["ts"]);

export const ofType = <T extends { alert: Alert }>(found: T[], type: string): T[] => found.filter((f) => f.alert.type === type);
