/** Builds an Alert with the stable id `${symbol}:${type}:${side}:${tsStart}` and a clamped integer score. */
import type { Alert, AlertType } from "../alert.ts";

export function makeAlert(
  symbol: string,
  type: AlertType,
  side: "bid" | "ask",
  score: number,
  tsStart: number,
  tsEnd: number,
  evidence: Record<string, unknown>,
  explanation: string,
): Alert {
  const clamped = Math.max(0, Math.min(100, Math.round(score)));
  return { id: `${symbol}:${type}:${side}:${tsStart}`, type, symbol, side, score: clamped, tsStart, tsEnd, evidence, explanation };
}

export const clamp01 = (x: number): number => (x <= 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 : x);

export const sideName = (side: number): "bid" | "ask" => (side === 0 ? "bid" : "ask");

/** Rounds to a few significant digits for evidence and explanations. */
export const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));
