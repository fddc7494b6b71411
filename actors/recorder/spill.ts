/**
 * Spill files: where rows go when the in-memory queue is past its bound
 * (the database is down or slower than the feed). Append-only NDJSON under
 * `<dataDir>/spill/`, one file per spilled segment:
 *
 *   <prefix, 13 digits>-<session>-<segment, 6 digits>.ndjson
 *   line 1: {"genesisSpill":1,"session":"…","featureNames":[…]}
 *   then:   {"t":<table id>,"q":<seq>,"v":[…]} per row (encode.ts)
 *
 * Names sort in write order: the prefix is the session's start time (kept
 * above any leftover file's, should the clock have gone back) and the
 * segment counts up within the session. Files are not fsynced (the page
 * cache survives a process crash, which is what this guards against); a
 * crash mid-write leaves at most a truncated last line, which the reader
 * skips and counts.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { parseSpillLine, spillLine } from "./encode.ts";
import type { QueuedRow } from "./row-queue.ts";

export const SPILL_FORMAT = 1;
const NAME = /^(\d{13})-([A-Za-z0-9_-]+)-(\d{6})\.ndjson$/;
/** Rows encoded per write call: bounds the event-loop stall of one step to a few milliseconds. */
const WRITE_CHUNK_ROWS = 1_000;
const READ_CHUNK_BYTES = 1 << 20;

export interface SpillHeader {
  readonly genesisSpill: number;
  readonly session: string;
  readonly featureNames: readonly string[];
}

export class SpillDirectory {
  readonly dir: string;
  private readonly prefix: string;
  private segment = 0;

  constructor(dataDir: string, private readonly session: string, nowMs: number) {
    this.dir = path.join(dataDir, "spill");
    mkdirSync(this.dir, { recursive: true });
    const newest = this.list().at(-1);
    const after = newest ? Number(NAME.exec(newest)![1]) + 1 : 0;
    this.prefix = String(Math.max(Math.floor(nowMs), after)).padStart(13, "0");
  }

  /** Spill file names in write order (oldest first). */
  list(): string[] {
    return readdirSync(this.dir)
      .filter((name) => NAME.test(name))
      .sort();
  }

  /** Total size in bytes of the files named. */
  bytes(names: readonly string[]): number {
    let total = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (existsSync(file)) total += statSync(file).size;
    }
    return total;
  }

  /**
   * Writes `rows` (this session's, ascending seq) to a new file and returns
   * its name. Encodes in chunks and awaits each write, so the feed keeps
   * running while a large segment goes to disk.
   */
  async write(rows: readonly QueuedRow[], featureNames: readonly string[]): Promise<string> {
    const name = `${this.prefix}-${this.session}-${String(this.segment++).padStart(6, "0")}.ndjson`;
    const handle = await open(path.join(this.dir, name), "a");
    try {
      const header: SpillHeader = { genesisSpill: SPILL_FORMAT, session: this.session, featureNames };
      await handle.write(JSON.stringify(header) + "\n");
      for (let start = 0; start < rows.length; start += WRITE_CHUNK_ROWS) {
        let text = "";
        const end = Math.min(rows.length, start + WRITE_CHUNK_ROWS);
        for (let i = start; i < end; i++) text += spillLine(rows[i]!.table, rows[i]!.seq, rows[i]!.values);
        await handle.write(text);
      }
    } finally {
      await handle.close();
    }
    return name;
  }

  async remove(name: string): Promise<void> {
    await unlink(path.join(this.dir, name));
  }

  /** Renames an unreadable file out of the drain order (`<name>.unreadable`), keeping its bytes. */
  async setAside(name: string): Promise<void> {
    await rename(path.join(this.dir, name), path.join(this.dir, `${name}.unreadable`));
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }
}

/** Reads one spill file front to back, a batch of rows at a time. */
export class SpillReader {
  /** Lines that did not parse (a truncated last line after a crash, or damage). */
  corruptLines = 0;
  lastCorruption: string | null = null;
  private readonly decoder = new TextDecoder();
  private readonly buffer = new Uint8Array(READ_CHUNK_BYTES);
  private position = 0;
  private carry = "";
  private pending: string[] = [];
  private pendingIndex = 0;
  private eof = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly name: string,
    readonly header: SpillHeader,
  ) {}

  static async open(file: string): Promise<SpillReader> {
    const handle = await open(file, "r");
    try {
      const reader = new SpillReader(handle, path.basename(file), { genesisSpill: 0, session: "", featureNames: [] });
      const first = await reader.nextLine();
      const header = first === undefined ? undefined : (JSON.parse(first) as SpillHeader);
      if (!header || header.genesisSpill !== SPILL_FORMAT || typeof header.session !== "string" || !Array.isArray(header.featureNames)) {
        throw new Error(`spill file ${file} has no valid header (format ${SPILL_FORMAT}): ${String(first).slice(0, 120)}`);
      }
      (reader as { header: SpillHeader }).header = header;
      return reader;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Up to `max` rows, in file order; empty at the end of the file. */
  async next(max: number): Promise<QueuedRow[]> {
    const rows: QueuedRow[] = [];
    while (rows.length < max) {
      const line = await this.nextLine();
      if (line === undefined) break;
      if (line.length === 0) continue;
      try {
        rows.push(parseSpillLine(line));
      } catch (error) {
        this.corruptLines++;
        this.lastCorruption = `${this.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async nextLine(): Promise<string | undefined> {
    while (this.pendingIndex === this.pending.length) {
      if (this.eof) return undefined;
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      this.position += bytesRead;
      if (bytesRead === 0) {
        this.eof = true;
        const rest = this.carry + this.decoder.decode();
        this.carry = "";
        // A last line without its newline was cut short by a crash: hand it on to fail parsing and be counted.
        if (rest.length === 0) return undefined;
        this.pending = [rest];
        this.pendingIndex = 0;
        break;
      }
      const text = this.carry + this.decoder.decode(this.buffer.subarray(0, bytesRead), { stream: true });
      const lines = text.split("\n");
      this.carry = lines.pop()!;
      this.pending = lines;
      this.pendingIndex = 0;
    }
    return this.pending[this.pendingIndex++];
  }
}
