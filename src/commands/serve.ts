/**
 * `genesis [flags]`: runs the actor system behind the web server until
 * SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { createWebApp } from "../../views/app.ts";
import type { ServeOptions } from "../cli.ts";
import { createMetrics } from "../metrics.ts";
import { GenesisSystem } from "../system.ts";
import { chooseEngine } from "./engine-choice.ts";
import { marketSource } from "./market-source.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

export async function serve(options: ServeOptions): Promise<void> {
  const engine = chooseEngine(options.engine);
  const source = await marketSource(options);
  const exposed = !LOOPBACK.test(options.host);
  // Controls change state: on an exposed server they need a token; make one if none was given.
  const controlToken = options.token ?? (exposed ? randomBytes(18).toString("base64url") : undefined);
  if (exposed && !options.token) console.error(`genesis: bound to ${options.host}; controls need the token ${controlToken} (set --token to choose one)`);

  const system = new GenesisSystem({ mode: options.mode, symbols: source.symbols, engine, feed: source.feed, specs: source.specs }).start();
  const metrics = createMetrics(system);
  const app = createWebApp({
    mode: options.mode,
    symbols: source.symbols,
    featureNames: system.featureNames,
    fanout: system.fanout,
    health: () => ({
      status: "ok",
      mode: options.mode,
      engine,
      symbols: source.symbols,
      uptimeS: Math.round((Date.now() - system.startedAtMs) / 1000),
      actors: system.actorStates(),
      books: system.books(),
      replay: system.replayPosition(),
    }),
    metricsText: () => metrics.metrics(),
    // Replayed frames carry their recorded receive times: latency is only meaningful live (and in sim).
    observeSseLatencyMs: options.mode === "replay" ? undefined : (ms) => metrics.observeSseLatencyMs(ms),
    replay: options.mode === "replay" ? { position: () => system.replayPosition(), command: (command) => system.playback(command) } : undefined,
    controlToken,
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
