/**
 * `RedisBroker`: publish/subscribe across machines through a Redis server, with the
 * node-redis client (`@redis/client`).
 *
 * @module
 */

// Types only (erased when run): the client itself is imported on first connection, below.
import type { RedisClientType } from "@redis/client";
import { checkChannel } from "./_checks.ts";
import { Fanout } from "./_fanout.ts";
import { type Broker, BrokerClosed } from "./broker.ts";
import type { SubscribeOptions, Subscription } from "./subscription.ts";

// The Redis client is imported on the first connection only. The specifier is a variable
// on purpose: Deno downloads every statically analysable `import("…")` when the program
// starts, so a literal here made every app fetch @redis/client. It is a full `npm:`
// specifier (deno.json's "@redis/client" range) so it resolves from the published package
// too, where this repository's import map does not apply.
const REDIS_CLIENT = "npm:@redis/client@^6";

/** Options for {@linkcode RedisBroker}. */
export interface RedisBrokerOptions {
  /**
   * Prepended to every channel name on the Redis server. Redis pub/sub ignores the
   * database number in the URL, so the default, `aio:<db>:`, keeps apps that use
   * different databases of one server from hearing each other.
   */
  prefix?: string;
  /** How long to wait for the first connection, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Told about connection trouble after the first successful connection (the
   * client reconnects by itself, with back-off up to 2 s). Default: `console.error`.
   */
  onError?: (error: Error) => void;
}

type Client = RedisClientType;

/** Turns a payload from Redis back into a value; non-JSON payloads (published by other tools) arrive as strings. */
function decode(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/** Hides the password of a Redis URL for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}

/**
 * A broker over a Redis server: every broker connected to the same server (and
 * prefix) hears every other, whichever process or machine it runs in.
 *
 * It opens two connections on first use (Redis needs one just for subscribing):
 * one publishes, one listens, SUBSCRIBEd only to channels that have subscribers in
 * this isolate. Messages travel as JSON (so `Date`s arrive as strings, `undefined`
 * as `null`); a payload that is not JSON, e.g. from `redis-cli PUBLISH`, arrives as
 * the raw string. Messages from one publisher keep their order. While the
 * connection is down, published messages wait in the client's offline queue and
 * messages sent by others are missed; subscriptions resume on reconnect.
 *
 * @example Two "machines" talking through Redis
 * ```ts ignore
 * import { RedisBroker } from "@aio/pyramid";
 * const a = new RedisBroker("redis://127.0.0.1:6379/0");
 * const b = new RedisBroker("redis://127.0.0.1:6379/0");
 * const news = b.subscribe<string>("news");
 * await news.ready; // SUBSCRIBE acknowledged
 * await a.publish("news", "extra!");
 * console.assert((await news.next()).value === "extra!");
 * await Promise.all([a.close(), b.close()]);
 * ```
 */
export class RedisBroker implements Broker {
  /** The server URL, password redacted. */
  readonly url: string;
  /** The prefix every channel name gets on the server. */
  readonly prefix: string;
  #url: string;
  #connectTimeoutMs: number;
  #onError: (error: Error) => void;
  #clients: Promise<[Client, Client]> | undefined;
  #connected = false;
  #closed = false;
  // SUBSCRIBE/UNSUBSCRIBE run one after another so a quick unsubscribe-resubscribe
  // never reaches the server out of order.
  #operations: Promise<unknown> = Promise.resolve();
  #fanout = new Fanout({
    listen: (channel) =>
      this.#enqueue((subscriber) => subscriber.subscribe(this.prefix + channel, this.#onMessage)),
    unlisten: (channel) => {
      void this.#enqueue((subscriber) => subscriber.unsubscribe(this.prefix + channel)).catch(
        () => {},
      );
    },
  });
  #onMessage = (payload: string, channel: string) => {
    if (!channel.startsWith(this.prefix)) return;
    this.#fanout.deliver(channel.slice(this.prefix.length), decode(payload));
  };

  /** Creates a broker for `url` (`redis://[:password@]host:port/db`); connects on first use. */
  constructor(url: string, options: RedisBrokerOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(
        `RedisBroker: ${
          JSON.stringify(url)
        } is not a URL. Use redis://host:port/db, e.g. redis://127.0.0.1:6379/0.`,
      );
    }
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
      throw new TypeError(
        `RedisBroker: ${redact(url)} is not a redis:// or rediss:// URL. Use redis://host:port/db.`,
      );
    }
    const db = parsed.pathname.replace(/^\//, "") || "0";
    if (!/^\d+$/.test(db)) {
      throw new TypeError(
        `RedisBroker: the database in ${
          redact(url)
        } must be a number, got "${db}". Use redis://host:port/0.`,
      );
    }
    this.#url = url;
    this.url = redact(url);
    this.prefix = options.prefix ?? `aio:${db}:`;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#onError = options.onError ??
      ((error) => console.error(`RedisBroker ${this.url}: ${error.message}`));
  }

  /** Live subscriptions in this isolate. */
  get subscriberCount(): number {
    return this.#fanout.subscriberCount;
  }

  /**
   * Publishes a JSON-serialisable `data` on `channel`. Resolves with the number of
   * brokers (subscriber connections) that received it, 0 when nobody listens.
   */
  async publish(channel: string, data: unknown): Promise<number> {
    if (this.#closed) throw new BrokerClosed(`RedisBroker ${this.url}`);
    checkChannel(channel, "publish");
    let payload: string;
    try {
      payload = JSON.stringify(data) ?? "null";
    } catch (error) {
      throw new TypeError(
        `publish("${channel}"): the data cannot be sent through Redis as JSON (${
          (error as Error).message
        }). Publish plain JSON data: objects, arrays, strings, numbers, booleans, null.`,
        { cause: error },
      );
    }
    const [publisher] = await this.#connect();
    return await publisher.publish(this.prefix + channel, payload);
  }

  /** Subscribes to `channel`; `ready` resolves once Redis acknowledged the SUBSCRIBE. */
  subscribe<T = unknown>(
    channel: string,
    options?: SubscribeOptions,
  ): Subscription<T> {
    if (this.#closed) throw new BrokerClosed(`RedisBroker ${this.url}`);
    checkChannel(channel, "subscribe");
    return this.#fanout.add<T>(channel, options);
  }

  /** Ends every subscription and closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#fanout.closeAll();
    await this.#operations.catch(() => {});
    const clients = this.#clients;
    this.#clients = undefined;
    if (!clients) return;
    let pair: [Client, Client];
    try {
      pair = await clients;
    } catch {
      return; // never connected: nothing to close
    }
    await Promise.all(pair.map(async (client) => {
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    }));
  }

  #enqueue(operation: (subscriber: Client) => Promise<unknown>): Promise<void> {
    const run = this.#operations.catch(() => {}).then(async () => {
      const [, subscriber] = await this.#connect();
      await operation(subscriber);
    });
    this.#operations = run;
    return run;
  }

  #connect(): Promise<[Client, Client]> {
    if (this.#clients) return this.#clients;
    const clients = this.#open();
    this.#clients = clients;
    // A failed first connection is reported to the caller; the next call tries again.
    clients.catch(() => {
      if (this.#clients === clients) this.#clients = undefined;
    });
    return clients;
  }

  async #open(): Promise<[Client, Client]> {
    // Loaded on first use, so apps on the local broker never load the client.
    const { createClient } = await import(REDIS_CLIENT);
    const make = () => {
      const client = createClient({
        url: this.#url,
        socket: {
          connectTimeout: this.#connectTimeoutMs,
          // Fail fast on a wrong URL; once connected, ride out outages.
          reconnectStrategy: (retries: number, cause: Error) =>
            this.#connected && !this.#closed ? Math.min(50 * (retries + 1), 2000) : cause,
        },
      }) as unknown as Client;
      client.on("error", (error: Error) => {
        if (this.#connected && !this.#closed) this.#onError(error);
      });
      return client;
    };
    const publisher = make();
    const subscriber = make();
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (error) {
      for (const client of [publisher, subscriber]) {
        if (client.isOpen) client.destroy();
      }
      throw new Error(
        `RedisBroker: cannot connect to ${this.url} (${(error as Error).message}). ` +
          `Start redis-server there, or fix the aio.broker.url setting.`,
        { cause: error },
      );
    }
    this.#connected = true;
    return [publisher, subscriber];
  }
}
