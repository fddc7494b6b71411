/**
 * The recorder's database edge: writes one batch of queued rows in one
 * transaction, exactly once, through postgres.js.
 *
 * Exactly once: the batch's rows carry ascending sequence numbers of one
 * session, and the transaction locks the session's `recorder_progress` row
 * (sql/002_recorder_progress.sql), skips the rows below its `next_seq`
 * (already committed by an earlier attempt whose reply was lost), writes
 * the rest and moves `next_seq` past them. A retry after any failure, even
 * one that raced a late COMMIT, therefore neither loses nor doubles a row.
 *
 * Two write paths, chosen per engine:
 * - "copy": binary COPY FROM STDIN (copy-binary.ts), the fastest measured
 *   on the PostgreSQL server.
 * - "insert": multi-row INSERT with every value as a text parameter
 *   (encode.ts `literal`). The embedded engine needs it: pglite-socket drops
 *   the connection on COPY FROM STDIN.
 *
 * Partitions for the batch's days are created first, outside the
 * transaction (the embedded engine has a single connection, which the
 * transaction holds).
 */
import type { Sql, TransactionSql } from "postgres";
import type { Database } from "../../src/db/database.ts";
import { PartitionManager } from "../../src/db/partitions.ts";
import { BinaryCopyEncoder } from "./copy-binary.ts";
import { literal } from "./encode.ts";
import type { QueuedRow } from "./row-queue.ts";
import { ANOMALIES, FEATURE_SET_COLUMN, FEATURES, TABLES, TS_COLUMN, type ColumnKind, type RowValues, type TableId } from "./rows.ts";

export type WriteMethod = "copy" | "insert";

export interface WriteBatch {
  /** The session the rows' sequence numbers belong to. */
  readonly session: string;
  /** The names behind the feature rows' `feature_values`. */
  readonly featureNames: readonly string[];
  /** Ascending seq. */
  readonly rows: readonly QueuedRow[];
}

export interface WriteResult {
  /** Rows this call inserted. */
  readonly inserted: number;
  /** Rows an earlier attempt had already committed (skipped). */
  readonly alreadyPresent: number;
}

/** What the recorder core needs from a database (tests inject fakes). */
export interface BatchWriter {
  /** Checks the schema and resolves the feature set; called before the first write and retried until it succeeds. */
  prepare(featureNames: readonly string[]): Promise<void>;
  write(batch: WriteBatch): Promise<WriteResult>;
}

/**
 * Every INSERT parameter is declared text and cast by the server: postgres.js
 * serialises a parameter by the type the server describes, and its own
 * timestamptz and boolean serialisers would drop microseconds and misread
 * "t"; as text, our exact literals reach the server untouched.
 */
const CAST: Record<ColumnKind, string> = {
  text: "::text",
  ts: "::text::timestamptz",
  int: "::text::int8",
  int4: "::text::int4",
  float: "::text::float8",
  bool: "::text::bool",
  floats: "::text::float8[]",
  jsonb: "::text::jsonb",
};

/** A lost connection (postgres.js CONNECTION_* or a socket errno), as opposed to an error the server reported. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "PostgresError") return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("CONNECT") || /^E[A-Z]+$/.test(code));
}

/** PostgreSQL's limit on bind parameters in one statement. */
const MAX_PARAMS = 65_535;
const DAY_MS = 86_400_000;

export class PgBatchWriter implements BatchWriter {
  readonly method: WriteMethod;
  private readonly partitions: PartitionManager;
  private readonly encoder = new BinaryCopyEncoder();
  private readonly featureSets = new Map<string, number>();
  /** Sessions whose ledger row is known to exist (created before the first batch, so FOR UPDATE always has a row to lock). */
  private readonly sessions = new Set<string>();

  constructor(
    private readonly sql: Sql,
    options: { method?: WriteMethod; partitions?: PartitionManager } = {},
  ) {
    this.method = options.method ?? "copy";
    this.partitions = options.partitions ?? new PartitionManager(sql);
  }

  /** The writer for a Database: binary COPY on a server, INSERT on the embedded engine. */
  static forDatabase(db: Database, options: { method?: WriteMethod; partitions?: PartitionManager } = {}): PgBatchWriter {
    return new PgBatchWriter(db.sql, { method: options.method ?? (db.kind === "embedded" ? "insert" : "copy"), partitions: options.partitions });
  }

  async prepare(featureNames: readonly string[]): Promise<void> {
    try {
      await this.sql`SELECT session, next_seq FROM recorder_progress LIMIT 0`;
    } catch (error) {
      if ((error as { code?: string }).code === "42P01") {
        throw new Error("table recorder_progress is missing: migration sql/002_recorder_progress.sql has not been applied", { cause: error });
      }
      throw error;
    }
    await this.featureSetId(featureNames);
    await this.partitions.ensureAround(Date.now());
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    const { session, rows } = batch;
    if (rows.length === 0) return { inserted: 0, alreadyPresent: 0 };
    if (!this.sessions.has(session)) {
      await this.sql`INSERT INTO recorder_progress (session, next_seq) VALUES (${session}, 0) ON CONFLICT (session) DO NOTHING`;
      this.sessions.add(session);
    }
    const hasFeatures = rows.some((r) => r.table === FEATURES);
    const featureSet = hasFeatures ? await this.featureSetId(batch.featureNames) : null;
    await this.ensurePartitions(rows);

    const lastSeq = rows[rows.length - 1]!.seq;
    return this.sql.begin(async (tx) => {
      try {
        return await this.writeInTransaction(tx, batch, featureSet, lastSeq);
      } catch (error) {
        // postgres.js answers a failed transaction callback with ROLLBACK on the same connection;
        // when that connection is gone, the write crashes the process (postgres-guard.ts). Leave
        // the callback unsettled instead: begin() has already rejected with the connection error,
        // and the server rolls the transaction back when the session ends.
        if (isConnectionError(error)) await new Promise<never>(() => {});
        throw error;
      }
    }) as Promise<WriteResult>;
  }

  private async writeInTransaction(tx: TransactionSql, batch: WriteBatch, featureSet: number | null, lastSeq: number): Promise<WriteResult> {
    const { session, rows } = batch;
    const [ledger] = await tx<{ next_seq: number }[]>`SELECT next_seq FROM recorder_progress WHERE session = ${session} FOR UPDATE`;
    if (!ledger) throw new Error(`recorder_progress has no row for session ${session}`);
    const nextSeq = Number(ledger.next_seq);
    let first = 0;
    while (first < rows.length && rows[first]!.seq < nextSeq) first++;
    if (first === rows.length) return { inserted: 0, alreadyPresent: rows.length };

    const byTable: RowValues[][] = TABLES.map(() => []);
    for (let i = first; i < rows.length; i++) byTable[rows[i]!.table]!.push(rows[i]!.values);
    for (let t = 0; t < byTable.length; t++) {
      const tableRows = byTable[t]!;
      if (tableRows.length === 0) continue;
      const override = t === FEATURES ? FEATURE_SET_COLUMN : -1;
      // Alerts are few, and a replay raises the same ids again: COPY cannot skip a duplicate, INSERT ... ON CONFLICT can.
      if (t === ANOMALIES) await this.insert(tx, t, tableRows, -1, null, " ON CONFLICT (id, ts) DO NOTHING");
      else if (this.method === "copy") await this.copy(tx, t as TableId, tableRows, override, featureSet);
      else await this.insert(tx, t as TableId, tableRows, override, featureSet);
    }
    await tx`UPDATE recorder_progress SET next_seq = ${lastSeq + 1}, updated_at = now() WHERE session = ${session}`;
    return { inserted: rows.length - first, alreadyPresent: first };
  }

  /** The `feature_sets` id of a names list: inserted the first time, then read from the cache. */
  async featureSetId(names: readonly string[]): Promise<number> {
    const key = JSON.stringify(names);
    const known = this.featureSets.get(key);
    if (known !== undefined) return known;
    const list = [...names];
    let [row] = await this.sql<{ id: number }[]>`
      INSERT INTO feature_sets (names) VALUES (${list}::text[]) ON CONFLICT (names) DO NOTHING RETURNING id`;
    row ??= (await this.sql<{ id: number }[]>`SELECT id FROM feature_sets WHERE names = ${list}::text[]`)[0];
    if (!row) throw new Error(`feature set neither inserted nor found: ${names.length} names starting ${names.slice(0, 3).join(",")}`);
    this.featureSets.set(key, row.id);
    return row.id;
  }

  private async ensurePartitions(rows: readonly QueuedRow[]): Promise<void> {
    const days: Set<number>[] = TABLES.map(() => new Set());
    for (const row of rows) days[row.table]!.add(Math.floor((row.values[TS_COLUMN] as number) / DAY_MS) * DAY_MS);
    for (let t = 0; t < days.length; t++) {
      if (days[t]!.size > 0) await this.partitions.ensureDays(TABLES[t]!.name, days[t]!);
    }
  }

  private async copy(tx: TransactionSql, table: TableId, rows: RowValues[], override: number, featureSet: number | null): Promise<void> {
    const spec = TABLES[table]!;
    const bytes = this.encoder.encode(table, rows, override, featureSet);
    const stream = await tx.unsafe(`COPY ${spec.name} (${spec.columns.join(", ")}) FROM STDIN WITH (FORMAT binary)`).writable();
    await new Promise<void>((resolve, reject) => {
      stream.on("error", (error) => {
        // postgres.js's COPY stream writes to its socket directly and throws a TypeError once it is gone.
        const lost = error instanceof TypeError && /socket/.test(error.message);
        reject(lost ? Object.assign(new Error(`connection lost during COPY into ${spec.name}: ${error.message}`), { code: "CONNECTION_CLOSED" }) : error);
      });
      stream.on("finish", resolve);
      stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }

  private async insert(tx: TransactionSql, table: TableId, rows: RowValues[], override: number, featureSet: number | null, onConflict = ""): Promise<void> {
    const { name, columns, kinds } = TABLES[table]!;
    const perStatement = Math.floor(MAX_PARAMS / columns.length);
    for (let start = 0; start < rows.length; start += perStatement) {
      const end = Math.min(rows.length, start + perStatement);
      const params: (string | null)[] = [];
      let values = "";
      for (let r = start; r < end; r++) {
        const row = rows[r]!;
        values += r === start ? "(" : ",(";
        for (let c = 0; c < kinds.length; c++) {
          params.push(literal(kinds[c]!, c === override ? featureSet : row[c]!));
          values += (c === 0 ? "$" : ",$") + params.length + CAST[kinds[c]!];
        }
        values += ")";
      }
      await tx.unsafe(`INSERT INTO ${name} (${columns.join(", ")}) VALUES ${values}${onConflict}`, params);
    }
  }
}
