// AuthTktCookieHelper: reads and writes Pyramid-compatible auth_tkt cookies.

import type { PyramidRequest } from "../request/request.ts";
import type { HeaderList } from "./callback_policy.ts";
import { formatSetCookie, readCookie } from "./_cookie.ts";
import {
  createTicket,
  DIGEST_HEX_LENGTH,
  parseTicket,
  type TicketHashAlgorithm,
} from "./_ticket.ts";

export type { TicketHashAlgorithm } from "./_ticket.ts";

/** Options of {@linkcode AuthTktCookieHelper} (and of the AuthTkt policy). */
export interface AuthTktCookieOptions {
  /** The cookie name (default `"auth_tkt"`). */
  cookieName?: string;
  /** `Secure`: true, false, or (default) only when the request came over https. */
  secure?: boolean;
  /** Bind tickets to the client's IP address (default false; IPv4 recommended). */
  includeIp?: boolean;
  /** Seconds a ticket stays valid after it was issued (default: forever). */
  timeout?: number;
  /** Reissue a ticket older than this many seconds when a request reads it. */
  reissueTime?: number;
  /** The cookie's `Max-Age` (and `Expires`), in seconds (default: a session cookie). */
  maxAge?: number;
  /** The cookie's `Path` (default `/`). */
  path?: string;
  /** `HttpOnly` (default true: scripts cannot read the ticket). */
  httpOnly?: boolean;
  /** `SameSite`: `"Lax"` (default), `"Strict"`, `"None"` (needs `secure: true`) or null for none. */
  sameSite?: "Lax" | "Strict" | "None" | null;
  /** A fixed `Domain`; overrides `parentDomain` and `wildDomain`. */
  domain?: string;
  /** `Domain` = the parent of the request's host (`www.example.com` → `example.com`). */
  parentDomain?: boolean;
  /**
   * `Domain` = the request's host, so subdomains receive the cookie too. Default false: a
   * host-only cookie (Pyramid defaults to true; set it to keep Pyramid's behaviour).
   */
  wildDomain?: boolean;
  /** The ticket's hash algorithm (default `"sha512"`). */
  hashalg?: TicketHashAlgorithm;
  /** The current time in seconds since the epoch; for tests. */
  now?: () => number;
}

/** Options for {@linkcode AuthTktCookieHelper.remember}. */
export interface RememberOptions {
  /** `Max-Age` for this cookie, overriding the helper's. */
  maxAge?: number;
  /** Tokens stored in the ticket; each must match `^[A-Za-z][A-Za-z0-9+_-]*$`. */
  tokens?: readonly string[];
}

/** What a valid ticket says (a frozen object). */
export interface AuthTktIdentity {
  /** When the ticket was issued (seconds since the epoch). */
  timestamp: number;
  /** The userid, decoded to the type it was remembered with. */
  userid: string | number | bigint | Uint8Array;
  /** The ticket's tokens (`[""]` when there are none, as in Pyramid). */
  tokens: readonly string[];
  /** The ticket's user data field. */
  userData: string;
}

const VALID_TOKEN = /^[A-Za-z][A-Za-z0-9+_-]*$/;
const MAX_TICKET_LENGTH = 4096;
// Verified tickets kept per helper (oldest dropped first): about one per active browser.
const VERIFIED_CACHE_SIZE = 4096;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// Pyramid's userid_type encoders: int → "int", str → "b64unicode", bytes → "b64str".
function encodeUserid(userid: unknown): [string, string] {
  if (typeof userid === "string") return ["b64unicode", toBase64(encoder.encode(userid))];
  if (typeof userid === "bigint" || (typeof userid === "number" && Number.isSafeInteger(userid))) {
    return ["int", String(userid)];
  }
  if (userid instanceof Uint8Array) return ["b64str", toBase64(userid)];
  console.warn(
    `The userid ${String(userid)} is a ${typeof userid}, which auth_tkt cookies cannot keep; ` +
      "it is stored as a string and comes back as one. Remember a string, an integer or bytes.",
  );
  return ["b64unicode", toBase64(encoder.encode(String(userid)))];
}

// Throws on a value the type cannot hold; the caller turns that into "anonymous".
const DECODERS: Record<string, (value: string) => AuthTktIdentity["userid"]> = {
  int(value) {
    if (!/^\s*[+-]?\d+\s*$/.test(value)) throw new Error("not an integer");
    const big = BigInt(value.trim());
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  },
  unicode: (value) => value,
  b64unicode(value) {
    const binary = atob(value);
    // ASCII is its own UTF-8: skip the decoder for the usual userid.
    // deno-lint-ignore no-control-regex
    return /^[\x00-\x7f]*$/.test(binary) ? binary : utf8.decode(fromBase64(value));
  },
  b64str: (value) => fromBase64(value),
};

// Latin-1 header text → the UTF-8 text it encodes; null when it is not UTF-8.
function headerText(value: string): string | null {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  try {
    return utf8.decode(Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff));
  } catch {
    return null;
  }
}

function requestDomain(request: PyramidRequest): string {
  const host = request.host.toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

function remoteAddress(request: PyramidRequest): string | undefined {
  const addr = request.info?.remoteAddr as { hostname?: string } | undefined;
  return addr?.hostname;
}

interface RequestState {
  reissued?: boolean;
  revoked?: boolean;
}

/**
 * Reads and writes `auth_tkt` cookies in the format Pyramid's `AuthTktCookieHelper` uses, so
 * either side accepts the other's tickets. Build your own security policy on it. Reading a
 * cookie never throws: a missing, tampered, expired, truncated, oversized or non-UTF-8 ticket
 * is simply no identity.
 *
 * @example A ticket written, then read back
 * ```ts
 * import { AuthTktCookieHelper } from "@aio/pyramid";
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const helper = new AuthTktCookieHelper("a-secret-of-at-least-32-bytes!!!!!");
 * const [[, setCookie]] = helper.remember(new DummyRequest(), 42, { tokens: ["editor"] });
 * const cookie = setCookie.slice(0, setCookie.indexOf(";"));
 * const identity = helper.identify(new DummyRequest({ headers: { cookie } }));
 * console.assert(identity?.userid === 42 && identity.tokens[0] === "editor");
 * ```
 */
export class AuthTktCookieHelper {
  /** The cookie name. */
  readonly cookieName: string;
  /** The hash algorithm. */
  readonly hashalg: TicketHashAlgorithm;
  #secret: Uint8Array;
  #options: AuthTktCookieOptions;
  #requests = new WeakMap<object, RequestState>();
  #verified = new Map<string, AuthTktIdentity>();

  /**
   * Creates the helper. `secret` signs the tickets: keep it private, and at least 32 bytes
   * (shorter is a warning).
   */
  constructor(secret: string | Uint8Array, options: AuthTktCookieOptions = {}) {
    // A copy: later changes to the caller's bytes must not change what signs tickets.
    this.#secret = typeof secret === "string" ? encoder.encode(secret) : secret.slice();
    if (this.#secret.length < 32) {
      console.warn(
        `The auth_tkt secret is ${this.#secret.length} bytes long; use at least 32 random bytes ` +
          "(e.g. crypto.getRandomValues) so tickets cannot be forged by guessing it.",
      );
    }
    const hashalg = options.hashalg ?? "sha512";
    if (!(hashalg in DIGEST_HEX_LENGTH)) {
      throw new TypeError(
        `The auth_tkt hash algorithm '${hashalg}' is not supported. Use one of ${
          Object.keys(DIGEST_HEX_LENGTH).join(", ")
        } (sha512 is the default and the safest).`,
      );
    }
    if (options.sameSite === "None" && options.secure !== true) {
      throw new TypeError(
        "sameSite: 'None' needs secure: true (browsers drop SameSite=None cookies that are not Secure).",
      );
    }
    this.hashalg = hashalg;
    this.cookieName = options.cookieName ?? "auth_tkt";
    this.#options = options;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now() / 1000;
  }

  #state(request: object): RequestState {
    let state = this.#requests.get(request);
    if (!state) this.#requests.set(request, state = {});
    return state;
  }

  #ip(request: PyramidRequest): string | undefined {
    return this.#options.includeIp ? remoteAddress(request) : "0.0.0.0";
  }

  /** What the request's ticket says, or null when it has no valid ticket. */
  identify(request: PyramidRequest): AuthTktIdentity | null {
    const raw = readCookie(request.header("cookie"), this.cookieName);
    if (raw === undefined || raw.length > MAX_TICKET_LENGTH) return null;
    const ip = this.#ip(request);
    if (ip === undefined) return null;
    const key = ip === "0.0.0.0" ? raw : `${ip} ${raw}`;
    const verified = this.#verified.get(key) ?? this.#verify(key, raw, ip);
    if (!verified) return null;
    const { timeout, reissueTime } = this.#options;
    if (timeout || reissueTime !== undefined) {
      const now = this.#now();
      if (timeout && verified.timestamp + timeout < now) return null;
      if (reissueTime !== undefined && now - verified.timestamp > reissueTime) {
        this.#reissue(request, verified.userid, verified.tokens.filter(Boolean));
      }
    }
    // The cached identity is frozen; only a bytes userid (which cannot be) is copied.
    return verified.userid instanceof Uint8Array
      ? { ...verified, userid: verified.userid.slice() }
      : verified;
  }

  // Checks the signature and decodes the userid; remembers tickets that pass. The same
  // ticket text (for the same address) always verifies the same way, so a browser's cookie
  // is hashed once, not on every request. Refused tickets are not kept.
  #verify(key: string, raw: string, ip: string): AuthTktIdentity | null {
    const ticket = headerText(raw);
    if (ticket === null) return null;
    const fields = parseTicket(ticket, this.#secret, ip, this.hashalg);
    if (!fields) return null;
    let userid: AuthTktIdentity["userid"] = fields.userid;
    try {
      for (const datum of fields.userData.split("|")) {
        if (!datum.startsWith("userid_type:")) continue;
        const decode = DECODERS[datum.slice("userid_type:".length)];
        if (decode) {
          if (typeof userid !== "string") return null;
          userid = decode(userid);
        }
      }
    } catch {
      return null;
    }
    const verified = Object.freeze({ ...fields, userid, tokens: Object.freeze(fields.tokens) });
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) {
      this.#verified.delete(this.#verified.keys().next().value!);
    }
    this.#verified.set(key, verified as AuthTktIdentity);
    return verified as AuthTktIdentity;
  }

  #reissue(request: PyramidRequest, userid: unknown, tokens: string[]): void {
    const state = this.#state(request);
    const add = (request as { addResponseCallback?: unknown }).addResponseCallback;
    if (state.reissued || typeof add !== "function") return;
    const headers = this.remember(request, userid, { maxAge: this.#options.maxAge, tokens });
    state.reissued = true;
    add.call(request, function reissueAuthTkt(_request: unknown, response: Response) {
      // A websocket upgrade (101) is left alone; its next plain request reissues.
      if (state.revoked || response.status === 101) return;
      for (const [name, value] of headers) response.headers.append(name, value);
    });
  }

  /** `Set-Cookie` headers holding a fresh ticket for `userid`. */
  remember(request: PyramidRequest, userid: unknown, options: RememberOptions = {}): HeaderList {
    const ip = this.#ip(request);
    if (ip === undefined) {
      throw new Error(
        "includeIp is on but the request has no remote address; serve the app with serve() " +
          "(or pass RequestInfo) so the client's address is known.",
      );
    }
    const [type, encoded] = encodeUserid(userid);
    const tokens = [...options.tokens ?? []];
    for (const token of tokens) {
      if (typeof token !== "string" || !VALID_TOKEN.test(token)) {
        throw new TypeError(
          `Invalid auth_tkt token ${JSON.stringify(token)}: tokens must match ` +
            "^[A-Za-z][A-Za-z0-9+_-]*$ (a letter, then letters, digits, +, _ or -).",
        );
      }
    }
    const state = this.#requests.get(request);
    if (state?.reissued) state.revoked = true;
    const value = createTicket(
      { ip, timestamp: this.#now(), userid: encoded, tokens, userData: `userid_type:${type}` },
      this.#secret,
      this.hashalg,
    );
    return this.#cookies(request, value, options.maxAge ?? this.#options.maxAge);
  }

  /** `Set-Cookie` headers that delete the ticket. */
  forget(request: PyramidRequest): HeaderList {
    this.#state(request).revoked = true;
    return this.#cookies(request, null, undefined);
  }

  #cookies(request: PyramidRequest, value: string | null, maxAge: number | undefined): HeaderList {
    const options = this.#options;
    let domain = options.domain;
    if (!domain) {
      const current = requestDomain(request);
      if (options.parentDomain && current.split(".").length > 2) {
        domain = current.slice(current.indexOf(".") + 1);
      } else if (options.wildDomain) domain = current;
    }
    const header = formatSetCookie(this.cookieName, value, {
      domain,
      path: options.path ?? "/",
      maxAge: maxAge === undefined ? undefined : Math.trunc(maxAge),
      secure: options.secure ?? request.scheme === "https",
      httpOnly: options.httpOnly ?? true,
      sameSite: options.sameSite === undefined ? "Lax" : options.sameSite ?? undefined,
    }, this.#now());
    return [["Set-Cookie", header]];
  }
}
