/** WebDeps for tests and the dev harness, around a real Fanout. */
import { Fanout } from "../../actors/hub/fanout.ts";
import type { HealthReport, WebDeps } from "../deps.ts";
import { FAKE_FEATURE_NAMES } from "./fake-market.ts";

export interface TestDeps extends WebDeps {
  fanout: Fanout;
}

export function testDeps(overrides: Partial<WebDeps> = {}): TestDeps {
  const fanout = new Fanout(overrides.featureNames ?? FAKE_FEATURE_NAMES);
  return {
    mode: "sim",
    symbols: ["BTCUSDT", "ETHUSDT"],
    featureNames: FAKE_FEATURE_NAMES,
    health: (): HealthReport => ({ status: "ok", mode: "sim", actors: { feed: "live", book: "live", analytics: "live", hub: "live" } }),
    metricsText: () => `# HELP genesis_sse_clients SSE clients\n# TYPE genesis_sse_clients gauge\ngenesis_sse_clients ${fanout.subscriberCount}\n`,
    ...overrides,
    fanout,
  };
}
