/**
 * Order-level statistics from LOBSTER message files (Nasdaq, one trading
 * day per stock), the reference the manipulation agents are calibrated on:
 * how long cancelled orders rest, how many cancels there are per execution,
 * and how large orders are relative to the median order.
 *
 * Message columns: time (s after midnight), type (1 submit, 2 partial
 * cancel, 3 delete, 4 visible execution, 5 hidden execution, 7 halt),
 * order id, size (shares), price (dollars x 10000), direction (1 buy, -1 sell).
 */
import path from "node:path";
import { SHARED_DATA_DIR } from "../../../src/shared-data.ts";

export interface LobsterStats {
  readonly file: string;
  readonly submits: number;
  /** Type 2 + type 3 messages per visible execution (type 4). */
  readonly cancelToTradeRatio: number;
  /** Fraction of submitted orders that end in a full delete without any execution. */
  readonly cancelledUnfilledShare: number;
  /** Lifetimes (submit to delete) of orders deleted without any execution, milliseconds. */
  readonly cancelLifetimeMs: { readonly p10: number; readonly p25: number; readonly p50: number; readonly p75: number; readonly p90: number };
  /** Submitted size over the median submitted size. */
  readonly sizeOverMedian: { readonly p75: number; readonly p90: number; readonly p99: number };
}

export function lobsterFiles(): string[] {
  const root = path.join(SHARED_DATA_DIR, "lobster");
  const glob = new Bun.Glob("*/*_message_*.csv");
  return [...glob.scanSync(root)].sort().map((rel) => path.join(root, rel));
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

/** Parses one message file; pure over its text. */
export function lobsterStats(file: string, text: string): LobsterStats {
  const submitSec = new Map<number, number>();
  const executed = new Set<number>();
  const lifetimes: number[] = [];
  const sizes: number[] = [];
  let cancels = 0;
  let executions = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const cols = text.slice(start, end).split(",");
    start = end + 1;
    if (cols.length < 6) continue;
    const tSec = Number(cols[0]);
    const type = Number(cols[1]);
    const id = Number(cols[2]);
    if (type === 1) {
      submitSec.set(id, tSec);
      sizes.push(Number(cols[3]));
    } else if (type === 2) {
      cancels++;
    } else if (type === 3) {
      cancels++;
      const t0 = submitSec.get(id);
      if (t0 !== undefined && !executed.has(id)) lifetimes.push((tSec - t0) * 1000);
      submitSec.delete(id);
    } else if (type === 4) {
      executions++;
      executed.add(id);
    }
  }
  lifetimes.sort((a, b) => a - b);
  sizes.sort((a, b) => a - b);
  const median = quantile(sizes, 0.5);
  const round = (x: number, digits = 3) => Number(x.toFixed(digits));
  return {
    file: path.basename(file),
    submits: sizes.length,
    cancelToTradeRatio: round(cancels / Math.max(1, executions), 2),
    cancelledUnfilledShare: round(lifetimes.length / Math.max(1, sizes.length)),
    cancelLifetimeMs: {
      p10: round(quantile(lifetimes, 0.1)),
      p25: round(quantile(lifetimes, 0.25)),
      p50: round(quantile(lifetimes, 0.5)),
      p75: round(quantile(lifetimes, 0.75)),
      p90: round(quantile(lifetimes, 0.9)),
    },
    sizeOverMedian: { p75: round(quantile(sizes, 0.75) / median, 2), p90: round(quantile(sizes, 0.9) / median, 2), p99: round(quantile(sizes, 0.99) / median, 2) },
  };
}

export async function loadLobsterStats(): Promise<LobsterStats[]> {
  const out: LobsterStats[] = [];
  for (const file of lobsterFiles()) out.push(lobsterStats(file, await Bun.file(file).text()));
  return out;
}
