/**
 * Application settings: a frozen object of strings (or values passed in code), and the
 * readers (`asBool`, `asInt`, `asList`) apps use for their own keys. The framework's
 * `aio.*` keys have their schema in `aio_settings.ts`.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import {
  type AioSettings,
  parseAioSettings,
  type ParseAioSettingsOptions,
} from "./aio_settings.ts";

export type { AioSettings } from "./aio_settings.ts";

/** Frozen application settings, as `request.settings` and `registry.settings` show them. */
export type Settings = Readonly<Record<string, unknown>>;

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

/**
 * Freezes settings and parses the `aio.*` keys once against the schema in
 * `aio_settings.ts` (bad values throw a `ConfigurationError`, unknown keys warn).
 */
export function readSettings(
  input: Record<string, unknown> = {},
  options: ParseAioSettingsOptions = {},
): { settings: Settings; aio: AioSettings } {
  const settings = Object.freeze({ ...input });
  return { settings, aio: parseAioSettings(settings, options) };
}
