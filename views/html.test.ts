import { expect, test } from "bun:test";
import { SafeHtml, escapeHtml, html } from "./html.ts";

test.each([
  ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
  [`" onmouseover="alert(1)`, "&quot; onmouseover=&quot;alert(1)"],
  ["' autofocus onfocus='x", "&#39; autofocus onfocus=&#39;x"],
  ["&amp;", "&amp;amp;"],
  ["BTC<USDT>&'\"", "BTC&lt;USDT&gt;&amp;&#39;&quot;"],
  ["plain", "plain"],
])("escapeHtml(%j)", (input, expected) => {
  expect(escapeHtml(input)).toBe(expected);
});

test("html escapes interpolations but not nested html", () => {
  const name = "<img src=x onerror=alert(1)>";
  const inner = html`<b>${name}</b>`;
  const outer = html`<div title="${name}">${inner}${[html`<i>1</i>`, "<2>"]}${null}${undefined}${false}${0}</div>`;
  expect(outer).toBeInstanceOf(SafeHtml);
  expect(outer.value).toBe(
    '<div title="&lt;img src=x onerror=alert(1)&gt;"><b>&lt;img src=x onerror=alert(1)&gt;</b><i>1</i>&lt;2&gt;0</div>',
  );
  expect(outer.value).not.toContain("<img");
});
