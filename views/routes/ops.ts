/** GET /health and GET /metrics: for load balancers and Prometheus. */
import { Elysia } from "elysia";
import type { WebDeps } from "../deps.ts";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function opsRoutes(deps: WebDeps) {
  return new Elysia({ name: "genesis.ops" })
    .get("/health", () => {
      const report = deps.health();
      return new Response(JSON.stringify(report), {
        status: report.status === "ok" ? 200 : 503,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      });
    })
    .get("/metrics", async () => {
      const text = await deps.metricsText();
      return new Response(text, {
        headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
      });
    });
}
