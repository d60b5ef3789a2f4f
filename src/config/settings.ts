/**
 * Application settings: a frozen object of strings (or values passed in code), with
 * the `aio.*` keys the framework reads and their defaults.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** Frozen application settings, as `request.settings` and `registry.settings` show them. */
export type Settings = Readonly<Record<string, unknown>>;

/** The framework's own settings, parsed once at construction. */
export interface AioSettings {
  /** `aio.debug`: tracebacks in error pages. */
  debug: boolean;
  /** `aio.max_body_bytes`: request bodies over this answer 413. */
  maxBodyBytes: number;
  /** `aio.executor.max_workers`. */
  maxWorkers: number;
  /** `aio.executor.timeout_ms`. */
  timeoutMs: number;
  /** `aio.executor.max_queue`. */
  maxQueue: number;
}

const TRUE = new Set(["true", "yes", "on", "1", "y", "t"]);
const FALSE = new Set(["false", "no", "off", "0", "n", "f", ""]);

/** Reads a boolean setting the way Pyramid's `asbool` does. */
export function asBool(value: unknown, key = "setting"): boolean {
  if (typeof value === "boolean") return value;
  if (value === undefined || value === null) return false;
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new ConfigurationError(
    `Setting '${key}' must be true or false (or yes/no, on/off, 1/0), not '${value}'.`,
  );
}

/** Reads a non-negative integer setting. */
export function asInt(value: unknown, key = "setting"): number {
  // Number("") and Number(" ") are 0 and Number("1e3") is 1000: accept digits only.
  const text = String(value).trim();
  const number = typeof value === "number" ? value : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new ConfigurationError(
      `Setting '${key}' must be a whole number of zero or more, not '${value}'.`,
    );
  }
  return number;
}

/** Reads a list setting: whitespace- or newline-separated words. */
export function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined || value === null) return [];
  return String(value).split(/\s+/).filter(Boolean);
}

/** Freezes settings and parses the `aio.*` keys, with defaults. */
export function readSettings(
  input: Record<string, unknown> = {},
): { settings: Settings; aio: AioSettings } {
  const settings = Object.freeze({ ...input });
  const get = (key: string, fallback: unknown) => key in settings ? settings[key] : fallback;
  const aio: AioSettings = {
    debug: asBool(get("aio.debug", false), "aio.debug"),
    maxBodyBytes: asInt(get("aio.max_body_bytes", 10 * 1024 * 1024), "aio.max_body_bytes"),
    maxWorkers: asInt(
      get("aio.executor.max_workers", navigator.hardwareConcurrency || 2),
      "aio.executor.max_workers",
    ),
    timeoutMs: asInt(get("aio.executor.timeout_ms", 30000), "aio.executor.timeout_ms"),
    maxQueue: asInt(get("aio.executor.max_queue", 1024), "aio.executor.max_queue"),
  };
  return { settings, aio };
}
