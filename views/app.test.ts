import { describe, expect, test } from "bun:test";
import { createWebApp } from "./app.ts";
import { CONTENT_SECURITY_POLICY } from "./http.ts";
import { ASSETS, assetUrl } from "./routes/assets.ts";
import { testDeps } from "./testing/deps.ts";

const get = (app: ReturnType<typeof createWebApp>, path: string, init?: RequestInit) =>
  app.handle(new Request(`http://localhost${path}`, init));

describe("ops", () => {
  test("health: 200 when ok, 503 when degraded, body from deps", async () => {
    const ok = await get(createWebApp(testDeps()), "/health");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await ok.json()).toEqual({ status: "ok", mode: "sim", actors: { feed: "live", book: "live", analytics: "live", hub: "live" } });

    const degraded = createWebApp(testDeps({ health: () => ({ status: "degraded", mode: "live", actors: { feed: "resyncing" }, reason: "gap" }) }));
    const res = await get(degraded, "/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", reason: "gap" });
  });

  test("metrics: Prometheus text, sync or async", async () => {
    for (const metricsText of [() => "up 1\n", async () => "up 1\n"]) {
      const res = await get(createWebApp(testDeps({ metricsText })), "/metrics");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(await res.text()).toBe("up 1\n");
    }
  });
});

describe("validation: 400 with a message naming the parameter", () => {
  const app = createWebApp(testDeps());
  test.each([
    ["/sse?symbols=FOOUSDT", 'unknown symbol "FOOUSDT" in symbols; served: BTCUSDT,ETHUSDT'],
    ["/sse?symbols=BTCUSDT&events=book,quotes", 'unknown event "quotes" in events; known: book,features,trade,gap,anomaly,prediction,status'],
    ["/sse?throttleMs=fast", 'invalid throttleMs "fast": expected an integer from 0 to 10000'],
    ["/sse?throttleMs=20000", 'invalid throttleMs "20000": expected an integer from 0 to 10000'],
    ["/?symbol=DOGEUSDT", 'unknown symbol "DOGEUSDT" in symbol; served: BTCUSDT,ETHUSDT'],
    ["/?symbol=%3Cscript%3E", 'unknown symbol "<script>" in symbol; served: BTCUSDT,ETHUSDT'],
  ])("%s", async (path, message) => {
    const res = await get(app, path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe(`${message}\n`);
  });
});

describe("assets", () => {
  const app = createWebApp(testDeps());
  test.each(Object.keys(ASSETS))("%s: content type, long cache, non-empty", async (name) => {
    const res = await get(app, assetUrl(name));
    expect(res.status).toBe(200);
    const type = name.endsWith(".css") ? "text/css; charset=utf-8" : name.endsWith(".svg") ? "image/svg+xml" : "text/javascript; charset=utf-8";
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  test("the versions are content hashes: files differ, so do versions", () => {
    const versions = new Set(Object.values(ASSETS).map((a) => a.version));
    expect(versions.size).toBe(Object.keys(ASSETS).length);
  });

  test("unknown asset is a plain 404 naming it", async () => {
    for (const name of ["nope.js", "constructor", "__proto__"]) {
      const res = await get(app, `/assets/${name}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe(`no asset named ${JSON.stringify(name)}\n`);
    }
  });
});

describe("security headers", () => {
  const app = createWebApp(testDeps());
  test.each(["/", "/health", "/metrics", "/sse?symbols=NOPE", "/assets/app.js", "/no/such/route"])("%s", async (path) => {
    const res = await get(app, path, { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    await res.body?.cancel();
  });

  test("the CSP allows no inline script and no eval", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-inline");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe-eval");
  });
});

describe("dashboard", () => {
  test("renders every widget id, the feed and the symbol switcher", async () => {
    const res = await get(createWebApp(testDeps()), "/?symbol=ethusdt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    for (const id of ["topbar", "mode-badge", "symbol-switcher", "sse-status", "actor-states", "msg-rate", "price-chart", "book-panel", "ladder", "ladder-asks", "ladder-bids", "ladder-spread", "feature-tiles", "trade-tape", "gap-panel", "gap-log", "gap-count", "prediction-panel", "prediction-bars", "prediction-model", "book-stale", "chart-stale", "sse-feed"]) {
      expect(page).toContain(`id="${id}"`);
    }
    expect(page.match(/class="lvl ask"/g)?.length).toBe(20);
    expect(page.match(/class="lvl bid"/g)?.length).toBe(20);
    expect(page).toContain('hx-sse:connect="/sse?symbols=ETHUSDT&amp;events=book,features,trade,gap,prediction,status&amp;throttleMs=100"');
    expect(page).toContain('data-symbol="ETHUSDT"');
    expect(page).toContain('<a class="tab" href="/?symbol=ETHUSDT" aria-current="page"');
    expect(page).toContain('<a class="tab" href="/?symbol=BTCUSDT"');
    expect(page).toContain('data-price-decimals="2"');
    expect(page).toContain('id="tile-spread_bps"');
    expect(page).toContain('id="tile-imbalance_l5" data-feature="imbalance_l5" data-format="number" data-signed');
    expect(page).toContain('data-format="price"');
    // Scripts only by src: the CSP forbids inline ones.
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page).not.toMatch(/\sstyle=/);
  });

  test("hostile symbol and feature names are escaped everywhere", async () => {
    const evil = `X<script>alert("x")</script>&'`;
    const app = createWebApp(testDeps({ symbols: [evil, "BTCUSDT"], featureNames: [`f"><img src=x onerror=alert(1)>`] }));
    const page = await (await get(app, "/")).text();
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("X&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    expect(page).toContain(`href="/?symbol=${encodeURIComponent(evil).replaceAll("'", "&#39;")}"`);
    expect(page).toContain('id="tile-f&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });

  test("no features: the tiles panel says so instead of breaking", async () => {
    const page = await (await get(createWebApp(testDeps({ featureNames: [] })), "/")).text();
    expect(page).toContain("no features configured");
  });
});
