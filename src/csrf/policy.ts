/**
 * Where CSRF tokens live: in the session (the default, and `SessionCSRFStoragePolicy`)
 * or in a cookie of their own (`CookieCSRFStoragePolicy`, the "double submit cookie").
 *
 * @module
 */

import { stringsEqual } from "./_compare.ts";
import { loadedSession, loadSession, type SessionfulRequest } from "../session/mod.ts";

/** A request as the CSRF policies see it. */
export type CsrfPolicyRequest = SessionfulRequest;

/**
 * Keeps and checks CSRF tokens (Pyramid's `ICSRFStoragePolicy`). Methods may answer
 * synchronously or with a Promise (a session may have to be loaded first).
 */
export interface CSRFStoragePolicy {
  /** Makes, stores and returns a new token. */
  newCsrfToken(request: CsrfPolicyRequest): string | Promise<string>;
  /** The current token, made if there is none. */
  getCsrfToken(request: CsrfPolicyRequest): string | Promise<string>;
  /** Whether `supplied` is the current token (compared in constant time). */
  checkCsrfToken(request: CsrfPolicyRequest, supplied: string): boolean | Promise<boolean>;
  /** The current token if it can be had without I/O (for templates), else undefined. */
  peekCsrfToken?(request: CsrfPolicyRequest): string | undefined;
}

// A stored token matches a supplied one: both non-empty and equal (in constant time).
function matches(stored: unknown, supplied: string): boolean {
  return typeof stored === "string" && stored !== "" && supplied !== "" &&
    stringsEqual(stored, supplied);
}

function uuidHex(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * The default policy: the token is the session's own (`session.getCsrfToken()`, under
 * the `_csrft_` key, 40 hex digits), as Pyramid's `LegacySessionCSRFStoragePolicy`.
 *
 * @example Reading the token a session holds
 * ```ts
 * import { LegacySessionCSRFStoragePolicy, SignedCookieSessionFactory } from "@aio/pyramid";
 * const request = {
 *   cookies: {},
 *   addResponseCallback() {},
 *   registry: { sessionFactory: SignedCookieSessionFactory("a-long-random-secret") },
 * };
 * const policy = new LegacySessionCSRFStoragePolicy();
 * const token = await policy.getCsrfToken(request);
 * console.assert(await policy.checkCsrfToken(request, token));
 * ```
 */
export class LegacySessionCSRFStoragePolicy implements CSRFStoragePolicy {
  /** Sets a new token in the session. */
  async newCsrfToken(request: CsrfPolicyRequest): Promise<string> {
    return (await loadSession(request)).newCsrfToken();
  }
  /** The session's token, made if missing. */
  async getCsrfToken(request: CsrfPolicyRequest): Promise<string> {
    return (await loadSession(request)).getCsrfToken();
  }
  /**
   * Compares with the session's token. A session without one fails without getting one
   * (Pyramid would make one, and so send a new session cookie in answer to a forged
   * request, logging the victim out).
   */
  async checkCsrfToken(request: CsrfPolicyRequest, supplied: string): Promise<boolean> {
    return matches((await loadSession(request)).get("_csrft_"), supplied);
  }
  /** The token, when the session is already loaded. */
  peekCsrfToken(request: CsrfPolicyRequest): string | undefined {
    return loadedSession(request)?.getCsrfToken();
  }
}

/**
 * Keeps the token in the session under `key` (default `_csrft_`); tokens are 32 hex
 * digits (a random UUID's), as Pyramid's.
 *
 * @example Using another session key
 * ```ts
 * import { SessionCSRFStoragePolicy } from "@aio/pyramid";
 * const policy = new SessionCSRFStoragePolicy({ key: "_csrf" });
 * console.assert(policy.key === "_csrf");
 * ```
 */
export class SessionCSRFStoragePolicy implements CSRFStoragePolicy {
  /** The session key. */
  readonly key: string;
  /** Takes the session key (default `_csrft_`). */
  constructor(options: { key?: string } = {}) {
    this.key = options.key ?? "_csrft_";
  }
  /** Sets a new token in the session. */
  async newCsrfToken(request: CsrfPolicyRequest): Promise<string> {
    const token = uuidHex();
    (await loadSession(request)).set(this.key, token);
    return token;
  }
  /** The session's token, made if missing. */
  async getCsrfToken(request: CsrfPolicyRequest): Promise<string> {
    const token = (await loadSession(request)).get(this.key);
    return typeof token === "string" && token !== "" ? token : await this.newCsrfToken(request);
  }
  /** Compares with the session's token (a session without one fails, unchanged). */
  async checkCsrfToken(request: CsrfPolicyRequest, supplied: string): Promise<boolean> {
    return matches((await loadSession(request)).get(this.key), supplied);
  }
  /** The token, when the session is already loaded. */
  peekCsrfToken(request: CsrfPolicyRequest): string | undefined {
    const session = loadedSession(request);
    if (!session) return undefined;
    const token = session.get(this.key);
    if (typeof token === "string" && token !== "") return token;
    const made = uuidHex();
    session.set(this.key, made);
    return made;
  }
}

/** Options of {@linkcode CookieCSRFStoragePolicy} (Pyramid's defaults). */
export interface CookieCSRFStorageOptions {
  /** Default `csrf_token`. */
  cookieName?: string;
  /** Default false. */
  secure?: boolean;
  /** Default false: pages' scripts read the cookie to send the header. */
  httponly?: boolean;
  /** Default none. */
  domain?: string;
  /** Seconds; default none (a browser-session cookie). */
  maxAge?: number;
  /** Default `/`. */
  path?: string;
  /** Default `Lax`; null for none. */
  samesite?: "Lax" | "Strict" | "None" | null;
}

const cookieTokens = new WeakMap<object, Map<string, string>>();

/**
 * Keeps the token in a cookie of its own (OWASP's "double submit cookie"): no session
 * needed, so it also works in front of apps without one.
 *
 * @example The token cookie
 * ```ts
 * import { CookieCSRFStoragePolicy } from "@aio/pyramid";
 * const policy = new CookieCSRFStoragePolicy({ secure: true });
 * const request = { cookies: { csrf_token: "abc" }, addResponseCallback() {}, registry: {} };
 * console.assert(policy.getCsrfToken(request) === "abc");
 * ```
 */
export class CookieCSRFStoragePolicy implements CSRFStoragePolicy {
  /** The cookie's name. */
  readonly cookieName: string;
  #attributes: string;

  /** Takes the cookie's attributes (Pyramid's defaults). */
  constructor(options: CookieCSRFStorageOptions = {}) {
    this.cookieName = options.cookieName ?? "csrf_token";
    let attributes = "";
    if (options.maxAge !== undefined) attributes += `; Max-Age=${Math.floor(options.maxAge)}`;
    if (options.domain) attributes += `; Domain=${options.domain}`;
    attributes += `; Path=${options.path ?? "/"}`;
    if (options.secure) attributes += "; Secure";
    if (options.httponly) attributes += "; HttpOnly";
    const samesite = options.samesite === undefined ? "Lax" : options.samesite;
    if (samesite !== null) attributes += `; SameSite=${samesite}`;
    this.#attributes = attributes;
  }

  /** Makes a token, sends it as the cookie, and uses it for the rest of this request. */
  newCsrfToken(request: CsrfPolicyRequest): string {
    const token = uuidHex();
    let tokens = cookieTokens.get(request);
    if (!tokens) cookieTokens.set(request, tokens = new Map());
    tokens.set(this.cookieName, token);
    const header = `${this.cookieName}=${token}${this.#attributes}`;
    request.addResponseCallback((_request, response) => {
      response.headers.append("set-cookie", header);
    });
    return token;
  }
  /** The cookie's token, made if missing. */
  getCsrfToken(request: CsrfPolicyRequest): string {
    const token = cookieTokens.get(request)?.get(this.cookieName) ??
      request.cookies[this.cookieName];
    return token ? token : this.newCsrfToken(request);
  }
  /** Compares with the cookie's token (no cookie: fails, and sets none). */
  checkCsrfToken(request: CsrfPolicyRequest, supplied: string): boolean {
    const token = cookieTokens.get(request)?.get(this.cookieName) ??
      request.cookies[this.cookieName];
    return matches(token, supplied);
  }
  /** Always available: it is in the request. */
  peekCsrfToken(request: CsrfPolicyRequest): string {
    return this.getCsrfToken(request);
  }
}
