/**
 * Choosing a broker from a URL or from the app's settings (`aio.broker.url`).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import type { Broker } from "./broker.ts";
import { LocalBroker } from "./local.ts";
import { RedisBroker, type RedisBrokerOptions } from "./redis.ts";

/** The setting that names the broker: `aio.broker.url = redis://host:port/db`. */
export const BROKER_URL_SETTING = "aio.broker.url";

/** Options for {@linkcode createBroker}. */
export interface CreateBrokerOptions extends RedisBrokerOptions {
  /**
   * Where messages go. Empty, missing or `local:` → a {@linkcode LocalBroker}
   * (every isolate of this process); `redis://host:port/db` or `rediss://…` → a
   * {@linkcode RedisBroker} (every process and machine using that server).
   */
  url?: string;
  /** The {@linkcode LocalBroker} namespace, when the broker is local. */
  namespace?: string;
}

/**
 * Makes the broker a URL names. Nothing connects until the broker is first used.
 * An unknown scheme is a `ConfigurationError` that says what is accepted.
 *
 * @example A local broker by default, Redis when configured
 * ```ts
 * import { createBroker, LocalBroker } from "@aio/pyramid";
 * const broker = createBroker({ url: "" });
 * console.assert(broker instanceof LocalBroker);
 * await broker.close();
 * ```
 */
export function createBroker(options: CreateBrokerOptions = {}): Broker {
  const { url, namespace, ...redisOptions } = options;
  const trimmed = (url ?? "").trim();
  if (trimmed === "" || trimmed === "local:" || trimmed === "local://") {
    return new LocalBroker({ namespace });
  }
  if (/^rediss?:\/\//i.test(trimmed)) {
    try {
      return new RedisBroker(trimmed, redisOptions);
    } catch (error) {
      throw new ConfigurationError(
        `${BROKER_URL_SETTING}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  throw new ConfigurationError(
    `${BROKER_URL_SETTING} = ${JSON.stringify(trimmed)} names no known broker. ` +
      `Leave it empty (or "local:") for the in-process BroadcastChannel broker, ` +
      `or use redis://host:port/db for Redis.`,
  );
}

/**
 * Makes the broker the app's settings name with `aio.broker.url` (see
 * {@linkcode createBroker}); the local broker when the setting is absent.
 *
 * @example Wiring the broker into an app's lifetime
 * ```ts
 * import { brokerFromSettings, useBroker } from "@aio/pyramid";
 * const settings = { "aio.broker.url": "" };
 * const broker = brokerFromSettings(settings);
 * useBroker(broker);
 * // on app.close():
 * useBroker(undefined);
 * await broker.close();
 * ```
 */
export function brokerFromSettings(
  settings: Record<string, unknown>,
  options: Omit<CreateBrokerOptions, "url"> = {},
): Broker {
  const url = settings[BROKER_URL_SETTING];
  if (url !== undefined && typeof url !== "string") {
    throw new ConfigurationError(
      `${BROKER_URL_SETTING} must be a string such as redis://127.0.0.1:6379/0, got ${typeof url}.`,
    );
  }
  return createBroker({ ...options, url });
}
