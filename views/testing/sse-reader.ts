/** Reads an SSE response body in tests: accumulate bytes until a predicate holds, or fail after a deadline. */
export class BodyReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  text = "";
  done = false;

  constructor(response: Response) {
    if (response.body === null) throw new Error(`response ${response.status} has no body`);
    this.reader = response.body.getReader();
  }

  /** Reads until `until(text)` is true; returns everything read so far and resets it. */
  async take(until: (text: string) => boolean, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this.text)) {
      if (this.done) throw new Error(`stream ended before the condition held; got ${JSON.stringify(this.text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms; got ${JSON.stringify(this.text)}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        this.reader.read(),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), left);
        }),
      ]);
      clearTimeout(timer);
      if (result === "timeout") continue;
      if (result.done) this.done = true;
      else this.text += this.decoder.decode(result.value, { stream: true });
    }
    const out = this.text;
    this.text = "";
    return out;
  }

  /** Reads until `count` complete messages (blank-line terminated) are buffered. */
  messages(count: number, timeoutMs?: number): Promise<string> {
    return this.take((text) => text.split("\n\n").length - 1 >= count, timeoutMs);
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}
