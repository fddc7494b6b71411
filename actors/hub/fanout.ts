/**
 * Fan-out of market events to subscribers (SSE clients, in-process
 * listeners). Pure: no HTTP here. Each event is serialised once, only when at
 * least one subscriber wants it, and shared by all of them.
 *
 * A slow subscriber never slows the pipeline: `deliver` returns false when
 * its bounded queue is full, and the fan-out drops it and counts the drop.
 */
import type { HubItem, StatusFact } from "../../src/switchboard.ts";
import { anomalyPayload, bookJson, FeaturesJsonEncoder, gapPayload, predictionPayload, tradePayload } from "./payloads.ts";

export const HUB_EVENTS = ["book", "features", "trade", "gap", "anomaly", "prediction", "status"] as const;
export type HubEventName = (typeof HUB_EVENTS)[number];

export interface HubMessage {
  readonly id: number;
  readonly event: HubEventName;
  /** One-line JSON. */
  readonly data: string;
  /** Local receive time of the frame behind it (NaN for status), for frame-to-wire latency. */
  readonly localTsMs: number;
}

export interface Subscriber {
  /** null: every symbol. */
  readonly symbols: ReadonlySet<string> | null;
  readonly events: ReadonlySet<HubEventName>;
  /** Returns false when the subscriber's queue is full. */
  deliver(message: HubMessage): boolean;
  /** Called once when the fan-out drops the subscriber. */
  close(reason: string): void;
}

/** An in-process consumer of the structured items (the recorder): no JSON, every item, in order. */
export type ItemListener = (items: readonly HubItem[]) => void;

export class Fanout {
  private readonly subscribers = new Set<Subscriber>();
  private readonly listeners = new Set<ItemListener>();
  private nextId = 1;
  published = 0;
  droppedSubscribers = 0;
  /** Messages per event name that reached at least one subscriber. */
  readonly delivered: Record<HubEventName, number> = { book: 0, features: 0, trade: 0, gap: 0, anomaly: 0, prediction: 0, status: 0 };
  private lastStatus: HubMessage | undefined;

  private readonly featuresEncoder: FeaturesJsonEncoder;

  constructor(featureNames: readonly string[]) {
    this.featuresEncoder = new FeaturesJsonEncoder(featureNames);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Registers a subscriber; it first receives the latest status, if any. Returns the unsubscribe function. */
  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.lastStatus && subscriber.events.has("status")) subscriber.deliver(this.lastStatus);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** Registers a listener for every published batch of items; returns the unsubscribe function. */
  listen(listener: ItemListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(items: readonly HubItem[]): void {
    this.published += items.length;
    for (const listener of this.listeners) listener(items);
    if (this.subscribers.size === 0) return;
    for (const item of items) {
      const event: HubEventName = item.kind;
      let message: HubMessage | undefined;
      for (const subscriber of this.subscribers) {
        if (!subscriber.events.has(event)) continue;
        if (subscriber.symbols !== null && !subscriber.symbols.has(item.symbol)) continue;
        message ??= { id: this.nextId++, event, data: this.serialise(item), localTsMs: item.localTsMs };
        this.send(subscriber, message);
      }
      if (message) this.delivered[event]++;
    }
  }

  publishStatus(status: StatusFact): void {
    const message: HubMessage = { id: this.nextId++, event: "status", data: JSON.stringify(status), localTsMs: Number.NaN };
    this.lastStatus = message;
    for (const subscriber of this.subscribers) {
      if (subscriber.events.has("status")) this.send(subscriber, message);
    }
    this.delivered.status++;
  }

  /** Closes every subscriber (shutdown). */
  closeAll(reason: string): void {
    for (const subscriber of this.subscribers) subscriber.close(reason);
    this.subscribers.clear();
  }

  private send(subscriber: Subscriber, message: HubMessage): void {
    if (subscriber.deliver(message)) return;
    this.subscribers.delete(subscriber);
    this.droppedSubscribers++;
    subscriber.close("queue overflow: the client did not keep up");
  }

  private serialise(item: HubItem): string {
    switch (item.kind) {
      case "book":
        return bookJson(item);
      case "trade":
        return JSON.stringify(tradePayload(item));
      case "features":
        return this.featuresEncoder.encode(item);
      case "gap":
        return JSON.stringify(gapPayload(item));
      case "anomaly":
        return JSON.stringify(anomalyPayload(item));
      case "prediction":
        return JSON.stringify(predictionPayload(item));
    }
  }
}
