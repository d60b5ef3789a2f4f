/**
 * `RedisSessionFactory`: sessions kept in Redis, shared by every server isolate and
 * machine; the cookie holds only a signed, random session id.
 *
 * Each session is a Redis hash (`<prefix><id>`): one field per key (`k:<key>`, its JSON),
 * plus `m:created` and `m:renewed`; it expires `timeout` seconds after its last save.
 *
 * Two concurrent requests that change one session: each writes only the keys it set or
 * deleted, in one MULTI/EXEC, so changes to different keys both survive; for the same key
 * (one flash queue is one key) the request saved last wins. `changed()` and
 * `invalidate()` write the whole session and so replace whatever the other wrote.
 *
 * @module
 */

import type { RedisClientType } from "@redis/client";

// A variable, not a literal: Deno downloads every statically analysable `import("…")` when
// a program starts, so a literal would make every app fetch @redis/client (see
// broadcast/redis.ts; the same full `npm:` specifier resolves from the published package).
const REDIS_CLIENT = "npm:@redis/client@^6";
import { ConfigurationError } from "../errors.ts";
import { HTTPServiceUnavailable } from "../httpexceptions.ts";
import { randomHex } from "./_codec.ts";
import type { SessionFactory, SessionRequest } from "./factory.ts";
import { resolveSessionOptions, sessionCookieHeader, type SessionOptions } from "./options.ts";
import { nowSeconds, Session } from "./session.ts";
import type { JsonValue } from "./session.ts";
import { SignedSerializer } from "./signed_cookie.ts";

/** Options of {@linkcode RedisSessionFactory}. */
export interface RedisSessionOptions extends SessionOptions {
  /** Signs the session id in the cookie (required; keep it in the settings, not the source). */
  secret: string;
  /** Prepended to every session's Redis key. Default `aio:session:`. */
  prefix?: string;
  /** How long to wait for a connection, in ms. Default 2000. */
  connectTimeoutMs?: number;
}

type Client = RedisClientType;

const ID = /^[0-9a-f]{64}$/;

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return url;
  }
}

// One connection per factory, opened on the first request that needs a session. With
// the offline queue off, commands fail at once while Redis is away (a 503) instead of
// piling up; the client reconnects in the background.
class Connection {
  #url: string;
  #timeoutMs: number;
  #client: Promise<Client> | undefined;
  #closed = false;

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  get(): Promise<Client> {
    if (this.#closed) {
      return Promise.reject(new Error("the session factory was closed (app.close())"));
    }
    if (this.#client) return this.#client;
    const client = this.#open();
    this.#client = client;
    client.catch(() => {
      if (this.#client === client) this.#client = undefined;
    });
    return client;
  }

  async #open(): Promise<Client> {
    const { createClient } = await import(REDIS_CLIENT);
    let connected = false;
    const client = createClient({
      url: this.#url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: this.#timeoutMs,
        reconnectStrategy: (retries: number, cause: Error) =>
          connected && !this.#closed ? Math.min(50 * (retries + 1), 1000) : cause,
      },
    }) as unknown as Client;
    // Errors reach callers through their commands; without a listener the client throws.
    client.on("error", () => {});
    try {
      await client.connect();
    } catch (error) {
      if (client.isOpen) client.destroy();
      throw error;
    }
    connected = true;
    return client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    try {
      const open = await client;
      if (open.isOpen) open.destroy();
    } catch { /* never connected */ }
  }
}

/**
 * A session factory keeping sessions in Redis; the cookie carries only a signed id.
 * When Redis cannot be reached, requests that use the session answer 503 (and say
 * why); requests that do not touch the session are unaffected.
 *
 * @example Sessions in Redis
 * ```ts
 * import { Configurator, RedisSessionFactory } from "@aio/pyramid";
 * const factory = RedisSessionFactory("redis://127.0.0.1:6379/0", {
 *   secret: "a-long-random-secret-from-settings",
 *   timeout: 3600,
 * });
 * console.assert(typeof factory.close === "function");
 * void Configurator;
 * ```
 */
export function RedisSessionFactory(url: string, options: RedisSessionOptions): SessionFactory {
  const where = "RedisSessionFactory";
  if (!options || typeof options.secret !== "string" || options.secret === "") {
    throw new ConfigurationError(
      `${where}: options.secret is required; it signs the session id in the cookie. ` +
        "Generate one with `openssl rand -hex 32` and keep it in the settings.",
    );
  }
  try {
    if (!/^rediss?:$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    throw new ConfigurationError(
      `${where}: ${JSON.stringify(url)} is not a Redis URL; write redis://host:6379/0.`,
    );
  }
  const resolved = resolveSessionOptions(options, { cookieName: "session", where });
  const signer = new SignedSerializer(options.secret, {
    salt: "aio.session.redis.",
    hashalg: "sha256",
  });
  const prefix = options.prefix ?? "aio:session:";
  const connection = new Connection(url, options.connectTimeoutMs ?? 2000);
  const shown = redact(url);
  // Redis drops a session `timeout` seconds after its last save; without a timeout, when
  // the cookie would have expired; with neither, never.
  const ttl = resolved.timeout ?? resolved.maxAge;

  function unavailable(error: unknown): HTTPServiceUnavailable {
    return new HTTPServiceUnavailable({
      detail: `The session store (Redis at ${shown}) cannot be reached: ${
        (error as Error).message ?? error
      }. Requests that use the session fail until it is back; start redis-server or fix the URL.`,
      cause: error,
    });
  }

  async function run<T>(work: (client: Client) => Promise<T>): Promise<T> {
    let client: Client;
    try {
      client = await connection.get();
      return await work(client);
    } catch (error) {
      throw unavailable(error);
    }
  }

  async function save(
    session: Session,
    request: SessionRequest,
    response: Response,
    loadedId: string | undefined,
  ): Promise<void> {
    if (!resolved.setOnException && request.exception !== undefined) return;
    const data = session.toJSON();
    const empty = Object.keys(data).length === 0;
    // A new id for a new or invalidated session: an id known before login is useless after.
    const id = loadedId === undefined || session.invalidated ? randomHex(32) : loadedId;
    const fresh = id !== loadedId;
    await run(async (client) => {
      const multi = client.multi();
      if (loadedId !== undefined && (session.invalidated || session.rewriteAll)) {
        multi.del(prefix + loadedId);
      }
      if (!(session.invalidated && empty)) {
        const fields: Record<string, string> = {
          "m:created": String(session.created),
          "m:renewed": String(session.accessed),
        };
        const removed: string[] = [];
        const keys = fresh || session.rewriteAll ? Object.keys(data) : session.touchedKeys;
        for (const key of keys) {
          if (key in data) fields["k:" + key] = JSON.stringify(data[key]);
          else removed.push("k:" + key);
        }
        multi.hSet(prefix + id, fields);
        if (removed.length > 0) multi.hDel(prefix + id, removed);
        if (ttl !== null) multi.expire(prefix + id, ttl);
      }
      await multi.exec();
    });
    if (session.invalidated && empty) {
      if (loadedId !== undefined) {
        response.headers.append("set-cookie", sessionCookieHeader(resolved, null));
      }
      return;
    }
    response.headers.append("set-cookie", sessionCookieHeader(resolved, await signer.dumps(id)));
  }

  async function redisSession(request: SessionRequest): Promise<Session> {
    let id: string | undefined;
    const cookie = request.cookies[resolved.cookieName];
    if (cookie !== undefined && cookie.length < 512) {
      const value = await signer.loads(cookie).catch(() => undefined);
      if (typeof value === "string" && ID.test(value)) id = value;
    }
    const onChanged = (session: Session) =>
      request.addResponseCallback((_request, response) => save(session, request, response, id));
    const stored = id === undefined
      ? {}
      : await run((client) => client.hGetAll(prefix + id) as Promise<Record<string, string>>);
    const created = Number(stored["m:created"]);
    const renewed = Number(stored["m:renewed"]);
    if (!Number.isFinite(created) || !Number.isFinite(renewed)) {
      // No such session (expired, never existed, or not ours): a new one, new id on save.
      id = undefined;
      return new Session({ reissueTime: resolved.reissueTime, onChanged });
    }
    const data: Record<string, JsonValue> = {};
    for (const [field, value] of Object.entries(stored)) {
      if (!field.startsWith("k:")) continue;
      try {
        data[field.slice(2)] = JSON.parse(value);
      } catch { /* a field written by something else: skipped */ }
    }
    // Redis normally drops it first; a stale entry (e.g. timeout lowered since) starts over.
    const timedOut = resolved.timeout !== null && nowSeconds() - renewed > resolved.timeout;
    if (timedOut) id = undefined;
    return new Session({
      data: timedOut ? {} : data,
      created,
      renewed,
      isNew: false,
      reissueTime: resolved.reissueTime,
      onChanged,
    });
  }

  return Object.assign(redisSession, { close: () => connection.close() });
}
