/**
 * The CSRF checks and token functions, as Pyramid's `pyramid.csrf`: `getCsrfToken`,
 * `newCsrfToken`, `checkCsrfToken` (header, then form field, against the storage policy)
 * and `checkCsrfOrigin` (on https: `Origin`, else `Referer`, against the host and the
 * trusted origins).
 *
 * @module
 */

import { BadCSRFOrigin, BadCSRFToken } from "./errors.ts";
import {
  type CsrfPolicyRequest,
  type CSRFStoragePolicy,
  LegacySessionCSRFStoragePolicy,
} from "./policy.ts";
import type { SessionFactory } from "../session/mod.ts";

/** The application-wide CSRF defaults (`config.setDefaultCsrfOptions`). */
export interface CsrfOptions {
  /** Whether views check CSRF unless they say `requireCsrf: false`. Default true once set. */
  requireCsrf?: boolean;
  /** The form field holding the token; null: never read from the body. Default `csrf_token`. */
  token?: string | null;
  /** The header holding the token; null: never read from headers. Default `X-CSRF-Token`. */
  header?: string | null;
  /** Methods never checked. Default GET, HEAD, OPTIONS, TRACE. */
  safeMethods?: readonly string[];
  /** Whether the origin is checked too (on https). Default true. */
  checkOrigin?: boolean;
  /** Whether a request with neither `Origin` nor `Referer` passes the origin check. Default false. */
  allowNoOrigin?: boolean;
  /** Decides per request whether to check (e.g. false for token-authenticated API calls). */
  callback?: ((request: never) => boolean) | null;
  /** Extra trusted origins (`host[:port]`, `.example.com` for subdomains). Default: the `pyramid.csrf_trusted_origins` setting. */
  trustedOrigins?: readonly string[];
}

/** What the CSRF functions read from the registry. */
export interface CsrfRegistry {
  /** Application settings (for `pyramid.csrf_trusted_origins`). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The session factory, for the session-backed policies. */
  readonly sessionFactory?: SessionFactory | undefined;
  /** The policy set with `config.setCsrfStoragePolicy()`; the session's token otherwise. */
  readonly csrfStoragePolicy?: CSRFStoragePolicy | undefined;
  /** The defaults set with `config.setDefaultCsrfOptions()`. */
  readonly csrfOptions?: CsrfOptions | undefined;
}

/** What the CSRF checks read from a request (a `PyramidRequest` has it all). */
export interface CsrfRequest extends CsrfPolicyRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The headers. */
  readonly headers: Headers;
  /** `http` or `https`. */
  readonly scheme: string;
  /** The `Host` the client asked for. */
  readonly host: string;
  /** Form fields (the body is read before views run). */
  readonly POST: { get(name: string): unknown };
  /** The registry. */
  readonly registry: CsrfRegistry;
}

const DEFAULT_POLICY = new LegacySessionCSRFStoragePolicy();

/** The policy in force for a request. */
export function csrfPolicy(request: { registry: CsrfRegistry }): CSRFStoragePolicy {
  return request.registry.csrfStoragePolicy ?? DEFAULT_POLICY;
}

/**
 * The request's CSRF token, made if there is none (put it in forms as `csrf_token`).
 *
 * @example In an async view rendering a form
 * ```ts
 * import { getCsrfToken, SignedCookieSessionFactory } from "@aio/pyramid";
 * const request = {
 *   cookies: {},
 *   addResponseCallback() {},
 *   registry: { settings: {}, sessionFactory: SignedCookieSessionFactory("a-long-random-secret") },
 * };
 * const token = await getCsrfToken(request);
 * console.assert(/^[0-9a-f]{40}$/.test(token));
 * ```
 */
export async function getCsrfToken(
  request: CsrfPolicyRequest & { registry: CsrfRegistry },
): Promise<string> {
  return await csrfPolicy(request).getCsrfToken(request);
}

/**
 * Makes and stores a new CSRF token (e.g. after login) and returns it.
 *
 * @example Rotating the token at login
 * ```ts
 * import { getCsrfToken, newCsrfToken, SignedCookieSessionFactory } from "@aio/pyramid";
 * const request = {
 *   cookies: {},
 *   addResponseCallback() {},
 *   registry: { settings: {}, sessionFactory: SignedCookieSessionFactory("a-long-random-secret") },
 * };
 * const before = await getCsrfToken(request);
 * console.assert(await newCsrfToken(request) !== before);
 * ```
 */
export async function newCsrfToken(
  request: CsrfPolicyRequest & { registry: CsrfRegistry },
): Promise<string> {
  return await csrfPolicy(request).newCsrfToken(request);
}

/** Options of {@linkcode checkCsrfToken}. */
export interface CheckCsrfTokenOptions {
  /** Form field; null to skip the body. Default `csrf_token`. */
  token?: string | null;
  /** Header; null to skip headers. Default `X-CSRF-Token`. */
  header?: string | null;
  /** Throw `BadCSRFToken` (default) or return false. */
  raises?: boolean;
}

/**
 * Checks the token sent in the header (first) or the form field against the policy's.
 * Never reads the query string: a token in a URL leaks.
 *
 * @throws {BadCSRFToken} when it does not match (unless `raises: false`).
 *
 * @example Checking by hand in a view
 * ```ts
 * import { checkCsrfToken, getCsrfToken, SignedCookieSessionFactory } from "@aio/pyramid";
 * const registry = { settings: {}, sessionFactory: SignedCookieSessionFactory("a-long-random-secret") };
 * const request = {
 *   cookies: {}, addResponseCallback() {}, registry, method: "POST", scheme: "http",
 *   host: "localhost", headers: new Headers(), POST: new URLSearchParams(),
 * };
 * await getCsrfToken(request);
 * console.assert(await checkCsrfToken(request, { raises: false }) === false);
 * ```
 */
export async function checkCsrfToken(
  request: CsrfRequest,
  options: CheckCsrfTokenOptions = {},
): Promise<boolean> {
  const token = options.token === undefined ? "csrf_token" : options.token;
  const header = options.header === undefined ? "X-CSRF-Token" : options.header;
  let supplied = "";
  // The header first: no body parsing needed.
  if (header !== null) supplied = request.headers.get(header) ?? "";
  if (supplied === "" && token !== null) {
    const value = request.POST.get(token);
    supplied = typeof value === "string" ? value : "";
  }
  if (await csrfPolicy(request).checkCsrfToken(request, supplied)) return true;
  if (options.raises === false) return false;
  throw new BadCSRFToken();
}

/** Options of {@linkcode checkCsrfOrigin}. */
export interface CheckCsrfOriginOptions {
  /** Trusted origins besides the request's host; default the `pyramid.csrf_trusted_origins` setting. */
  trustedOrigins?: readonly string[];
  /** Whether a request with neither `Origin` nor `Referer` passes. Default false. */
  allowNoOrigin?: boolean;
  /** Throw `BadCSRFOrigin` (default) or return false. */
  raises?: boolean;
}

/** `host:port` split as webob does (an IPv6 literal keeps its colons). */
function hostAndPort(host: string, scheme: string): [string, string] {
  if (host.includes(":") && !host.endsWith("]")) {
    const at = host.lastIndexOf(":");
    return [host.slice(0, at), host.slice(at + 1)];
  }
  return [host, scheme === "https" ? "443" : "80"];
}

/** Python's `urlparse(url)` scheme and netloc, which Pyramid compares. */
function schemeAndNetloc(url: string): [string, string] {
  let rest = url;
  let scheme = "";
  const colon = url.indexOf(":");
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    rest = url.slice(colon + 1);
  }
  if (!rest.startsWith("//")) return [scheme, ""];
  const end = rest.slice(2).search(/[/?#]/);
  return [scheme, end < 0 ? rest.slice(2) : rest.slice(2, 2 + end)];
}

/** Pyramid's `is_same_domain`: exact, or `.example.com` for it and its subdomains. */
function sameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  const p = pattern.toLowerCase();
  return (p[0] === "." && (host.endsWith(p) || host === p.slice(1))) || p === host;
}

/** Reads a list setting the way Pyramid's `aslist` does (whitespace-separated). */
function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(/\s+/).filter((s) => s !== "");
  return [];
}

/** The request's own origin and the trusted ones, as Pyramid builds the list. */
export function trustedOriginsOf(
  request: Pick<CsrfRequest, "host" | "scheme" | "registry">,
  extra?: readonly string[],
): string[] {
  const trusted = [
    ...(extra ?? request.registry.csrfOptions?.trustedOrigins ??
      asList(request.registry.settings["pyramid.csrf_trusted_origins"])),
  ];
  const [domain, port] = hostAndPort(request.host, request.scheme);
  trusted.push(port === "80" || port === "443" ? domain : `${domain}:${port}`);
  return trusted;
}

/**
 * Checks that an https request comes from a trusted origin: its `Origin` header, or
 * else its `Referer`, must be https and name the request's host or a trusted origin.
 * Plain-http requests pass: without TLS the headers prove nothing.
 *
 * @throws {BadCSRFOrigin} when it does not (unless `raises: false`).
 *
 * @example A cross-site POST over https is refused
 * ```ts
 * import { checkCsrfOrigin } from "@aio/pyramid";
 * const request = {
 *   scheme: "https", host: "wiki.example", registry: { settings: {} },
 *   headers: new Headers({ origin: "https://evil.example" }),
 * };
 * console.assert(checkCsrfOrigin(request, { raises: false }) === false);
 * ```
 */
export function checkCsrfOrigin(
  request: Pick<CsrfRequest, "host" | "scheme" | "registry" | "headers">,
  options: CheckCsrfOriginOptions = {},
): boolean {
  const fail = (reason: string): false => {
    if (options.raises === false) return false;
    throw new BadCSRFOrigin({ detail: `Origin checking failed - ${reason}` });
  };
  if (request.scheme !== "https") return true;
  let origin = request.headers.get("origin");
  let fromReferrer = false;
  if (origin === null) {
    origin = request.headers.get("referer");
    fromReferrer = true;
  } else {
    // The last one: the closest to us when proxies append.
    origin = origin.split(" ").at(-1)!;
  }
  if (!origin) {
    return options.allowNoOrigin ? true : fail("missing Origin or Referer.");
  }
  const trusted = trustedOriginsOf(request, options.trustedOrigins);
  if (!fromReferrer && origin === "null") {
    return trusted.includes("null") ? true : fail("null does not match any trusted origins.");
  }
  const [scheme, netloc] = schemeAndNetloc(origin);
  if (scheme !== "https") return fail("Origin is insecure while host is secure.");
  if (!trusted.some((host) => sameDomain(netloc, host))) {
    return fail(`${origin} does not match any trusted origins.`);
  }
  return true;
}

/**
 * Refuses a websocket upgrade whose `Origin` is another site (cross-site websocket
 * hijacking: browsers send cookies with upgrades but no CORS check protects them).
 * Unlike `checkCsrfOrigin` this applies over plain http too; an upgrade without
 * `Origin` is not from a browser page and passes.
 *
 * @throws {BadCSRFOrigin} for a foreign origin.
 *
 * @example
 * ```ts
 * import { checkWebsocketOrigin } from "@aio/pyramid";
 * const request = {
 *   scheme: "http", host: "localhost:8080", registry: { settings: {} },
 *   headers: new Headers({ origin: "http://localhost:8080" }),
 * };
 * console.assert(checkWebsocketOrigin(request));
 * ```
 */
export function checkWebsocketOrigin(
  request: Pick<CsrfRequest, "host" | "scheme" | "registry" | "headers">,
  options: { trustedOrigins?: readonly string[] } = {},
): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const trusted = trustedOriginsOf(request, options.trustedOrigins);
  const [scheme, netloc] = schemeAndNetloc(origin);
  // An http page of the same host may open ws://; its Origin then carries port 80.
  const [domain, port] = hostAndPort(netloc, scheme);
  const candidates = [netloc, port === "80" || port === "443" ? domain : netloc];
  if (
    (scheme === "http" || scheme === "https") &&
    trusted.some((host) => candidates.some((c) => sameDomain(c.toLowerCase(), host)))
  ) {
    return true;
  }
  throw new BadCSRFOrigin({
    detail: `Origin checking failed - the websocket upgrade comes from ${origin}, which is ` +
      `not this site (${request.host}) or a trusted origin. Add it to ` +
      "pyramid.csrf_trusted_origins if it is yours.",
  });
}
