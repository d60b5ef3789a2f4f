/**
 * The `Broker` contract and the process-wide current broker behind the module-level
 * `publish()` / `subscribe()` functions.
 *
 * @module
 */

import { LocalBroker } from "./local.ts";
import type { SubscribeOptions, Subscription } from "./subscription.ts";

/**
 * A message bus: `publish` fans a value out to every subscriber of a channel, in
 * every isolate (and, for a networked broker, every machine) that shares the bus.
 *
 * Guarantees every implementation keeps: messages from one publisher on one channel
 * arrive in the order they were published; `publish` never waits for subscribers
 * (each has its own bounded buffer, see {@linkcode OverflowPolicy}); `close()` ends
 * every subscription and releases every socket, channel and timer.
 *
 * @example A broker that only counts what is published
 * ```ts
 * import type { Broker, SubscribeOptions, Subscription } from "@aio/pyramid";
 * import { LocalBroker } from "@aio/pyramid";
 * class CountingBroker implements Broker {
 *   count = 0;
 *   #inner = new LocalBroker({ namespace: "counting" });
 *   publish(channel: string, data: unknown): Promise<number | undefined> {
 *     this.count++;
 *     return this.#inner.publish(channel, data);
 *   }
 *   subscribe<T = unknown>(channel: string, options?: SubscribeOptions): Subscription<T> {
 *     return this.#inner.subscribe<T>(channel, options);
 *   }
 *   close(): Promise<void> {
 *     return this.#inner.close();
 *   }
 * }
 * const broker = new CountingBroker();
 * await broker.publish("room", "hi");
 * console.assert(broker.count === 1);
 * await broker.close();
 * ```
 */
export interface Broker {
  /**
   * Sends `data` to every subscriber of `channel`. Resolves once the message has
   * been handed to the transport, with the number of receivers where the transport
   * can tell (Redis: brokers listening to the channel) or `undefined` where it
   * cannot (BroadcastChannel).
   */
  publish(channel: string, data: unknown): Promise<number | undefined>;
  /** Starts listening to `channel`; iterate the result with `for await`. */
  subscribe<T = unknown>(
    channel: string,
    options?: SubscribeOptions,
  ): Subscription<T>;
  /** Ends every subscription and releases the broker's resources. Idempotent. */
  close(): Promise<void>;
}

/** Raised by a broker used after `close()`. */
export class BrokerClosed extends Error {
  /**
   * Creates the error for the broker described by `what` (e.g. `LocalBroker`).
   */
  constructor(what: string) {
    super(
      `${what} is closed. Create a new broker (createBroker()) and install it with ` +
        `useBroker(), or stop using this one after app.close().`,
    );
    this.name = "BrokerClosed";
  }
}

let current: Broker | undefined;

/**
 * The broker the module-level functions use: the one installed with
 * {@linkcode useBroker}, or else a {@linkcode LocalBroker} created on first use
 * (it reaches every isolate of this process, not other machines).
 *
 * @example Publishing through the current broker directly
 * ```ts
 * import { getBroker } from "@aio/pyramid";
 * await getBroker().publish("news", { headline: "hello" });
 * ```
 */
export function getBroker(): Broker {
  current ??= new LocalBroker();
  return current;
}

/**
 * Installs `broker` as the current broker for `publish`, `subscribe`, `signal` and
 * `waitForSignal` in this isolate, and returns the one it replaces (not closed: the
 * caller owns both). Pass `undefined` to go back to the default local broker.
 * Each isolate (server Worker, executor Worker) has its own current broker: install
 * one in each isolate that should use Redis.
 *
 * @example Using Redis when settings name it, and restoring the previous broker
 * ```ts
 * import { createBroker, useBroker } from "@aio/pyramid";
 * const settings: Record<string, string> = {}; // e.g. { "aio.broker.url": "redis://127.0.0.1:6379/0" }
 * const broker = createBroker({ url: settings["aio.broker.url"] });
 * const previous = useBroker(broker);
 * // ... serve ...
 * useBroker(previous);
 * await broker.close();
 * ```
 */
export function useBroker(broker: Broker | undefined): Broker | undefined {
  const previous = current;
  current = broker;
  return previous;
}

/**
 * Publishes `data` on `channel` through the current broker. Data must be
 * structured-cloneable for the local broker and JSON-serialisable for Redis; plain
 * JSON values work everywhere. Messages are delivered as copies: treat them as
 * read-only (subscribers in one isolate share one copy).
 *
 * @example Announcing a chat message
 * ```ts
 * import { publish } from "@aio/pyramid";
 * await publish("room:lobby", { from: "ann", text: "hi all" });
 * ```
 */
export async function publish(channel: string, data: unknown): Promise<void> {
  await getBroker().publish(channel, data);
}

/**
 * Subscribes to `channel` through the current broker. Leaving the `for await` loop
 * unsubscribes; `options` bound the buffer and pick the overflow policy.
 *
 * @example Relaying a room to a websocket until the client leaves
 * ```ts
 * import { publish, subscribe } from "@aio/pyramid";
 * const room = subscribe<string>("room:lobby", { bufferSize: 100 });
 * await room.ready;
 * await publish("room:lobby", "hello");
 * for await (const message of room) {
 *   console.assert(message === "hello");
 *   break; // unsubscribes and frees the buffer
 * }
 * ```
 */
export function subscribe<T = unknown>(
  channel: string,
  options?: SubscribeOptions,
): Subscription<T> {
  return getBroker().subscribe<T>(channel, options);
}
