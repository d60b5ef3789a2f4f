/**
 * Server-sent events: `EventStream` turns values — pushed with `send()`, read from an async
 * iterable, or published on a broadcast channel — into a `text/event-stream` response.
 *
 * @module
 */

import { subscribe } from "../broadcast/broker.ts";
import type { Broker } from "../broadcast/broker.ts";
import type { SubscribeOptions } from "../broadcast/subscription.ts";
import { waitForSignal } from "../broadcast/signals.ts";
import { iterableToStream, type StreamRequest } from "./response.ts";

/**
 * One event with its SSE fields. Values that are not `ServerSentEvent`s are sent as `data`
 * alone (strings as they are, anything else as JSON).
 *
 * @example An event with a name and an id
 * ```ts
 * import { ServerSentEvent } from "@aio/pyramid";
 * const event = new ServerSentEvent({ done: 3 }, { event: "progress", id: "7" });
 * console.assert(event.format() === 'event: progress\nid: 7\ndata: {"done":3}\n\n');
 * ```
 */
export class ServerSentEvent {
  /** The payload: a string is sent as is, anything else as JSON. */
  readonly data: unknown;
  /** The event name (`addEventListener(name)` on the client); default `message`. */
  readonly event: string | undefined;
  /** The id the client sends back as `Last-Event-ID` when it reconnects. */
  readonly id: string | undefined;
  /** How long the client waits before reconnecting, in ms. */
  readonly retry: number | undefined;

  /** Creates the event. */
  constructor(data: unknown, options: { event?: string; id?: string; retry?: number } = {}) {
    for (const [name, value] of [["event", options.event], ["id", options.id]]) {
      if (value !== undefined && /[\r\n]/.test(value)) {
        throw new TypeError(`A server-sent event's ${name} cannot contain a line break.`);
      }
    }
    this.data = data;
    this.event = options.event;
    this.id = options.id;
    this.retry = options.retry;
  }

  /** The event in the wire format, ending with the blank line that dispatches it. */
  format(): string {
    let text = "";
    if (this.event !== undefined) text += `event: ${this.event}\n`;
    if (this.id !== undefined) text += `id: ${this.id}\n`;
    if (this.retry !== undefined) text += `retry: ${Math.trunc(this.retry)}\n`;
    const data = typeof this.data === "string" ? this.data : JSON.stringify(this.data ?? null);
    for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
    return text + "\n";
  }
}

/** Options for {@linkcode EventStream}. */
export interface EventStreamOptions {
  /**
   * Send a comment line after this many ms without an event, so proxies and browsers keep the
   * connection open and a vanished client is noticed. Default 15000; 0 turns it off.
   */
  keepAliveMs?: number;
  /** Tells the client how long to wait before reconnecting (the `retry:` field), in ms. */
  retryMs?: number;
  /** Ends the stream when aborted (`request.raw.signal` notices a vanished client at once). */
  signal?: AbortSignal;
}

/** Options for {@linkcode EventStream.fromChannel}. */
export interface FromChannelOptions extends EventStreamOptions, SubscribeOptions {
  /** The event name each message is sent under (default: unnamed, `message`). */
  event?: string;
  /** The broker to subscribe on (default: the current one). */
  broker?: Broker;
}

/** Options for {@linkcode EventStream.fromSignal}. */
export interface FromSignalOptions extends EventStreamOptions {
  /** The event name each signal value is sent under (default: unnamed, `message`). */
  event?: string;
  /** The broker to listen on (default: the current one). */
  broker?: Broker;
}

// The queue behind send()/close(): values wait here until the client reads them.
class PushSource implements AsyncIterableIterator<unknown> {
  #items: unknown[] = [];
  #waiting: ((result: IteratorResult<unknown>) => void) | undefined;
  #closed = false;

  push(value: unknown): boolean {
    if (this.#closed) return false;
    if (this.#waiting) {
      const wake = this.#waiting;
      this.#waiting = undefined;
      wake({ value, done: false });
    } else this.#items.push(value);
    return true;
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift(), done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting = resolve);
  }

  return(): Promise<IteratorResult<unknown>> {
    this.#closed = true;
    this.#items.length = 0;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    this.#closed = true;
    if (this.#items.length === 0) {
      this.#waiting?.({ value: undefined, done: true });
      this.#waiting = undefined;
    }
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/**
 * A server-sent event stream. Return it from a view (or call `toResponse()`): the client's
 * `EventSource` receives each value as an event until the source ends, `close()` is called, or
 * the client goes away — which ends the source too (a generator's `finally` runs, a channel
 * subscription is dropped).
 *
 * @example A live page from a pubsub channel
 * ```ts
 * import { EventStream, publish, type PyramidRequest } from "@aio/pyramid";
 * async function liveScores(request: PyramidRequest) {
 *   return EventStream.fromChannel("scores", { event: "score", signal: request.raw.signal });
 * }
 * // elsewhere, any isolate: await publish("scores", { home: 1, away: 0 });
 * console.assert(typeof liveScores === "function" && typeof publish === "function");
 * ```
 *
 * @example Pushing events by hand
 * ```ts
 * import { EventStream } from "@aio/pyramid";
 * const events = new EventStream(undefined, { keepAliveMs: 0 });
 * events.send("hello");
 * events.send({ n: 1 }, { event: "count" });
 * events.close();
 * const text = await events.toResponse().text();
 * console.assert(text.endsWith('event: count\ndata: {"n":1}\n\n'));
 * ```
 */
export class EventStream implements AsyncIterable<string> {
  #source: AsyncIterator<unknown>;
  #push: PushSource | undefined;
  #options: EventStreamOptions;
  #used = false;

  /**
   * A stream over `source` (any async iterable: a generator, a `Subscription`), or — without
   * one — a stream fed with {@linkcode EventStream.send}.
   */
  constructor(source?: AsyncIterable<unknown>, options: EventStreamOptions = {}) {
    if (source === undefined) this.#push = new PushSource();
    this.#source = (source ?? this.#push!)[Symbol.asyncIterator]();
    this.#options = options;
    const keepAlive = options.keepAliveMs ?? 15000;
    if (!(keepAlive >= 0)) {
      throw new TypeError(
        `keepAliveMs must be a number of ms >= 0 (0 turns it off), not ${keepAlive}.`,
      );
    }
  }

  /**
   * Every message published on `channel` (from any isolate, or any machine with Redis) becomes
   * an event. The subscription starts now, so nothing published after this call is missed.
   */
  static fromChannel(channel: string, options: FromChannelOptions = {}): EventStream {
    const { event, broker, bufferSize, overflow, signal } = options;
    const subscription = broker
      ? broker.subscribe(channel, { bufferSize, overflow, signal })
      : subscribe(channel, { bufferSize, overflow, signal });
    const source = event === undefined ? subscription : named(subscription, event);
    return new EventStream(source, options);
  }

  /**
   * An event each time `signal(name, value)` is called (cogen's `WaitForSignal` in a loop).
   * Signals are not stored: one sent while the previous event is being written is missed, so
   * use {@linkcode EventStream.fromChannel} when every message matters.
   */
  static fromSignal(name: string, options: FromSignalOptions = {}): EventStream {
    const { event, broker } = options;
    const stop = new AbortController();
    const abort = options.signal;
    async function* signals() {
      const onAbort = () => stop.abort();
      abort?.addEventListener("abort", onAbort, { once: true });
      try {
        for (;;) {
          const value = await waitForSignal(name, {
            timeoutMs: Infinity,
            signal: stop.signal,
            broker,
          });
          yield event === undefined ? value : new ServerSentEvent(value, { event });
        }
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      } finally {
        abort?.removeEventListener("abort", onAbort);
      }
    }
    const generator = signals();
    // A generator waiting in `await` cannot be returned from; aborting the wait can.
    const source: AsyncIterableIterator<unknown> = {
      next: () => generator.next(),
      return: () => {
        stop.abort();
        return generator.return();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return new EventStream(source, options);
  }

  /** Queues an event (push mode only); `false` once the stream is closed. */
  send(data: unknown, options: { event?: string; id?: string; retry?: number } = {}): boolean {
    if (!this.#push) {
      throw new TypeError(
        "send() is for an EventStream made without a source (new EventStream()); " +
          "this one reads its events from the iterable it was given.",
      );
    }
    const hasFields = options.event !== undefined || options.id !== undefined ||
      options.retry !== undefined;
    return this.#push.push(hasFields ? new ServerSentEvent(data, options) : data);
  }

  /** Ends the stream after the queued events (push mode); the client sees the end of the body. */
  close(): void {
    this.#push?.close();
  }

  /** The wire text, chunk by chunk: an opening comment, then each event, with keep-alives. */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#used) {
      throw new TypeError("An EventStream can be sent once; make a new one per request.");
    }
    this.#used = true;
    return new EventIterator(this.#source, this.#options);
  }

  /**
   * The `text/event-stream` response. A client that went away is noticed at the next event or
   * keep-alive, or at once when `options.signal` is `request.raw.signal`.
   */
  toResponse(_request?: StreamRequest): Response {
    const body = iterableToStream(this, { signal: this.#options.signal });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  }
}

function named(source: AsyncIterable<unknown>, event: string): AsyncIterableIterator<unknown> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: async () => {
      const result = await iterator.next();
      return result.done ? result : { value: new ServerSentEvent(result.value, { event }) };
    },
    return: (value?: unknown) =>
      iterator.return?.(value) ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const KEEP_ALIVE = Symbol("keep-alive");

// Written by hand rather than as a generator: return() must end the source at once, even while
// a next() is waiting for an event that may never come.
class EventIterator implements AsyncIterator<string> {
  #source: AsyncIterator<unknown>;
  #keepAliveMs: number;
  #retryMs: number | undefined;
  #pending: Promise<IteratorResult<unknown>> | undefined;
  #started = false;
  #done = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wakeKeepAlive: (() => void) | undefined;

  constructor(source: AsyncIterator<unknown>, options: EventStreamOptions) {
    this.#source = source;
    this.#keepAliveMs = options.keepAliveMs ?? 15000;
    this.#retryMs = options.retryMs;
  }

  async next(): Promise<IteratorResult<string>> {
    if (this.#done) return { value: undefined, done: true };
    if (!this.#started) {
      this.#started = true;
      // Sent at once so the client's EventSource opens before the first event exists.
      const retry = this.#retryMs === undefined ? "" : `retry: ${Math.trunc(this.#retryMs)}\n`;
      return { value: `: stream opened\n${retry}\n`, done: false };
    }
    this.#pending ??= this.#source.next();
    const result = await this.#race(this.#pending);
    if (result === KEEP_ALIVE) return { value: ": keep-alive\n\n", done: false };
    this.#pending = undefined;
    if (this.#done) return { value: undefined, done: true };
    if (result.done) {
      this.#done = true;
      return { value: undefined, done: true };
    }
    const value = result.value;
    const event = value instanceof ServerSentEvent ? value : new ServerSentEvent(value);
    return { value: event.format(), done: false };
  }

  #race(
    pending: Promise<IteratorResult<unknown>>,
  ): Promise<IteratorResult<unknown> | typeof KEEP_ALIVE> {
    if (this.#keepAliveMs === 0) return pending;
    const tick = new Promise<typeof KEEP_ALIVE>((resolve) => {
      this.#wakeKeepAlive = () => resolve(KEEP_ALIVE);
      this.#timer = setTimeout(this.#wakeKeepAlive, this.#keepAliveMs);
    });
    return Promise.race([pending, tick]).finally(() => {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    });
  }

  async return(): Promise<IteratorResult<string>> {
    if (!this.#done) {
      this.#done = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#wakeKeepAlive?.();
      await this.#source.return?.();
    }
    return { value: undefined, done: true };
  }
}
