/**
 * The pipeline at full speed with recording on: the simulator through every
 * actor (as `pipeline.bench.ts`), and the recorder writing book snapshots
 * (100 ms cadence), trades and every feature row into the local PostgreSQL
 * server (a scratch database). Reports the pipeline's rate, the rows the
 * recorder took in, and how long the database needed to catch up after the
 * feed stopped.
 */
import type { BenchResult } from "./run.ts";
import { FEATURE_NAMES, nativeStatus } from "../actors/analytics/engine.ts";
import { PgBatchWriter } from "../actors/recorder/pg-writer.ts";
import { openDatabase } from "../src/db/database.ts";
import { PartitionManager } from "../src/db/partitions.ts";
import { createScratchDatabase, makeTempDir } from "../src/db/testing.ts";
import { GenesisSystem } from "../src/system.ts";
import { fullSpeedSim } from "./sim-system.ts";

const FRAMES = 300_000;

export async function run(): Promise<BenchResult[]> {
  const scratch = await createScratchDatabase();
  const dataDir = makeTempDir("genesis-bench-");
  const database = await openDatabase({ url: scratch.url, dataDir: dataDir.path });
  try {
    const system = new GenesisSystem({
      ...fullSpeedSim(nativeStatus().available ? "native" : "ts", FRAMES),
      recorder: {
        writer: PgBatchWriter.forDatabase(database, { partitions: new PartitionManager(database.sql) }),
        options: { dataDir: dataDir.path, featureNames: FEATURE_NAMES, recordBookMs: 100, maxBufferedRows: 2_000_000 },
      },
    });
    const done = system.finished();
    const startNs = Bun.nanoseconds();
    system.start();
    await done;
    const pipelineS = (Bun.nanoseconds() - startNs) / 1e9;
    const counters = system.counters();
    await system.stopGracefully(120_000);
    const totalS = (Bun.nanoseconds() - startNs) / 1e9;
    const [{ trades }] = await database.sql`SELECT count(*)::int AS trades FROM trades`;
    const [{ features }] = await database.sql`SELECT count(*)::int AS features FROM features`;
    if (features === 0) throw new Error("nothing recorded");
    return [
      { bench: "pipeline.sim.recording.updates_per_s", value: Math.round(counters.book.bookUpdates / pipelineS), unit: "book updates/s" },
      { bench: "pipeline.sim.recording.rows_written", value: trades + features, unit: "trade + feature rows" },
      { bench: "pipeline.sim.recording.rows_per_s_end_to_end", value: Math.round((trades + features) / totalS), unit: "rows/s (until the database caught up)" },
    ];
  } finally {
    await database.close();
    await scratch.drop();
    dataDir.remove();
  }
}
