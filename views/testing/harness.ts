#!/usr/bin/env bun
/**
 * Dev harness: the web layer alone, fed by FakeMarket through a real Fanout.
 * `bun views/testing/harness.ts [--port N]` prints the same ready line as
 * src/main.ts, so the browser test can drive either.
 */
import { Fanout } from "../../actors/hub/fanout.ts";
import type { StatusFact } from "../../src/switchboard.ts";
import { createWebApp } from "../app.ts";
import { FAKE_FEATURE_NAMES, FakeMarket } from "./fake-market.ts";

const portArg = Bun.argv.indexOf("--port");
const port = portArg > 0 ? Number(Bun.argv[portArg + 1]) : 8080;
const symbols = ["BTCUSDT", "ETHUSDT"];
const fanout = new Fanout(FAKE_FEATURE_NAMES);
const markets = [new FakeMarket("BTCUSDT", 0.1, 65_000, 1), new FakeMarket("ETHUSDT", 0.01, 3_400, 2)];
const actors = { feed: "live", book: "live", analytics: "live", hub: "live" };
const status = (): StatusFact => ({ mode: "sim", symbols, actors, tsMs: Date.now() });

const app = createWebApp({
  mode: "sim",
  symbols,
  featureNames: FAKE_FEATURE_NAMES,
  fanout,
  health: () => ({ status: "ok", mode: "sim", actors }),
  metricsText: () => `genesis_published_total ${fanout.published}\n`,
}).listen({ hostname: "127.0.0.1", port });

// 50 frames per second per symbol, like a quiet live market.
setInterval(() => {
  const now = Date.now();
  for (const market of markets) fanout.publish(market.step(now));
}, 20);
setInterval(() => fanout.publishStatus(status()), 1000);
fanout.publishStatus(status());
console.log(`genesis listening on http://127.0.0.1:${app.server!.port}`);
