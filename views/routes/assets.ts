/**
 * GET /assets/:name: the browser code, embedded in the compiled binary.
 *
 * Each file is a static `with { type: "file" }` import, which is what makes
 * `bun build --compile` embed it (a computed path would not be). URLs carry
 * a content hash (`?v=`), so responses can be cached for a year.
 */
import { readFileSync } from "node:fs";
import { Elysia } from "elysia";
import htmxPath from "../../node_modules/htmx.org/dist/htmx.min.js" with { type: "file" };
import htmxSsePath from "../../node_modules/htmx.org/dist/ext/hx-sse.min.js" with { type: "file" };
import hyperscriptPath from "../../node_modules/hyperscript.org/dist/_hyperscript.min.js" with { type: "file" };
import uplotCssPath from "../../node_modules/uplot/dist/uPlot.min.css" with { type: "file" };
import uplotPath from "../../node_modules/uplot/dist/uPlot.iife.min.js" with { type: "file" };
import alertsCssPath from "../assets/alerts.css" with { type: "file" };
import appCssPath from "../assets/app.css" with { type: "file" };
import appAlertsJsPath from "../assets/app-alerts.js" with { type: "file" };
import appHealthJsPath from "../assets/app-health.js" with { type: "file" };
import appHistoryJsPath from "../assets/app-history.js" with { type: "file" };
import appJsPath from "../assets/app.js" with { type: "file" };
import appPredictionJsPath from "../assets/app-prediction.js" with { type: "file" };
import faviconPath from "../assets/favicon.svg" with { type: "file" };
import { HttpError } from "../http.ts";

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const SVG = "image/svg+xml";

interface Asset {
  readonly path: string;
  readonly contentType: string;
  readonly version: string;
}

function asset(path: string, contentType: string): Asset {
  const version = Bun.hash(readFileSync(path)).toString(36).slice(0, 10);
  return { path, contentType, version };
}

/** Served name -> file. Names are the public URLs: keep them stable. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "htmx.min.js": asset(htmxPath, JS),
  "hx-sse.min.js": asset(htmxSsePath, JS),
  "_hyperscript.min.js": asset(hyperscriptPath, JS),
  "uPlot.iife.min.js": asset(uplotPath, JS),
  "uPlot.min.css": asset(uplotCssPath, CSS),
  "app.js": asset(appJsPath, JS),
  "app-health.js": asset(appHealthJsPath, JS),
  "app-history.js": asset(appHistoryJsPath, JS),
  "app-alerts.js": asset(appAlertsJsPath, JS),
  "app-prediction.js": asset(appPredictionJsPath, JS),
  "app.css": asset(appCssPath, CSS),
  "alerts.css": asset(alertsCssPath, CSS),
  "favicon.svg": asset(faviconPath, SVG),
};

/** The URL the pages use for `name`, versioned by content. */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  const entry = ASSETS[name];
  if (entry === undefined) throw new Error(`no such asset: ${name}`);
  return `/assets/${name}?v=${entry.version}`;
}

export function assetRoutes() {
  return new Elysia({ name: "genesis.assets" }).get("/assets/:name", ({ params }) => {
    const entry = Object.hasOwn(ASSETS, params.name) ? ASSETS[params.name] : undefined;
    if (entry === undefined) throw new HttpError(404, "not_found", `no asset named ${JSON.stringify(params.name)}`);
    return new Response(Bun.file(entry.path), {
      headers: {
        "content-type": entry.contentType,
        "cache-control": "public, max-age=31536000, immutable",
        etag: `"${entry.version}"`,
      },
    });
  });
}
