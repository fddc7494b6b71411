/**
 * Who may change the process's state over HTTP. Applies to every request
 * whose method is not GET, HEAD or OPTIONS (today: the replay controls), so
 * a state-changing route added later is covered without opting in.
 *
 * Two rules, checked before routing:
 * - Token: when `controlToken` is configured, the request must carry it as
 *   `Authorization: Bearer <token>` or `X-Genesis-Token: <token>` (401
 *   otherwise). Compared in constant time.
 * - CSRF: always, even on loopback without a token, the request must carry a
 *   header a cross-site HTML form cannot send: `HX-Request`, `Authorization`
 *   or `X-Genesis-Token` (403 otherwise). A cross-origin `fetch` that sets
 *   one triggers a CORS preflight, which fails because we never send CORS
 *   headers.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import { HttpError } from "./http.ts";

export const TOKEN_HEADER = "x-genesis-token";
/** Headers that prove the request did not come from a plain cross-site form. */
export const CSRF_HEADERS = ["hx-request", "authorization", TOKEN_HEADER] as const;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** 401 with the challenge header RFC 6750 asks for. */
export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, "unauthorized", message);
  }

  override toResponse(): Response {
    const response = super.toResponse();
    response.headers.set("www-authenticate", 'Bearer realm="genesis"');
    return response;
  }
}

/** Both sides hashed first, so neither the comparison time nor a length check leaks the token's length. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The tokens a request presents, by header name; a non-Bearer Authorization presents nothing usable. */
function presentedTokens(headers: Headers): { header: string; token: string | null }[] {
  const out: { header: string; token: string | null }[] = [];
  const custom = headers.get(TOKEN_HEADER);
  if (custom !== null) out.push({ header: "X-Genesis-Token", token: custom.trim() });
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    out.push({ header: "Authorization", token: match ? match[1]! : null });
  }
  return out;
}

/** True when the request carries `controlToken` (in any header it presents one in, and in all of them). */
export function hasControlToken(headers: Headers, controlToken: string): boolean {
  const presented = presentedTokens(headers);
  return presented.length > 0 && presented.every(({ token }) => token !== null && tokenMatches(token, controlToken));
}

/** Throws the 401/403 a state-changing request deserves, or returns when it may proceed. */
export function authorizeControl(request: Request, controlToken: string | undefined): void {
  const headers = request.headers;
  if (controlToken !== undefined && controlToken !== "") {
    const presented = presentedTokens(headers);
    if (presented.length === 0) {
      throw new UnauthorizedError(`missing control token: send "Authorization: Bearer <token>" or "X-Genesis-Token: <token>" (${request.method} ${new URL(request.url).pathname})`);
    }
    for (const { header, token } of presented) {
      if (token === null) throw new UnauthorizedError(`malformed ${header} header: expected "Bearer <token>"`);
      if (!tokenMatches(token, controlToken)) throw new UnauthorizedError(`wrong control token in the ${header} header`);
    }
    return;
  }
  if (!CSRF_HEADERS.some((name) => headers.has(name))) {
    throw new HttpError(
      403,
      "forbidden",
      `cross-site request refused: a ${request.method} must carry an HX-Request, Authorization or X-Genesis-Token header`,
    );
  }
}

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Guards every state-changing request of the app it is used in; runs before routing. */
export function controlAuth(controlToken: string | undefined) {
  return new Elysia()
    .onRequest(({ request }) => {
      if (isStateChanging(request.method)) authorizeControl(request, controlToken);
    })
    .as("global");
}

/** `presented` if it is the configured token, else null: what a page may echo back into its controls. */
export function provenToken(presented: string | null | undefined, controlToken: string | undefined): string | null {
  if (!controlToken || !presented) return null;
  return tokenMatches(presented, controlToken) ? presented : null;
}

/** The token a request presents (X-Genesis-Token first, then a Bearer Authorization), or null. */
export function presentedToken(headers: Headers): string | null {
  for (const { token } of presentedTokens(headers)) if (token) return token;
  return null;
}
