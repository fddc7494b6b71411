/*
 * Genesis dashboard: the feed's health. The connection badge (#sse-status)
 * follows the htmx SSE connection's lifecycle events; `gap` events of the
 * symbol shown fill #gap-log and raise the STALE markers (CSS on
 * #dashboard[data-stale]) from a gap's start to its recovery. app.js also
 * sets data-stale from each book's `stale` flag, within the update-id
 * bounds set here. Text goes through textContent only.
 */
(() => {
  "use strict";
  const root = document.getElementById("dashboard");
  const feed = document.getElementById("sse-feed");
  const log = document.getElementById("gap-log");
  const counter = document.getElementById("gap-count");
  const badge = document.getElementById("sse-status");
  if (!feed) return;

  // ------------------------------------------------------------ connection badge
  // Plain listeners, registered as this deferred script runs: before htmx starts (on
  // DOMContentLoaded, see layout.ts) and opens the connection, so the first "connected"
  // cannot be missed (a _hyperscript handler could be installed after it, as
  // _hyperscript processes the page on a later task).
  function setBadge(state, text) {
    if (!badge) return;
    badge.dataset.state = state;
    badge.textContent = text;
  }
  feed.addEventListener("htmx:sse:after:connection", () => setBadge("connected", "connected"));
  // A stream that ends (server restart) fires no error, only before:connection as htmx reconnects.
  feed.addEventListener("htmx:sse:before:connection", () => {
    if (badge && badge.dataset.state === "connected") setBadge("reconnecting", "reconnecting");
  });
  feed.addEventListener("htmx:sse:error", () => setBadge("reconnecting", "reconnecting"));
  feed.addEventListener("htmx:sse:close", () => setBadge("closed", "disconnected"));

  // ------------------------------------------------------------ gaps
  if (!root || !log) return;
  const SYMBOL = root.dataset.symbol;
  const ROWS = Number(log.dataset.rows) || 10;
  let count = 0;

  const two = (n) => String(n).padStart(2, "0");
  function fmtTime(tsMs) {
    if (typeof tsMs !== "number" || !Number.isFinite(tsMs)) return "—";
    const d = new Date(tsMs);
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  }
  const known = (v) => v !== null && v !== undefined;

  /** The update ids involved: what was expected and what came, or where the book resumed. */
  function ids(gap) {
    if (gap.phase === "recovered") return known(gap.recoveredU) ? `snapshot ${gap.recoveredU}` : "";
    const parts = [];
    if (known(gap.expectedPu) || known(gap.gotPu)) parts.push(`pu ${known(gap.gotPu) ? gap.gotPu : "?"} ≠ ${known(gap.expectedPu) ? gap.expectedPu : "?"}`);
    if (known(gap.u)) parts.push(`u ${gap.u}`);
    return parts.join(" · ");
  }

  function fmtStale(ms) {
    if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  }

  function row(gap) {
    const li = document.createElement("li");
    li.className = "gap";
    li.dataset.phase = gap.phase === "recovered" ? "recovered" : "started";
    const cells = [
      // Line one: when, what, how long stale; line two: why and the ids.
      ["t", fmtTime(gap.ts)],
      ["ph", String(gap.phase ?? "")],
      ["ms", fmtStale(gap.staleMs)],
      ["r", String(gap.reason ?? "")],
      ["ids", ids(gap)],
    ];
    for (const [cls, text] of cells) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      if (cls === "r" || cls === "ids") span.title = text;
      li.append(span);
    }
    return li;
  }

  feed.addEventListener("gap", (event) => {
    let gap;
    try {
      gap = JSON.parse(event.detail.data);
    } catch {
      return;
    }
    if (!gap || gap.symbol !== SYMBOL) return;
    const d = root.dataset;
    // Bounds for app.js: books up to the last good id predate the gap; books below the
    // snapshot that ended it predate the recovery (see applyStale there).
    if (gap.phase === "started") {
      d.stale = "true";
      delete d.freshFromU;
      if (Number.isFinite(gap.expectedPu)) d.staleAfterU = String(gap.expectedPu);
    } else if (gap.phase === "recovered") {
      d.stale = "false";
      delete d.staleAfterU;
      if (Number.isFinite(gap.recoveredU)) d.freshFromU = String(gap.recoveredU);
    }
    count++;
    for (const empty of log.querySelectorAll(".gap-empty")) empty.remove();
    log.prepend(row(gap));
    while (log.children.length > ROWS) log.lastElementChild.remove();
    if (counter) counter.textContent = String(count);
  });
})();
