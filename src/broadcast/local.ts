/**
 * `LocalBroker`: publish/subscribe between every isolate of one Deno process (the
 * main isolate, server Workers sharing a port, executor Workers) over
 * `BroadcastChannel`.
 *
 * @module
 */

import { checkChannel, localChannelName } from "./_checks.ts";
import { Fanout } from "./_fanout.ts";
import { type Broker, BrokerClosed } from "./broker.ts";
import type { SubscribeOptions, Subscription } from "./subscription.ts";

/** Options for {@linkcode LocalBroker}. */
export interface LocalBrokerOptions {
  /**
   * Brokers hear each other only within one namespace; give two apps in one process
   * different namespaces to keep their channels apart. Default `"default"`.
   */
  namespace?: string;
}

// One BroadcastChannel message: a batch of [channel, data] pairs from one broker,
// numbered so receivers can count what the transport dropped.
interface Batch {
  aio: 1;
  from: string;
  first: number;
  messages: [string, unknown][];
}

function isBatch(value: unknown): value is Batch {
  const batch = value as Batch;
  return typeof value === "object" && value !== null && batch.aio === 1 &&
    typeof batch.from === "string" && typeof batch.first === "number" &&
    Array.isArray(batch.messages);
}

// Deno (2.9) keeps one BroadcastChannel subscription per isolate. Closing the
// isolate's last channel ends it a turn later, and a channel created within that turn
// is left on the dead subscription: it hears nothing and its postMessage throws
// "expected i32". So after closing a channel, wait a macrotask before opening one.
let unsettled = false;
let settling: Promise<void> = Promise.resolve();

function settled(): Promise<void> {
  if (unsettled) {
    unsettled = false;
    settling = nextTask();
  }
  return settling;
}

// A macrotask hop that, unlike setTimeout(0), is not clamped to 4 ms when nested.
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
    port2.close();
  });
}

/**
 * A broker for one process: messages reach every subscriber in every isolate that
 * has a `LocalBroker` with the same namespace, and never leave the process.
 *
 * Publishing delivers to this isolate's subscribers at once and posts to the other
 * isolates on the next macrotask, batching every message published meanwhile into
 * one `BroadcastChannel` message. The batching matters: Deno's `BroadcastChannel`
 * keeps only a few hundred undelivered messages per receiving isolate and silently
 * drops older ones when an isolate falls behind. Batches are numbered, so such
 * losses are counted in {@linkcode LocalBroker.lost} instead of going unnoticed.
 *
 * The broker holds its `BroadcastChannel` open only while it has subscribers or
 * messages to send, so an idle broker neither keeps the process alive nor trips
 * test sanitizers; `close()` is still the way to end every subscription. Reopening
 * waits one macrotask (a Deno quirk, see the source), which is why a subscription's
 * `ready` may resolve a turn after `subscribe()`; subscribers in the publishing
 * isolate are reached at once either way.
 *
 * @example Two brokers in one process hear each other
 * ```ts
 * import { LocalBroker } from "@aio/pyramid";
 * const a = new LocalBroker({ namespace: "example-local" });
 * const b = new LocalBroker({ namespace: "example-local" });
 * const news = b.subscribe<string>("news");
 * await a.publish("news", "extra!");
 * const { value } = await news.next();
 * console.assert(value === "extra!");
 * await a.close();
 * await b.close();
 * ```
 */
export class LocalBroker implements Broker {
  /** The namespace shared by the brokers that hear each other. */
  readonly namespace: string;
  #id = crypto.randomUUID();
  #sequence = 0;
  #channel: BroadcastChannel | undefined;
  #batch: [string, unknown][] = [];
  #flush: Promise<void> | undefined;
  #opening: Promise<void> | undefined;
  #sent: Promise<void> = Promise.resolve();
  #sending = false;
  #lastSeen = new Map<string, number>();
  #lost = 0;
  #closed = false;
  #fanout = new Fanout({
    listen: () => this.#open(),
    unlisten: () => this.#shutIfIdle(),
  });

  /** Creates a broker; nothing is opened until the first publish or subscribe. */
  constructor(options: LocalBrokerOptions = {}) {
    this.namespace = options.namespace ?? "default";
  }

  /**
   * Messages from other isolates that the platform's `BroadcastChannel` dropped
   * before this isolate read them (it was busy for too long while others published
   * heavily). Counted over all channels of the namespace.
   */
  get lost(): number {
    return this.#lost;
  }

  /** Live subscriptions in this isolate. */
  get subscriberCount(): number {
    return this.#fanout.subscriberCount;
  }

  /** Whether the broker currently holds a `BroadcastChannel` open. */
  get listening(): boolean {
    return this.#channel !== undefined;
  }

  /**
   * Publishes a structured-cloneable `data` on `channel`. Resolves (with
   * `undefined`: a `BroadcastChannel` cannot count receivers) once the message has
   * been posted to the other isolates. Subscribers in this isolate have it already
   * when `publish` returns.
   */
  publish(channel: string, data: unknown): Promise<number | undefined> {
    if (this.#closed) return Promise.reject(new BrokerClosed("LocalBroker"));
    let copy: unknown;
    try {
      checkChannel(channel, "publish");
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      copy = structuredClone(data);
    } catch (error) {
      return Promise.reject(
        new TypeError(
          `publish("${channel}"): the data cannot be sent to other isolates (${
            (error as Error).message
          }). Publish plain data: objects, arrays, strings, numbers, Dates, Maps, typed arrays.`,
          { cause: error },
        ),
      );
    }
    this.#fanout.deliver(channel, copy);
    this.#batch.push([channel, copy]);
    return this.#scheduleFlush().then(() => undefined);
  }

  /** Subscribes to `channel` in every isolate of this namespace. */
  subscribe<T = unknown>(
    channel: string,
    options?: SubscribeOptions,
  ): Subscription<T> {
    if (this.#closed) throw new BrokerClosed("LocalBroker");
    checkChannel(channel, "subscribe");
    return this.#fanout.add<T>(channel, options);
  }

  /** Sends what is still queued, ends every subscription and closes the channel. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#fanout.closeAll();
    while (this.#flush) await this.#flush.catch(() => {});
    await this.#sent;
    await this.#opening;
    this.#shutIfIdle();
  }

  // Opens the channel once the isolate's BroadcastChannel machinery has settled.
  #open(): Promise<void> {
    if (this.#channel) return Promise.resolve();
    this.#opening ??= settled().then(() => {
      this.#opening = undefined;
      if (!this.#channel) {
        const channel = new BroadcastChannel(localChannelName(this.namespace));
        channel.onmessage = (event) => this.#receive(event.data);
        channel.onmessageerror = () => this.#lost++;
        this.#channel = channel;
      }
      this.#shutIfIdle();
    });
    return this.#opening;
  }

  // One flush at a time, each after the previous one: batches leave in order.
  #scheduleFlush(): Promise<void> {
    if (this.#flush) return this.#flush;
    const previous = this.#sent;
    const flush = (async () => {
      await Promise.all([nextTask(), previous]);
      await this.#open();
      // Messages published from here on belong to the next flush.
      this.#flush = undefined;
      await this.#send();
    })();
    this.#flush = flush;
    this.#sent = flush.catch(() => {}).finally(() => this.#shutIfIdle());
    return flush;
  }

  async #send(): Promise<void> {
    const messages = this.#batch;
    this.#batch = [];
    if (messages.length === 0) return;
    const batch: Batch = { aio: 1, from: this.#id, first: this.#sequence, messages };
    this.#sequence += messages.length;
    this.#sending = true;
    try {
      this.#channel!.postMessage(batch);
    } catch {
      // Another library in this isolate may have closed the last BroadcastChannel
      // just before we opened ours (the Deno race above): settle, then retry once.
      this.#channel!.close();
      this.#channel = undefined;
      unsettled = false;
      settling = nextTask().then(nextTask);
      await this.#open();
      this.#channel!.postMessage(batch);
    } finally {
      this.#sending = false;
    }
  }

  #receive(data: unknown): void {
    if (!isBatch(data)) return;
    const expected = this.#lastSeen.get(data.from);
    if (expected !== undefined && data.first > expected) {
      this.#lost += data.first - expected;
    }
    this.#lastSeen.set(data.from, data.first + data.messages.length);
    for (const [channel, message] of data.messages) {
      this.#fanout.deliver(channel, message);
    }
  }

  #shutIfIdle(): void {
    if (!this.#channel || this.#fanout.channelCount > 0) return;
    if (this.#flush || this.#sending || this.#batch.length > 0) return;
    this.#channel.close();
    this.#channel = undefined;
    unsettled = true;
    // While closed we hear nothing, so gaps after reopening are not losses.
    this.#lastSeen.clear();
  }
}
