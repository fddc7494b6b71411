/** The recorder core's options, state and counters (the metrics /health and /metrics show). */
import type { TableName } from "./rows.ts";

export type RecorderState = "connecting" | "ok" | "degraded" | "stopped";

export interface RecorderOptions {
  /** Spill files go to `<dataDir>/spill`. */
  readonly dataDir: string;
  /** FEATURE_NAMES: the order of every feature row's values. */
  readonly featureNames: readonly string[];
  /** Book snapshot cadence in exchange ms (default 100; 0 = every update). */
  readonly recordBookMs?: number;
  /** In-memory row bound before spilling (default 100,000: about 90 MB of feature rows, measured). */
  readonly maxBufferedRows?: number;
  /** Rows per write transaction (default 5,000). */
  readonly batchRows?: number;
  /** After idling, wait this long for more rows before writing a small batch (default 100 ms). */
  readonly lingerMs?: number;
  /** First retry delay (default 100 ms); doubles per failure, with jitter. */
  readonly retryBaseMs?: number;
  /** Retry delay cap (default 10 s). */
  readonly retryMaxMs?: number;
  /** A write taking longer counts as failed and is retried (default 15 s; postgres.js can leave a query unsettled when its connection dies). */
  readonly writeTimeoutMs?: number;
  /** `close()` default: how long to keep writing before spilling the rest (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** Jitter source in [0, 1) (tests pin it). */
  readonly random?: () => number;
}

export interface TableCounters {
  /** Rows taken in by `offer` (after book sampling). */
  received: number;
  /** Rows known to be in the database. */
  written: number;
  /** Rows in memory: queued, being spilled, or in the batch in flight. */
  buffered: number;
  /** Rows written to spill files. */
  spilled: number;
  /** Row write attempts that failed and will be retried. */
  retried: number;
}

export interface RecorderCounters {
  readonly state: RecorderState;
  readonly lastError: string | null;
  readonly total: TableCounters;
  readonly tables: Record<TableName, TableCounters>;
  /** Failed write attempts (each is retried). */
  readonly failedBatches: number;
  /** Rows found already committed when a batch was retried or a spill file re-read. */
  readonly alreadyPresent: number;
  readonly spillFiles: number;
  readonly spillBytes: number;
  /** Spill lines that did not parse (a crash cut the last one short). */
  readonly corruptSpillLines: number;
  /** Book updates not recorded because of the snapshot cadence. */
  readonly booksSkipped: number;
  /** Rows offered after close (not recorded: stop the feed first). */
  readonly droppedAfterClose: number;
}

export const newCounters = (): TableCounters => ({ received: 0, written: 0, buffered: 0, spilled: 0, retried: 0 });
