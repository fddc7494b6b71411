/**
 * HTTP plumbing shared by the feature plugins: the error type the routes
 * throw, and the security headers every response carries.
 */

/** A request the server refuses; Elysia renders it through `toResponse`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }

  toResponse(): Response {
    return new Response(`${this.message}\n`, {
      status: this.status,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, "bad_request", message);
}

/**
 * Self-only policy. No inline script, no eval: htmx's core and SSE
 * extension need neither (only `hx-on`/`js:` expressions would), and
 * _hyperscript interprets its own `_` attributes without eval (only its
 * `js ... end` blocks would need `unsafe-eval`, and we write none). Styles
 * set from script go through the CSSOM, which `style-src 'self'` allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "content-security-policy": CONTENT_SECURITY_POLICY,
};
