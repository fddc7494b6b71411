/**
 * The recorder's core, free of XState: takes every hub batch, turns it into
 * rows and gets them into the database, in order, exactly once, whatever
 * the database does.
 *
 * - `offer(items)` is called synchronously by the hub on every batch: it
 *   never blocks and never throws. Rows get a session sequence number and
 *   join an in-memory FIFO.
 * - Past `maxBufferedRows` in memory, the whole FIFO moves to a spill file
 *   (spill.ts), written asynchronously in chunks; one spill at a time. So
 *   everything on disk is older than everything in memory.
 * - One writer loop takes batches of up to `batchRows` rows, oldest first:
 *   the batch in flight (retried until it lands), then spill files in name
 *   order (leftovers of an earlier run included), then memory. A failed
 *   write is retried with exponential back-off and jitter (capped at
 *   `retryMaxMs`) and the state turns "degraded" until a write succeeds.
 * - `close()` keeps writing until everything is in or `timeoutMs` passes,
 *   then spills what is left; the next run drains it. The ledger in
 *   pg-writer.ts makes a row written twice (an ambiguous failure, a crash
 *   between a commit and deleting its spill file) land once.
 */
import { randomUUID } from "node:crypto";
import type { HubItem } from "../../src/switchboard.ts";
import type { BatchWriter, WriteBatch } from "./pg-writer.ts";
import { RowQueue, type QueuedRow } from "./row-queue.ts";
import { newCounters, type RecorderCounters, type RecorderOptions, type RecorderState, type TableCounters } from "./recorder-types.ts";
import { RowBuilder, TABLES, type RowValues, type TableId, type TableName } from "./rows.ts";
import { SpillDirectory, SpillReader } from "./spill.ts";

export type { RecorderCounters, RecorderOptions, RecorderState, TableCounters };

type Batch = WriteBatch & { readonly fromMemory: boolean };

export class RecorderCore {
  readonly session = randomUUID().replaceAll("-", "");
  private readonly builder: RowBuilder;
  private readonly memory = new RowQueue();
  private readonly spill: SpillDirectory;
  private readonly spillFiles: string[];
  private readonly counts = TABLES.map(newCounters);
  private readonly opts: Required<Omit<RecorderOptions, "recordBookMs">>;
  private readonly listeners = new Set<(state: RecorderState) => void>();
  private seq = 0;
  private stateNow: RecorderState = "connecting";
  private lastErrorText: string | null = null;
  private failed = 0;
  private present = 0;
  private corrupt = 0;
  private dropped = 0;
  private inflight: Batch | undefined;
  private reader: SpillReader | undefined;
  /** The spill in progress (at most one), and its rows per table. */
  private spilling: Promise<void> | undefined;
  private spillingByTable = TABLES.map(() => 0);
  private spillRetryAtMs = 0;
  /** When the oldest row in memory arrived (0: due now). */
  private firstQueuedAtMs = 0;
  private closed = false;
  private stopped = false;
  private deadlineMs = Number.POSITIVE_INFINITY;
  /** Ends the writer's wait for rows (offer, spill done, close). */
  private poke: (() => void) | undefined;
  /** Ends the writer's back-off pause (close only). */
  private interruptPause: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly writer: BatchWriter,
    options: RecorderOptions,
  ) {
    this.builder = new RowBuilder({ recordBookMs: options.recordBookMs, featureNames: options.featureNames });
    this.opts = {
      dataDir: options.dataDir,
      featureNames: [...options.featureNames],
      maxBufferedRows: options.maxBufferedRows ?? 100_000,
      batchRows: options.batchRows ?? 5_000,
      lingerMs: options.lingerMs ?? 100,
      retryBaseMs: options.retryBaseMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      writeTimeoutMs: options.writeTimeoutMs ?? 15_000,
      closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
      random: options.random ?? Math.random,
    };
    this.spill = new SpillDirectory(options.dataDir, this.session, Date.now());
    this.spillFiles = this.spill.list(); // leftovers of an earlier run: drained first
  }

  get state(): RecorderState {
    return this.stateNow;
  }

  get lastError(): string | null {
    return this.lastErrorText;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onStateChange(listener: (state: RecorderState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the writer loop (idempotent). */
  start(): void {
    this.loop ??= this.run().catch((error) => this.noteError(error, "writer loop crashed"));
  }

  /** Takes a hub batch. Never blocks, never throws. */
  offer(items: readonly HubItem[]): void {
    try {
      if (this.closed) {
        this.dropped += items.length;
        return;
      }
      this.builder.build(items, this.enqueue);
      if (this.memory.length > this.opts.maxBufferedRows && !this.spilling && Date.now() >= this.spillRetryAtMs) this.spillMemory();
      this.poke?.();
    } catch (error) {
      this.noteError(error, "offer failed");
    }
  }

  counters(): RecorderCounters {
    const tables = {} as Record<TableName, TableCounters>;
    const total = newCounters();
    const inflightByTable = TABLES.map(() => 0);
    if (this.inflight?.fromMemory) for (const row of this.inflight.rows) inflightByTable[row.table]!++;
    TABLES.forEach((spec, t) => {
      const c = { ...this.counts[t]!, buffered: this.memory.perTable[t]! + this.spillingByTable[t]! + inflightByTable[t]! };
      tables[spec.name] = c;
      for (const key of Object.keys(total) as (keyof TableCounters)[]) total[key] += c[key];
    });
    return {
      state: this.stateNow,
      lastError: this.lastErrorText,
      total,
      tables,
      failedBatches: this.failed,
      alreadyPresent: this.present,
      spillFiles: this.spillFiles.length,
      spillBytes: this.spill.bytes(this.spillFiles),
      corruptSpillLines: this.corrupt + (this.reader?.corruptLines ?? 0),
      booksSkipped: this.builder.booksSkipped,
      droppedAfterClose: this.dropped,
    };
  }

  /**
   * Stops taking rows, keeps writing for up to `timeoutMs`, then spills
   * whatever is left (the batch in flight and memory) for the next run.
   */
  close(timeoutMs = this.opts.closeTimeoutMs): Promise<void> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  // ------------------------------------------------------------ internals

  private readonly enqueue = (table: TableId, values: RowValues): void => {
    if (this.memory.length === 0) this.firstQueuedAtMs = Date.now();
    this.memory.push({ table, seq: this.seq++, values });
    this.counts[table]!.received++;
  };

  private spillMemory(): void {
    const rows = this.memory.takeAll();
    for (const row of rows) this.spillingByTable[row.table]!++;
    this.spilling = this.spill
      .write(rows, this.opts.featureNames)
      .then((name) => {
        this.spillFiles.push(name);
        for (const row of rows) this.counts[row.table]!.spilled++;
      })
      .catch((error) => {
        // Disk trouble: keep the rows (older than anything queued since) and try again in a while.
        this.memory.unshift(rows);
        this.spillRetryAtMs = Date.now() + this.opts.retryMaxMs;
        this.noteError(error, "spill failed");
      })
      .finally(() => {
        this.spilling = undefined;
        this.spillingByTable = TABLES.map(() => 0);
        this.poke?.();
      });
  }

  private async run(): Promise<void> {
    try {
      await this.runLoop();
    } finally {
      // The loop owns the spill reader: close() never closes it under a read in progress.
      await this.reader?.close().catch(() => {});
      this.reader = undefined;
    }
  }

  private async runLoop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.withTimeout(this.writer.prepare(this.opts.featureNames));
        this.setState("ok");
        break;
      } catch (error) {
        this.noteError(error, "cannot prepare the database");
        this.setState("degraded");
        await this.pause(attempt);
      }
    }
    let attempt = 0;
    while (!this.stopped) {
      const batch = this.inflight ?? (await this.nextBatch());
      if (!batch || this.stopped) break; // closed and everything is in, or close() took over
      this.inflight = batch;
      try {
        const result = await this.withTimeout(this.writer.write(batch));
        if (this.stopped) break; // close() already spilled this batch; the ledger skips it next run
        this.inflight = undefined;
        this.present += result.alreadyPresent;
        for (const row of batch.rows) this.counts[row.table]!.written++;
        attempt = 0;
        this.setState("ok");
      } catch (error) {
        if (this.stopped) break;
        this.failed++;
        for (const row of batch.rows) this.counts[row.table]!.retried++;
        this.noteError(error, `write of ${batch.rows.length} rows failed`);
        this.setState("degraded");
        await this.pause(attempt++);
      }
    }
  }

  /**
   * The oldest rows not yet written: spill files first, then memory. Waits
   * for rows when there are none (undefined once closed and empty), and
   * lets a small batch linger for more. A memory batch becomes `inflight`
   * in the same step that takes it, so close() can never miss it.
   */
  private async nextBatch(): Promise<Batch | undefined> {
    const { batchRows, lingerMs } = this.opts;
    for (;;) {
      if (this.stopped) return undefined;
      if (this.spillFiles.length > 0) {
        const batch = await this.nextFromSpill(batchRows);
        if (batch) return batch;
        continue;
      }
      if (this.spilling) {
        await this.spilling; // its rows are older than memory's
        continue;
      }
      const queued = this.memory.length;
      if (queued === 0) {
        if (this.closed) return undefined;
        await this.wait(Number.POSITIVE_INFINITY);
        continue;
      }
      // Let a trickle of rows gather into one transaction; a full batch or close() goes at once.
      const lingerLeftMs = this.firstQueuedAtMs + lingerMs - Date.now();
      if (queued < batchRows && !this.closed && lingerLeftMs > 0) {
        await this.wait(lingerLeftMs);
        continue;
      }
      const rows = this.memory.take(batchRows);
      this.firstQueuedAtMs = 0; // what is left is backlog: due at once
      this.inflight = { session: this.session, featureNames: this.opts.featureNames, rows, fromMemory: true };
      return this.inflight;
    }
  }

  /** The next batch of the oldest spill file; undefined when that file is done (and removed). */
  private async nextFromSpill(max: number): Promise<Batch | undefined> {
    const name = this.spillFiles[0]!;
    try {
      if (!this.reader) {
        const reader = await SpillReader.open(this.spill.path(name));
        if (this.stopped) {
          await reader.close();
          return undefined;
        }
        this.reader = reader;
      }
      const rows = await this.reader.next(max);
      if (rows.length > 0) {
        const { session, featureNames } = this.reader.header;
        return { session, featureNames, rows, fromMemory: false };
      }
      // Every earlier batch of this file is committed: a batch is only taken after the previous one landed.
      this.corrupt += this.reader.corruptLines;
      if (this.reader.lastCorruption) this.noteError(this.reader.lastCorruption, "corrupt spill line skipped");
      await this.reader.close();
      this.reader = undefined;
      await this.spill.remove(name);
      this.spillFiles.shift();
    } catch (error) {
      if (this.stopped) return undefined;
      // An unreadable file must not stall the rest: set it aside for a person and move on.
      this.noteError(error, `spill file ${name} set aside as ${name}.unreadable`);
      await this.reader?.close().catch(() => {});
      this.reader = undefined;
      this.spillFiles.shift();
      await this.spill.setAside(name).catch(() => {});
    }
    return undefined;
  }

  /** Waits up to `ms` for a poke (rows offered, a spill done, close). */
  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
      this.poke = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.poke = undefined;
    });
  }

  /** Back-off before retry `attempt` (0-based): exponential, capped, with jitter; close() cuts it short. */
  private pause(attempt: number): Promise<void> {
    const capMs = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(attempt, 30));
    // "Equal jitter": half fixed, half random, so many recorders spread out yet none hammers.
    const ms = Math.min(capMs / 2 + (capMs / 2) * this.opts.random(), Math.max(0, this.deadlineMs - Date.now()));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interruptPause = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.interruptPause = undefined;
    });
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limitMs = Math.max(0, Math.min(this.opts.writeTimeoutMs, this.deadlineMs - Date.now()));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply from the database within ${Math.round(limitMs)} ms`)), limitMs);
    });
    work.catch(() => {}); // a late failure after the timeout is not an unhandled rejection
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    this.closed = true;
    this.deadlineMs = Date.now() + timeoutMs;
    this.start(); // close() before start() still drains
    this.poke?.();
    this.interruptPause?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopped = true;
    await this.spilling;
    // concat, not push(...rows): a spread of 100,000 arguments overflows the stack.
    const left: QueuedRow[] = (this.inflight?.fromMemory ? this.inflight.rows : []).concat(this.memory.takeAll());
    this.inflight = undefined;
    if (left.length > 0) {
      try {
        this.spillFiles.push(await this.spill.write(left, this.opts.featureNames));
        for (const row of left) this.counts[row.table]!.spilled++;
      } catch (error) {
        this.noteError(error, `${left.length} rows lost: could not spill them at close`);
      }
    }
    this.setState("stopped");
  }

  private setState(state: RecorderState): void {
    if (this.stateNow === state || this.stateNow === "stopped") return;
    this.stateNow = state;
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private noteError(error: unknown, context: string): void {
    this.lastErrorText = `${context}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
