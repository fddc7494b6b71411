import { describe, expect, test } from "bun:test";
import { createWebApp } from "./app.ts";
import { hasControlToken, isStateChanging, presentedToken, provenToken, tokenMatches } from "./control-auth.ts";
import type { WebDeps } from "./deps.ts";
import { CONTENT_SECURITY_POLICY } from "./http.ts";
import { testDeps } from "./testing/deps.ts";
import { FakeReplay } from "./testing/fake-replay.ts";

const TOKEN = "s3cret-Token_0123456789";
const START = Date.parse("2024-07-18T00:00:00Z");

function app(overrides: Partial<WebDeps> = {}) {
  const replay = new FakeReplay({ tsMs: START, framesSent: 0, paused: false, speed: 1, startTsMs: START, endTsMs: START + 3_600_000 });
  const web = createWebApp(testDeps({ mode: "replay", replay, ...overrides }));
  const call = (path: string, init: RequestInit = {}) => web.handle(new Request(`http://localhost${path}`, init));
  return { replay, call };
}

const MISSING = 'missing control token: send "Authorization: Bearer <token>" or "X-Genesis-Token: <token>" (POST /api/replay/pause)';
const CSRF = "cross-site request refused: a POST must carry an HX-Request, Authorization or X-Genesis-Token header";

type Case = [label: string, headers: Record<string, string>, status: number, message: string | null];

describe("auth matrix on POST /api/replay/pause", () => {
  const noToken: Case[] = [
    ["no header at all (a cross-site form post)", {}, 403, CSRF],
    ["a form's content type only", { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" }, 403, CSRF],
    ["HX-Request", { "hx-request": "true" }, 200, null],
    ["Authorization", { authorization: "Bearer whatever" }, 200, null],
    ["X-Genesis-Token", { "x-genesis-token": "whatever" }, 200, null],
  ];
  const withToken: Case[] = [
    ["no header at all", {}, 401, MISSING],
    ["HX-Request without a token", { "hx-request": "true" }, 401, MISSING],
    ["wrong Bearer", { authorization: "Bearer nope" }, 401, "wrong control token in the Authorization header"],
    ["wrong X-Genesis-Token", { "x-genesis-token": "nope", "hx-request": "true" }, 401, "wrong control token in the X-Genesis-Token header"],
    ["the token with a suffix", { authorization: `Bearer ${TOKEN}x` }, 401, "wrong control token in the Authorization header"],
    ["a prefix of the token", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 401, "wrong control token in the Authorization header"],
    ["Basic auth", { authorization: `Basic ${btoa(`u:${TOKEN}`)}` }, 401, 'malformed Authorization header: expected "Bearer <token>"'],
    ["Bearer without a token", { authorization: "Bearer " }, 401, 'malformed Authorization header: expected "Bearer <token>"'],
    ["right X-Genesis-Token, wrong Bearer", { "x-genesis-token": TOKEN, authorization: "Bearer nope" }, 401, "wrong control token in the Authorization header"],
    ["right Bearer", { authorization: `Bearer ${TOKEN}` }, 200, null],
    ["right bearer, any case of the scheme", { authorization: `bearer ${TOKEN}` }, 200, null],
    ["right X-Genesis-Token", { "x-genesis-token": TOKEN }, 200, null],
    ["right X-Genesis-Token with HX-Request (the console)", { "x-genesis-token": TOKEN, "hx-request": "true" }, 200, null],
    ["both right", { "x-genesis-token": TOKEN, authorization: `Bearer ${TOKEN}` }, 200, null],
  ];

  for (const [config, cases, controlToken] of [["no token configured", noToken, undefined], ["token configured", withToken, TOKEN]] as const) {
    describe(config, () => {
      test.each(cases)("%s -> %d", async (_label, headers, status, message) => {
        const { call, replay } = app({ controlToken });
        const res = await call("/api/replay/pause", { method: "POST", headers });
        expect(res.status).toBe(status);
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
        expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
        if (message !== null) {
          expect(await res.text()).toBe(`${message}\n`);
          expect(replay.commands).toEqual([]); // refused before the route ran
          expect(replay.state).toBe("running");
        } else {
          expect(replay.commands).toEqual([{ type: "feed.pause" }]);
        }
        expect(res.headers.get("www-authenticate")).toBe(status === 401 ? 'Bearer realm="genesis"' : null);
      });
    });
  }
});

describe("which requests are guarded", () => {
  test.each(["POST", "PUT", "PATCH", "DELETE"])("%s anywhere, even to an unknown path, needs the CSRF header", async (method) => {
    const { call } = app();
    const res = await call("/api/replay/whatever", { method });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(`cross-site request refused: a ${method} must carry an HX-Request, Authorization or X-Genesis-Token header\n`);
  });

  test("reads stay open with a token configured: GET /api/replay, the partial, the page, health", async () => {
    const { call } = app({ controlToken: TOKEN });
    for (const path of ["/api/replay", "/replay/controls", "/", "/health"]) {
      const res = await call(path);
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
  });

  test("a CORS preflight gets no CORS headers, so a cross-origin fetch with custom headers never runs", async () => {
    const { call } = app();
    const res = await call("/api/replay/pause", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "hx-request" },
    });
    for (const name of ["access-control-allow-origin", "access-control-allow-headers", "access-control-allow-methods", "access-control-allow-credentials"]) {
      expect(res.headers.get(name)).toBeNull();
    }
  });
});

describe("the token in the console", () => {
  const headersAttr = (token: string) => `hx-headers:inherited="${JSON.stringify({ "X-Genesis-Token": token }).replaceAll('"', "&quot;")}"`;

  test("?token= that matches goes on the controls and the symbol links; the controls are live", async () => {
    const { call } = app({ controlToken: TOKEN });
    const page = await (await call(`/?token=${TOKEN}`)).text();
    expect(page).toContain(headersAttr(TOKEN));
    expect(page).toContain(`href="/?symbol=ETHUSDT&amp;token=${TOKEN}"`);
    expect(page.match(/id="replay-controls"[\s\S]*?<\/section>/)![0]).not.toContain("disabled");
  });

  test("a wrong ?token= is never rendered and the controls are locked", async () => {
    const { call } = app({ controlToken: TOKEN });
    const page = await (await call("/?token=guess-<b>")).text();
    expect(page).not.toContain("guess");
    expect(page).not.toContain(TOKEN);
    expect(page).not.toContain("hx-headers");
    expect(page).toContain("locked");
    expect(page.match(/id="replay-controls"[\s\S]*?<\/section>/)![0].match(/ disabled/g)!.length).toBe(7); // toggle, 4 speeds, restart, seek
  });

  test("without a configured token, ?token= is ignored and nothing is locked", async () => {
    const { call } = app();
    const page = await (await call("/?token=abc123")).text();
    expect(page).not.toContain("abc123");
    expect(page).not.toContain("hx-headers");
    expect(page).not.toContain("locked");
  });

  test("the poll echoes the token only to a request that presents it", async () => {
    const { call } = app({ controlToken: TOKEN });
    const withIt = await (await call("/replay/controls", { headers: { "x-genesis-token": TOKEN, "hx-request": "true" } })).text();
    expect(withIt).toContain(headersAttr(TOKEN));
    const wrong = await (await call("/replay/controls", { headers: { "x-genesis-token": "nope" } })).text();
    expect(wrong).not.toContain("nope");
    expect(wrong).not.toContain("hx-headers");
    expect(wrong).toContain("locked");
  });

  test("a token full of HTML and JSON metacharacters is escaped", async () => {
    const evil = `a"b'<c>&d\\e`;
    const { call } = app({ controlToken: evil });
    const page = await (await call(`/?token=${encodeURIComponent(evil)}`)).text();
    expect(page).not.toContain(evil);
    expect(page).toContain(headersAttr(evil).replaceAll("'", "&#39;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replace(/&(?!quot;|#39;|lt;|gt;)/g, "&amp;"));
  });
});

describe("pure helpers", () => {
  test("tokenMatches: equal only", () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN} `, TOKEN)).toBe(false);
    expect(tokenMatches("", TOKEN)).toBe(false);
    expect(tokenMatches("é", "é")).toBe(true);
  });

  test("presentedToken / hasControlToken / provenToken", () => {
    expect(presentedToken(new Headers({ authorization: "Bearer abc" }))).toBe("abc");
    expect(presentedToken(new Headers({ "x-genesis-token": "xyz", authorization: "Bearer abc" }))).toBe("xyz");
    expect(presentedToken(new Headers({ authorization: "Basic abc" }))).toBeNull();
    expect(hasControlToken(new Headers({ "x-genesis-token": TOKEN }), TOKEN)).toBe(true);
    expect(hasControlToken(new Headers({ "x-genesis-token": TOKEN, authorization: "Bearer no" }), TOKEN)).toBe(false);
    expect(hasControlToken(new Headers(), TOKEN)).toBe(false);
    expect(provenToken(TOKEN, TOKEN)).toBe(TOKEN);
    expect(provenToken("no", TOKEN)).toBeNull();
    expect(provenToken(TOKEN, undefined)).toBeNull();
    expect(provenToken(undefined, TOKEN)).toBeNull();
  });

  test("isStateChanging", () => {
    expect(["GET", "HEAD", "OPTIONS", "get"].map(isStateChanging)).toEqual([false, false, false, false]);
    expect(["POST", "PUT", "PATCH", "DELETE", "post"].map(isStateChanging)).toEqual([true, true, true, true, true]);
  });
});
