/**
 * GET /: the dashboard page for one symbol (`?symbol=`, default the first
 * served). In replay mode it carries the control bar; `?token=` that matches
 * the control token is put on the bar's requests (never rendered otherwise).
 */
import { Elysia, t } from "elysia";
import { decimalsOf, specFor } from "../../src/symbols.ts";
import { provenToken } from "../control-auth.ts";
import type { WebDeps } from "../deps.ts";
import { type DashboardView, dashboardBody } from "../partials/dashboard.ts";
import { layout } from "../partials/layout.ts";
import type { ReplayControlsView, ReplayStatusLike } from "../partials/replay.ts";
import { parseDashboardSymbol } from "../query.ts";
import { pickTiles } from "../tiles.ts";

export function replayView(deps: WebDeps, presentedToken: string | null | undefined): ReplayControlsView | null {
  if (deps.replay === undefined) return null;
  const token = provenToken(presentedToken, deps.controlToken);
  return { status: deps.replay.position() as ReplayStatusLike | null, token, locked: Boolean(deps.controlToken) && token === null };
}

export function dashboardView(deps: WebDeps, symbol: string, token?: string): DashboardView {
  const spec = specFor(symbol);
  return {
    mode: deps.mode,
    symbols: deps.symbols,
    symbol,
    priceDecimals: spec ? decimalsOf(spec.tickSize) : null,
    qtyDecimals: spec ? decimalsOf(spec.lotSize) : null,
    tiles: pickTiles(deps.featureNames),
    replay: replayView(deps, token),
    // A replay's clock is the recording's, not the last hour's: no prefill there.
    history: deps.history !== undefined && deps.mode !== "replay",
  };
}

export function renderDashboard(view: DashboardView): string {
  return layout(`${view.symbol} · Genesis`, dashboardBody(view)).value;
}

export function dashboardRoutes(deps: WebDeps) {
  return new Elysia({ name: "genesis.dashboard" }).get(
    "/",
    ({ query }) => {
      const symbol = parseDashboardSymbol(query.symbol, deps.symbols);
      return new Response(renderDashboard(dashboardView(deps, symbol, query.token)), {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    },
    { query: t.Object({ symbol: t.Optional(t.String()), token: t.Optional(t.String()) }) },
  );
}
