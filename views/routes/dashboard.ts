/** GET /: the dashboard page for one symbol (`?symbol=`, default the first served). */
import { Elysia, t } from "elysia";
import { decimalsOf, specFor } from "../../src/symbols.ts";
import type { WebDeps } from "../deps.ts";
import { type DashboardView, dashboardBody } from "../partials/dashboard.ts";
import { layout } from "../partials/layout.ts";
import { parseDashboardSymbol } from "../query.ts";
import { pickTiles } from "../tiles.ts";

export function dashboardView(deps: WebDeps, symbol: string): DashboardView {
  const spec = specFor(symbol);
  return {
    mode: deps.mode,
    symbols: deps.symbols,
    symbol,
    priceDecimals: spec ? decimalsOf(spec.tickSize) : null,
    qtyDecimals: spec ? decimalsOf(spec.lotSize) : null,
    tiles: pickTiles(deps.featureNames),
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
      return new Response(renderDashboard(dashboardView(deps, symbol)), {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    },
    { query: t.Object({ symbol: t.Optional(t.String()) }) },
  );
}
