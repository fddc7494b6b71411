/**
 * `genesis [flags]`: runs the actor system behind the web server until
 * SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { PgBatchWriter } from "../../actors/recorder/pg-writer.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { anomalyQueries } from "../db/anomalies.ts";
import { historyQueries } from "../db/history.ts";
import { createSurveillanceEngine } from "../../actors/surveillance/engine.ts";
import { PartitionManager } from "../db/partitions.ts";
import { createWebApp } from "../../views/app.ts";
import type { ServeOptions } from "../cli.ts";
import { createMetrics } from "../metrics.ts";
import { GenesisSystem } from "../system.ts";
import { FEATURE_NAMES } from "../../actors/analytics/engine.ts";
import { chooseEngine } from "./engine-choice.ts";
import { marketSource } from "./market-source.ts";
import { loadChosenModel } from "./model-choice.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

export async function serve(options: ServeOptions): Promise<void> {
  const engine = chooseEngine(options.engine);
  const model = options.model === false ? null : await loadChosenModel(options.model, { device: options.device, worker: true });
  if (model) console.error(`genesis: model ${model.name} on ${model.device} (horizon k=${model.meta.horizon.k} events)`);
  const database = options.record === false ? null : await openRecordingDatabase(options);
  const source = await marketSource(options, database);
  // A replay from the database reads it; recording that replay would write the same rows back.
  const recording = database !== null && !options.fromDb;
  const partitions = database ? new PartitionManager(database.sql) : null;
  if (recording) await partitions!.ensureAround(Date.now());
  const partitionTimer = recording ? setInterval(() => void partitions!.ensureAround(Date.now()).catch(() => {}), 3_600_000) : null;
  const exposed = !LOOPBACK.test(options.host);
  // Controls change state: on an exposed server they need a token; make one if none was given.
  const controlToken = options.token ?? (exposed ? randomBytes(18).toString("base64url") : undefined);
  if (exposed && !options.token) console.error(`genesis: bound to ${options.host}; controls need the token ${controlToken} (set --token to choose one)`);

  const system = new GenesisSystem({
    mode: options.mode,
    symbols: source.symbols,
    engine,
    feed: source.feed,
    specs: source.specs,
    surveillance: { createEngine: (spec) => createSurveillanceEngine(spec, {}, engine === "ts" ? "ts" : undefined) },
    inference: model ? { model, options: { everyEvents: options.predictEvents, minIntervalMs: options.predictMs } } : undefined,
    recorder: recording
      ? {
          // Binary COPY on a server; inserts on PGlite, whose socket server drops COPY FROM STDIN.
          writer: PgBatchWriter.forDatabase(database!, { partitions: partitions! }),
          // PGlite has one connection: smaller transactions keep history queries responsive.
          options: { dataDir: options.dataDir, featureNames: FEATURE_NAMES, recordBookMs: options.recordBookMs, batchRows: database!.kind === "embedded" ? 1000 : undefined },
        }
      : undefined,
  }).start();
  const metrics = createMetrics(system);
  const app = createWebApp({
    mode: options.mode,
    symbols: source.symbols,
    featureNames: system.featureNames,
    fanout: system.fanout,
    health: () => ({
      status: system.actorStates().recorder === "degraded" ? "degraded" : "ok",
      mode: options.mode,
      engine,
      symbols: source.symbols,
      uptimeS: Math.round((Date.now() - system.startedAtMs) / 1000),
      actors: system.actorStates(),
      books: system.books(),
      replay: system.replayPosition(),
      database: database?.description ?? null,
      recorder: recorderHealth(system),
      model: model ? { name: model.name, device: model.device, horizon: model.meta.horizon.k, ...system.inferenceCounters() } : null,
    }),
    history: database ? historyQueries(database.sql) : undefined,
    anomalies: database ? anomalyQueries(database.sql) : undefined,
    metricsText: () => metrics.metrics(),
    // Replayed frames carry their recorded receive times: latency is only meaningful live (and in sim).
    observeSseLatencyMs: options.mode === "replay" ? undefined : (ms) => metrics.observeSseLatencyMs(ms),
    replay: options.mode === "replay" ? { position: () => system.replayPosition(), command: (command) => system.playback(command) } : undefined,
    controlToken,
  });
  app.listen({ hostname: options.host, port: options.port });
  const server = app.server;
  if (!server) throw new Error(`could not listen on ${options.host}:${options.port}`);

  const shutdown = async (signal: string) => {
    console.error(`genesis: ${signal} received, shutting down`);
    // Open SSE streams can hold the server, a stuck database the recorder: never wait forever.
    setTimeout(() => process.exit(0), 10_000).unref();
    if (partitionTimer) clearInterval(partitionTimer);
    await system.stopGracefully();
    await app.stop(true).catch(() => {});
    await database?.close().catch(() => {});
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  const shownHost = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  console.log(`genesis listening on http://${shownHost}:${server.port}`);
}

async function openRecordingDatabase(options: ServeOptions): Promise<Database> {
  const startedMs = Date.now();
  const database = await openDatabase({ url: options.db, dataDir: options.dataDir });
  console.error(`genesis: recording into ${database.description} (${Date.now() - startedMs} ms to open)`);
  return database;
}

function recorderHealth(system: GenesisSystem) {
  const counters = system.recorderCounters();
  if (!counters) return null;
  const { state, lastError, total, spillFiles } = counters;
  return { state, lastError, ...total, spillFiles };
}
