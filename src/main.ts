#!/usr/bin/env bun
/**
 * Entry point: `genesis [flags]` runs the service (see `genesis --help`).
 * Wires the actor system to the web app and handles shutdown signals.
 */
import { nativeStatus } from "../actors/analytics/engine.ts";
import { createWebApp } from "../views/app.ts";
import { CliExit, parseServeArgs, type ServeOptions } from "./cli.ts";
import { createMetrics } from "./metrics.ts";
import { GenesisSystem } from "./system.ts";
import type { Engine } from "./switchboard.ts";

async function main(argv: readonly string[]): Promise<void> {
  let options: ServeOptions;
  try {
    options = parseServeArgs(argv);
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    (error.exitCode === 0 ? process.stdout : process.stderr).write(error.message.endsWith("\n") ? error.message : `${error.message}\n`);
    process.exit(error.exitCode);
  }
  const engine = chooseEngine(options.engine);
  const system = new GenesisSystem({
    mode: options.mode,
    symbols: options.symbols,
    engine,
    feed: { mode: "sim", symbols: options.symbols, seed: options.seed, paced: true, eventsPerSecondPerSymbol: options.rate },
  }).start();
  const metrics = createMetrics(system);
  const app = createWebApp({
    mode: options.mode,
    symbols: options.symbols,
    featureNames: system.featureNames,
    fanout: system.fanout,
    health: () => ({
      status: "ok",
      mode: options.mode,
      engine,
      symbols: options.symbols,
      uptimeS: Math.round((Date.now() - system.startedAtMs) / 1000),
      actors: system.actorStates(),
      books: system.books(),
    }),
    metricsText: () => metrics.metrics(),
  });
  app.listen({ hostname: options.host, port: options.port });
  const server = app.server;
  if (!server) throw new Error(`could not listen on ${options.host}:${options.port}`);
  const shutdown = (signal: string) => {
    console.error(`genesis: ${signal} received, shutting down`);
    system.stop();
    void app.stop().finally(() => process.exit(0));
    // Open SSE streams can hold the server: do not wait for them forever.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  const shownHost = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  console.log(`genesis listening on http://${shownHost}:${server.port}`);
}

/** Native by default; the TypeScript engine when the library is missing, said once and plainly. */
function chooseEngine(requested: Engine): Engine {
  if (requested === "ts") return "ts";
  const status = nativeStatus();
  if (status.available) return "native";
  console.error(`genesis: native analytics unavailable (${status.reason}); using the TypeScript engine`);
  return "ts";
}

await main(Bun.argv.slice(2));
