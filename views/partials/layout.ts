/** The document shell: head, assets, body. No inline script or style (see the CSP in http.ts). */
import { assetUrl } from "../routes/assets.ts";
import { type SafeHtml, html } from "../html.ts";

// htmx config: allow only the SSE extension; no injected indicator CSS (we use none).
const HTMX_CONFIG = JSON.stringify({ extensions: "sse", includeIndicatorCSS: false });

export function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en" class="dark">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title}</title>
<link rel="icon" type="image/svg+xml" href="${assetUrl("favicon.svg")}">
<link rel="stylesheet" href="${assetUrl("uPlot.min.css")}">
<link rel="stylesheet" href="${assetUrl("app.css")}">
<link rel="stylesheet" href="${assetUrl("alerts.css")}">
<!-- htmx and its SSE extension block parsing on purpose: htmx then starts on DOMContentLoaded, after
     the extension and every deferred script below. Deferred, htmx started on a timer that a slow
     machine could run before hx-sse.min.js arrived, and the page never opened its feed. -->
<script src="${assetUrl("htmx.min.js")}"></script>
<script src="${assetUrl("hx-sse.min.js")}"></script>
<script defer src="${assetUrl("_hyperscript.min.js")}"></script>
<script defer src="${assetUrl("uPlot.iife.min.js")}"></script>
<script defer src="${assetUrl("app.js")}"></script>
<script defer src="${assetUrl("app-health.js")}"></script>
<script defer src="${assetUrl("app-history.js")}"></script>
<script defer src="${assetUrl("app-alerts.js")}"></script>
<script defer src="${assetUrl("app-prediction.js")}"></script>
</head>
<body>
${body}
</body>
</html>
`;
}
