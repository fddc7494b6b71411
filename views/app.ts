/**
 * The web layer: one Elysia instance per feature, composed here. Routes
 * depend only on `WebDeps`; `createWebApp(deps).listen(port)` serves them.
 */
import { Elysia } from "elysia";
import { controlAuth } from "./control-auth.ts";
import type { WebDeps } from "./deps.ts";
import { SECURITY_HEADERS } from "./http.ts";
import { alertsRoutes } from "./routes/alerts.ts";
import { assetRoutes } from "./routes/assets.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { historyRoutes } from "./routes/history.ts";
import { opsRoutes } from "./routes/ops.ts";
import { replayRoutes } from "./routes/replay.ts";
import { streamRoutes } from "./routes/stream.ts";

export type { WebDeps } from "./deps.ts";

/** Security headers on every response, errors and 404s included. */
function securityHeaders() {
  return new Elysia({ name: "genesis.security" })
    .onRequest(({ set }) => {
      Object.assign(set.headers, SECURITY_HEADERS);
    })
    .as("global");
}

export function createWebApp(deps: WebDeps) {
  return new Elysia()
    .use(securityHeaders())
    .use(controlAuth(deps.controlToken))
    .use(opsRoutes(deps))
    .use(streamRoutes(deps))
    .use(replayRoutes(deps))
    .use(historyRoutes(deps))
    .use(alertsRoutes(deps))
    .use(assetRoutes())
    .use(dashboardRoutes(deps));
}

export type WebApp = ReturnType<typeof createWebApp>;
