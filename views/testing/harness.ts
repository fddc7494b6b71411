#!/usr/bin/env bun
/**
 * Dev harness: the web layer alone, fed by FakeMarket through a real Fanout.
 * `bun views/testing/harness.ts [--port N] [--replay] [--control-token T]`
 * prints the same ready line as src/main.ts, so the browser tests can drive
 * either. `--replay` adds a FakeReplay behind the replay controls; every
 * 6 s BTCUSDT's book goes stale for 1.5 s with a gap event at each end.
 */
import { Fanout } from "../../actors/hub/fanout.ts";
import type { GapFact, StatusFact } from "../../src/switchboard.ts";
import { createWebApp } from "../app.ts";
import { FAKE_FEATURE_NAMES, FakeMarket } from "./fake-market.ts";
import { FakeReplay } from "./fake-replay.ts";

const flag = (name: string) => {
  const at = Bun.argv.indexOf(name);
  return at > 0 ? Bun.argv[at + 1] : undefined;
};
const port = Number(flag("--port") ?? 8080);
const replayMode = Bun.argv.includes("--replay");
const mode = replayMode ? "replay" : "sim";
const symbols = ["BTCUSDT", "ETHUSDT"];
const fanout = new Fanout(FAKE_FEATURE_NAMES);
const markets = [new FakeMarket("BTCUSDT", 0.1, 65_000, 1), new FakeMarket("ETHUSDT", 0.01, 3_400, 2)];
const actors = { feed: "live", book: "live", analytics: "live", hub: "live" };
// Like the shared BTCUSDT recordings: 8 minutes, the end known only once reached.
const replayStartTsMs = Date.parse("2024-07-18T23:57:00Z");
const replay = replayMode
  ? new FakeReplay({ tsMs: replayStartTsMs, framesSent: 0, paused: false, speed: 10, startTsMs: replayStartTsMs }, 0, replayStartTsMs + 8 * 60_000).play()
  : undefined;
const status = (): StatusFact => ({ mode, symbols, actors: { ...actors, ...(replay ? { feed: replay.state } : {}) }, tsMs: Date.now() });

const app = createWebApp({
  mode,
  symbols,
  featureNames: FAKE_FEATURE_NAMES,
  fanout,
  health: () => ({ status: "ok", mode, actors }),
  metricsText: () => `genesis_published_total ${fanout.published}\n`,
  replay,
  controlToken: flag("--control-token"),
}).listen({ hostname: "127.0.0.1", port });

// 50 frames per second per symbol, like a quiet live market; a paused replay sends nothing.
setInterval(() => {
  if (replay && replay.state !== "running") return;
  const now = Date.now();
  for (const market of markets) fanout.publish(market.step(now));
}, 20);
setInterval(() => fanout.publishStatus(status()), 1000);
fanout.publishStatus(status());

if (replayMode) {
  const btc = markets[0]!;
  // Like the book actor: `expectedPu` is the last good book's u; the recovering snapshot is newer than any book sent.
  const gap = (phase: GapFact["phase"], startedAt: number, u: number): GapFact => ({
    kind: "gap",
    symbol: "BTCUSDT",
    phase,
    reason: "pu_mismatch",
    expectedPu: u - 1,
    gotPu: u + 3,
    u: u + 4,
    exchTsMs: startedAt,
    localTsMs: phase === "started" ? startedAt : Date.now(),
    recoveredU: phase === "recovered" ? btc.nextU : null,
    staleMs: phase === "recovered" ? Date.now() - startedAt : null,
  });
  setInterval(() => {
    const startedAt = Date.now();
    const u = btc.nextU;
    btc.stale = true;
    fanout.publish([gap("started", startedAt, u)]);
    setTimeout(() => {
      btc.stale = false;
      fanout.publish([gap("recovered", startedAt, u)]);
    }, 1500);
  }, 6000);
}
console.log(`genesis listening on http://127.0.0.1:${app.server!.port}`);
