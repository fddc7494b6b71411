/**
 * Replays recorded sessions from the database (`--mode replay --from-db
 * --symbols S --start ISO --end ISO`) through the same actors as a file
 * replay: the same sink (ReplaySink) and the same controls (pause, resume,
 * setSpeed, seek, stop, requestSnapshot) as ReplayDriver, with the same
 * meaning; see replay-driver.ts. Only the source differs: readDbFrames
 * (db-frames.ts) turns book_snapshots and trades rows into the Binance frames
 * the book actor decodes, streamed a page at a time.
 *
 * Pacing follows the recorded receive times (`localTsMs`) scaled by `speed`;
 * "max" yields to the event loop between batches. Frames carry their
 * recorded times, so a replay is deterministic at any speed. Seek forward
 * fast-forwards (the frames in between are delivered at once, so the
 * analytics windows see every event); seek backward restarts from the start
 * of the range (sink.rewound, then a fast-forward).
 *
 * `requestSnapshot` only counts: every recorded book is itself a snapshot,
 * so a book that asks for one recovers at the next recorded sample.
 * Everything but the source is ReplayDriver's.
 */
import type { Sql } from "postgres";
import { type DbReadStats, newDbReadStats, readDbFrames } from "./db-frames.ts";
import { ReplayDriver, type ReplaySink, type ReplaySpeed } from "./replay-driver.ts";

export interface DbReplayDriverOptions {
  readonly sql: Sql;
  readonly symbols: readonly string[];
  /** Exchange-time range [fromMs, toMs) to replay. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly speed: ReplaySpeed;
  readonly batchFrames?: number;
  /** Rows per query per (table, symbol); default db-frames.ts's. */
  readonly pageRows?: number;
  /** Wall clock in ms for pacing (default performance.now). */
  readonly clock?: () => number;
}

/**
 * A ReplayDriver whose frames come from the database: pacing, pause, speed,
 * seek and snapshot requests are the file replay's own.
 */
export class DbReplayDriver extends ReplayDriver {
  /** Rows read since the (re)start: snapshots, trades, stale snapshots skipped, queries. */
  dbStats: DbReadStats = newDbReadStats();

  constructor(options: DbReplayDriverOptions, sink: ReplaySink) {
    if (!(Number.isFinite(options.fromMs) && Number.isFinite(options.toMs) && options.fromMs < options.toMs)) {
      throw new RangeError(`replay range must be finite with from < to: fromMs=${options.fromMs}, toMs=${options.toMs}`);
    }
    if (options.symbols.length === 0) throw new RangeError("replay from the database needs at least one symbol");
    const { sql, symbols, fromMs, toMs, pageRows, batchFrames, speed, clock } = options;
    const source = () => {
      this.dbStats = newDbReadStats();
      return readDbFrames(sql, { symbols, fromMs, toMs, pageRows, batchFrames: batchFrames ?? 1024, stats: this.dbStats });
    };
    super({ paths: [], speed, batchFrames, clock, source }, sink);
  }
}
