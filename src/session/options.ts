/**
 * The options every session factory takes (Pyramid's names, camel-cased), checked once
 * when the factory is made, and the `Set-Cookie` header they produce.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** Options shared by {@linkcode SignedCookieSessionFactory} and the other session stores. */
export interface SessionOptions {
  /** The cookie's name. Default `session` (the encrypted store: `AIOHTTP_SESSION`). */
  cookieName?: string;
  /** The cookie's `Max-Age` in seconds; default none (the browser drops it when it closes). */
  maxAge?: number | null;
  /**
   * Seconds without a save after which a session is dropped (read as empty); `null`:
   * never. Default 1200. Only the stored timestamp counts, not the cookie's own expiry.
   */
  timeout?: number | null;
  /**
   * Seconds after the last save from which merely reading the session saves it again,
   * extending its life; `0` (default): every request that reads it; `null`: never.
   */
  reissueTime?: number | null;
  /** The cookie's `Path`. Default `/`. */
  path?: string;
  /** The cookie's `Domain`. Default none. */
  domain?: string | null;
  /** The cookie's `Secure` flag. Default false. */
  secure?: boolean;
  /** The cookie's `HttpOnly` flag. Default **true** (Pyramid's default is false). */
  httponly?: boolean;
  /** The cookie's `SameSite`: `"Lax"` (default), `"Strict"`, `"None"`, or `null` for none. */
  samesite?: "Lax" | "Strict" | "None" | null;
  /** Whether a changed session is saved when the view raised an error. Default true. */
  setOnException?: boolean;
}

/** {@linkcode SessionOptions} after defaults and checks. */
export interface ResolvedSessionOptions {
  /** The cookie's name. */
  cookieName: string;
  /** `Max-Age`, or null. */
  maxAge: number | null;
  /** Inactivity timeout in seconds, or null. */
  timeout: number | null;
  /** Reissue time in seconds, or null. */
  reissueTime: number | null;
  /** `Path`. */
  path: string;
  /** `Domain`, or null. */
  domain: string | null;
  /** `Secure`. */
  secure: boolean;
  /** `HttpOnly`. */
  httponly: boolean;
  /** `SameSite`, or null. */
  samesite: "Lax" | "Strict" | "None" | null;
  /** Save on exception. */
  setOnException: boolean;
}

/** The most a browser keeps for one cookie's name and value. */
export const MAX_COOKIE_BYTES = 4096;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_AGE_LIMIT = 34_560_000; // 400 days: browsers cap Max-Age there

function seconds(
  name: string,
  value: number | null | undefined,
  fallback: number | null,
  where: string,
): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `${where}: ${name} must be a number of seconds (0 or more) or null, not ${
        JSON.stringify(value)
      }.`,
    );
  }
  return Math.floor(value);
}

/** Applies defaults to session options and refuses ones that cannot work. */
export function resolveSessionOptions(
  options: SessionOptions,
  defaults: { cookieName: string; where: string },
): ResolvedSessionOptions {
  const where = defaults.where;
  const cookieName = options.cookieName ?? defaults.cookieName;
  if (!TOKEN.test(cookieName)) {
    throw new ConfigurationError(
      `${where}: the cookie name ${JSON.stringify(cookieName)} is not a valid cookie name; ` +
        "use letters, digits and -_.",
    );
  }
  const maxAge = seconds("maxAge", options.maxAge, null, where);
  if (maxAge !== null && maxAge > MAX_AGE_LIMIT) {
    throw new ConfigurationError(
      `${where}: maxAge ${maxAge} is over 400 days, which browsers cut short; use at most ${MAX_AGE_LIMIT}.`,
    );
  }
  const samesite = options.samesite === undefined ? "Lax" : options.samesite;
  if (samesite !== null && !["Lax", "Strict", "None"].includes(samesite)) {
    throw new ConfigurationError(
      `${where}: samesite must be "Lax", "Strict", "None" or null, not ${
        JSON.stringify(samesite)
      }.`,
    );
  }
  const secure = options.secure ?? false;
  if (samesite === "None" && !secure) {
    throw new ConfigurationError(
      `${where}: samesite "None" needs secure: true (browsers drop such cookies otherwise).`,
    );
  }
  for (const [name, value] of [["path", options.path], ["domain", options.domain]] as const) {
    if (typeof value === "string" && /[;\r\n]/.test(value)) {
      throw new ConfigurationError(`${where}: ${name} must not contain ';' or line breaks.`);
    }
  }
  return {
    cookieName,
    maxAge,
    timeout: seconds("timeout", options.timeout, 1200, where),
    reissueTime: seconds("reissueTime", options.reissueTime, 0, where),
    path: options.path ?? "/",
    domain: options.domain ?? null,
    secure,
    httponly: options.httponly ?? true,
    samesite,
    setOnException: options.setOnException ?? true,
  };
}

/**
 * The `Set-Cookie` value for a session cookie; `value` null expires the cookie. Values
 * are written as they are (the stores only make base64url and `.`), not percent-encoded,
 * so Python peers reading the same cookie see the same bytes.
 */
export function sessionCookieHeader(
  options: ResolvedSessionOptions,
  value: string | null,
): string {
  let header = `${options.cookieName}=${value ?? ""}`;
  if (value === null) {
    header += "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  } else if (options.maxAge !== null) {
    const expires = new Date(Date.now() + options.maxAge * 1000).toUTCString();
    header += `; Max-Age=${options.maxAge}; Expires=${expires}`;
  }
  if (options.domain !== null) header += `; Domain=${options.domain}`;
  header += `; Path=${options.path}`;
  if (options.secure) header += "; Secure";
  if (options.httponly) header += "; HttpOnly";
  if (options.samesite !== null) header += `; SameSite=${options.samesite}`;
  return header;
}
