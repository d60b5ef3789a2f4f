/**
 * The schema of the framework's own `aio.*` settings: one entry per key with its type,
 * default and meaning. {@linkcode parseAioSettings} validates them all once, when the
 * `Configurator` is made, so a bad value fails at start-up naming the key, the value and
 * what is accepted, and a misspelled key is a warning naming the closest known one.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** The executor's settings (`aio.executor.*`). */
export interface AioExecutorSettings {
  /** `aio.executor.max_workers`: worker count. */
  readonly maxWorkers: number;
  /** `aio.executor.timeout_ms`: per-call limit in milliseconds. */
  readonly timeoutMs: number;
  /** `aio.executor.max_queue`: calls waiting for a worker before 503. */
  readonly maxQueue: number;
}

/** The websocket settings (`aio.websocket.*`). */
export interface AioWebsocketSettings {
  /** `aio.websocket.max_message_bytes`: larger messages close the socket with 1009. */
  readonly maxMessageBytes: number;
  /** `aio.websocket.idle_timeout_ms`: ping idle peers after this long (0: never). */
  readonly idleTimeoutMs: number;
  /** `aio.websocket.shutdown_grace_ms`: how long `app.close()` waits for views after 1001. */
  readonly shutdownGraceMs: number;
  /** `aio.websocket.max_blocking`: concurrent blocking websocket views. */
  readonly maxBlocking: number;
  /** `aio.websocket.blocking_timeout_ms`: longest life of a blocking websocket view. */
  readonly blockingTimeoutMs: number;
}

/** The broker settings (`aio.broker.*`). */
export interface AioBrokerSettings {
  /** `aio.broker.url`: `""` (local), `local:`, `redis://…` or `rediss://…`. */
  readonly url: string;
}

/**
 * The framework's own settings, parsed and validated once from the `aio.*` keys
 * (`registry.aio`).
 *
 * @example Reading a parsed setting
 * ```ts
 * import { Configurator } from "@aio/pyramid";
 * const config = new Configurator({ settings: { "aio.websocket.max_message_bytes": "4096" } });
 * console.assert(config.registry.aio.websocket.maxMessageBytes === 4096);
 * ```
 */
export interface AioSettings {
  /** `aio.debug`: tracebacks in error bodies. */
  readonly debug: boolean;
  /** `aio.max_body_bytes`: request bodies over this answer 413. */
  readonly maxBodyBytes: number;
  /** `aio.reload_templates`: re-read templates on every render. */
  readonly reloadTemplates: boolean;
  /** `aio.includes`: modules whose `includeme(config)` runs at start-up. */
  readonly includes: readonly string[];
  /** `aio.allowed_hosts`: `Host` values served (`*`: any). */
  readonly allowedHosts: readonly string[];
  /** `aio.trusted_proxies`: peers whose `X-Forwarded-Host`/`X-Forwarded-Proto` headers are believed. */
  readonly trustedProxies: readonly string[];
  /** `aio.stall_warning_ms`: warn when the event loop was blocked longer (0: off). */
  readonly stallWarningMs: number;
  /** `aio.executor.*`. */
  readonly executor: AioExecutorSettings;
  /** `aio.websocket.*`. */
  readonly websocket: AioWebsocketSettings;
  /** `aio.broker.*`. */
  readonly broker: AioBrokerSettings;
  /** Same as `executor.maxWorkers` (older spelling, kept for existing readers). */
  readonly maxWorkers: number;
  /** Same as `executor.timeoutMs` (older spelling, kept for existing readers). */
  readonly timeoutMs: number;
  /** Same as `executor.maxQueue` (older spelling, kept for existing readers). */
  readonly maxQueue: number;
}

/** The kinds of value an `aio.*` setting holds. */
export type AioSettingType = "boolean" | "integer" | "list" | "string";

/** One entry of the `aio.*` settings schema. */
export interface AioSettingSpec {
  /** The full key, e.g. `aio.executor.max_workers`. */
  readonly key: string;
  /** The kind of value. */
  readonly type: AioSettingType;
  /** The default as the README's settings table shows it. */
  readonly default: string;
  /** What the setting does. */
  readonly meaning: string;
  /** The smallest accepted value, for integers. */
  readonly min?: number;
}

/**
 * Every `aio.*` key the framework reads, in the README's order.
 *
 * @example Listing the known keys
 * ```ts
 * import { AIO_SETTINGS } from "@aio/pyramid";
 * console.assert(AIO_SETTINGS.some((spec) => spec.key === "aio.debug"));
 * ```
 */
export const AIO_SETTINGS: readonly AioSettingSpec[] = Object.freeze([
  spec(
    "aio.debug",
    "boolean",
    "`false`",
    "tracebacks in 500 bodies (errors are always logged with their stack)",
  ),
  spec(
    "aio.max_body_bytes",
    "integer",
    "`10485760`",
    "larger request bodies answer 413, without being buffered",
  ),
  spec("aio.reload_templates", "boolean", "`false`", "re-read templates on every render"),
  spec(
    "aio.includes",
    "list",
    "(none)",
    "modules whose default export (or `includeme`) configures the app",
  ),
  spec(
    "aio.allowed_hosts",
    "list",
    "`*`",
    "`Host` values served (`*`, `.example.com` for subdomains); others get 400",
  ),
  spec(
    "aio.trusted_proxies",
    "list",
    "(none)",
    "peer addresses whose `X-Forwarded-Host`/`X-Forwarded-Proto` headers are believed",
  ),
  spec(
    "aio.stall_warning_ms",
    "integer",
    "`100` with `aio.debug`, else `0`",
    "warn, naming the view, when the event loop was blocked longer (0: off)",
  ),
  spec(
    "aio.executor.max_workers",
    "integer",
    "CPU count",
    "executor workers, started when the app has a blocking view",
    1,
  ),
  spec(
    "aio.executor.timeout_ms",
    "integer",
    "`30000`",
    "per-call limit; over it 504 and the worker is replaced",
  ),
  spec(
    "aio.executor.max_queue",
    "integer",
    "`1024`",
    "calls waiting for a worker; beyond it 503 with `Retry-After`",
  ),
  spec(
    "aio.websocket.max_message_bytes",
    "integer",
    "`1048576`",
    "larger messages close the socket with 1009",
    1,
  ),
  spec(
    "aio.websocket.idle_timeout_ms",
    "integer",
    "`120000`",
    "ping idle peers, close dead ones (0: never)",
  ),
  spec(
    "aio.websocket.shutdown_grace_ms",
    "integer",
    "`5000`",
    "how long `app.close()` lets websocket views finish after 1001",
  ),
  spec(
    "aio.websocket.max_blocking",
    "integer",
    "`max_workers - 1` (at least 1)",
    "concurrent blocking websocket views",
    1,
  ),
  spec(
    "aio.websocket.blocking_timeout_ms",
    "integer",
    "`86400000`",
    "longest life of a blocking websocket view (then 1011, worker replaced)",
  ),
  spec(
    "aio.broker.url",
    "string",
    "(local)",
    "`redis://host:port/db` (or `rediss://`) to publish and signal across machines",
  ),
]);

function spec(
  key: string,
  type: AioSettingType,
  defaultText: string,
  meaning: string,
  min?: number,
): AioSettingSpec {
  return Object.freeze({
    key,
    type,
    default: defaultText,
    meaning,
    ...(min === undefined ? {} : { min }),
  });
}

const SPECS = new Map(AIO_SETTINGS.map((entry) => [entry.key, entry]));
const TRUE = new Set(["true", "yes", "on", "1", "y", "t"]);
const FALSE = new Set(["false", "no", "off", "0", "n", "f", ""]);
const BROKER_SCHEMES = /^(|local:(\/\/)?|rediss?:\/\/.*)$/i;

/** Options for {@linkcode parseAioSettings}. */
export interface ParseAioSettingsOptions {
  /**
   * Where warnings about unknown `aio.*` keys go (default `console.warn`); `false` keeps
   * quiet, e.g. in an executor worker that parses settings the main isolate already checked.
   */
  warn?: ((message: string) => void) | false;
}

/**
 * Validates every `aio.*` key of `settings` against {@linkcode AIO_SETTINGS} and returns
 * the parsed values with defaults filled in. A bad value is a `ConfigurationError` naming
 * the key, the value and what is accepted; an unknown `aio.*` key is a warning naming the
 * closest known key.
 *
 * @example A bad value fails at once
 * ```ts
 * import { ConfigurationError, parseAioSettings } from "@aio/pyramid";
 * const aio = parseAioSettings({ "aio.debug": "on" });
 * console.assert(aio.debug && aio.stallWarningMs === 100);
 * try {
 *   parseAioSettings({ "aio.executor.timeout_ms": "30s" });
 * } catch (error) {
 *   console.assert(error instanceof ConfigurationError);
 * }
 * ```
 */
export function parseAioSettings(
  settings: Readonly<Record<string, unknown>>,
  options: ParseAioSettingsOptions = {},
): AioSettings {
  const warn = options.warn === undefined ? console.warn : options.warn;
  if (warn) {
    for (const key of Object.keys(settings)) {
      if (key.startsWith("aio.") && !SPECS.has(key)) warn(unknownKeyMessage(key));
    }
  }
  const has = (key: string) => settings[key] !== undefined;
  const bool = (key: string, fallback: boolean) =>
    has(key) ? readBool(key, settings[key]) : fallback;
  const int = (key: string, fallback: number) => has(key) ? readInt(key, settings[key]) : fallback;
  const list = (key: string, fallback: string[]) =>
    has(key) ? readList(key, settings[key]) : fallback;

  const debug = bool("aio.debug", false);
  const executor: AioExecutorSettings = Object.freeze({
    maxWorkers: int("aio.executor.max_workers", navigator.hardwareConcurrency || 2),
    timeoutMs: int("aio.executor.timeout_ms", 30_000),
    maxQueue: int("aio.executor.max_queue", 1024),
  });
  const websocket: AioWebsocketSettings = Object.freeze({
    maxMessageBytes: int("aio.websocket.max_message_bytes", 1024 * 1024),
    idleTimeoutMs: int("aio.websocket.idle_timeout_ms", 120_000),
    shutdownGraceMs: int("aio.websocket.shutdown_grace_ms", 5_000),
    // Each blocking websocket view holds a worker for its life: leave one for HTTP views.
    maxBlocking: int("aio.websocket.max_blocking", Math.max(1, executor.maxWorkers - 1)),
    blockingTimeoutMs: int("aio.websocket.blocking_timeout_ms", 24 * 60 * 60 * 1000),
  });
  return Object.freeze({
    debug,
    maxBodyBytes: int("aio.max_body_bytes", 10 * 1024 * 1024),
    reloadTemplates: bool("aio.reload_templates", false),
    includes: Object.freeze(list("aio.includes", [])),
    allowedHosts: Object.freeze(list("aio.allowed_hosts", ["*"])),
    trustedProxies: Object.freeze(list("aio.trusted_proxies", [])),
    stallWarningMs: int("aio.stall_warning_ms", debug ? 100 : 0),
    executor,
    websocket,
    broker: Object.freeze({
      url: has("aio.broker.url") ? readBrokerUrl(settings["aio.broker.url"]) : "",
    }),
    maxWorkers: executor.maxWorkers,
    timeoutMs: executor.timeoutMs,
    maxQueue: executor.maxQueue,
  });
}

/**
 * The parsed value of one `aio.*` key, found by its name: `aio.websocket.max_message_bytes`
 * is `aio.websocket.maxMessageBytes`. An unknown key is a `ConfigurationError`.
 *
 * @example Reading a value by its setting name
 * ```ts
 * import { aioSetting, Configurator } from "@aio/pyramid";
 * const config = new Configurator({ settings: { "aio.executor.timeout_ms": "500" } });
 * console.assert(aioSetting(config.registry.aio, "aio.executor.timeout_ms") === 500);
 * ```
 */
export function aioSetting(aio: AioSettings, key: string): unknown {
  if (!SPECS.has(key)) {
    throw new ConfigurationError(unknownKeyMessage(key).replace(" is ignored", ""));
  }
  let value: unknown = aio;
  for (const part of key.slice("aio.".length).split(".")) {
    const name = part.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

function invalid(key: string, value: unknown, accepted: string): ConfigurationError {
  const shown = typeof value === "string"
    ? `'${value}'`
    : Array.isArray(value)
    ? JSON.stringify(value)
    : `${String(value)} (${typeof value})`;
  return new ConfigurationError(
    `Setting '${key}' = ${shown} is not valid: it must be ${accepted}. ` +
      `Fix it in [app:main] (or the settings given to the Configurator).`,
  );
}

function readBool(key: string, value: unknown): boolean {
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" || typeof value === "number"
    ? String(value).trim().toLowerCase()
    : "?";
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw invalid(key, value, "true or false (or yes/no, on/off, 1/0)");
}

function readInt(key: string, value: unknown): number {
  const min = SPECS.get(key)?.min ?? 0;
  // Number("") is 0 and Number("1e3") is 1000: accept digits only.
  const number = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+\s*$/.test(value)
    ? Number(value)
    : NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw invalid(key, value, `a whole number of ${min} or more, written in digits`);
  }
  return number;
}

function readList(key: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return [...value];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  throw invalid(
    key,
    value,
    "a list of words separated by spaces or new lines (or an array of strings)",
  );
}

function readBrokerUrl(value: unknown): string {
  if (typeof value === "string" && BROKER_SCHEMES.test(value.trim())) return value.trim();
  throw invalid(
    "aio.broker.url",
    value,
    "empty or local: (the in-process broker), or redis://host:port/db or rediss://host:port/db",
  );
}

function unknownKeyMessage(key: string): string {
  let best = "";
  let bestDistance = Infinity;
  for (const known of SPECS.keys()) {
    const distance = editDistance(key, known);
    if (distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return `[aio.pyramid] Unknown setting '${key}' is ignored. Did you mean '${best}'? ` +
    `(The aio.* keys are listed in the README's Settings table.)`;
}

/** Levenshtein distance: the fewest single-character edits turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
