import { describe, expect, test } from "bun:test";
import { SSE_PING, encodeSse, encodeSseComment } from "./sse.ts";

describe("encodeSse", () => {
  test.each([
    [{ id: 1, event: "book", data: '{"a":1}' }, 'id: 1\nevent: book\ndata: {"a":1}\n\n'],
    [{ data: "x" }, "data: x\n\n"],
    [{ data: "" }, "data: \n\n"],
    [{ event: "trade", data: "a\nb" }, "event: trade\ndata: a\ndata: b\n\n"],
    [{ data: "a\r\nb\rc\nd" }, "data: a\ndata: b\ndata: c\ndata: d\n\n"],
    [{ data: "trailing\n" }, "data: trailing\ndata: \n\n"],
    [{ id: "4\r\n2\0", event: "bo\nok\r", data: "x" }, "id: 42\nevent: book\ndata: x\n\n"],
    [{ id: 7, data: "x", retryMs: 1500 }, "id: 7\nretry: 1500\ndata: x\n\n"],
    [{ data: "x", retryMs: -1 }, "data: x\n\n"],
  ])("%j", (message, expected) => {
    expect(encodeSse(message)).toBe(expected);
  });

  test("an injected field in event cannot start a new field", () => {
    const bytes = encodeSse({ event: "book\ndata: forged", data: "real" });
    expect(bytes).toBe("event: bookdata: forged\ndata: real\n\n");
    expect(bytes.split("\n").filter((l) => l.startsWith("data:"))).toEqual(["data: real"]);
  });
});

test("comments and ping", () => {
  expect(SSE_PING).toBe(": ping\n\n");
  expect(encodeSseComment("closed: slow\nclient")).toBe(": closed: slow client\n\n");
});
