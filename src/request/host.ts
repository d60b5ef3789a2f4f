/**
 * Trusted hosts: which `Host` a request may name, and when `X-Forwarded-Host` /
 * `X-Forwarded-Proto` are believed. Deno builds `request.url` from `Host` plus the request
 * target, so a `Host` such as `127.0.0.1/json#` would otherwise move the path routing sees,
 * and any `Host` would end up in the absolute URLs `routeUrl()` writes.
 *
 * - A `Host` that is not a syntactically valid `host[:port]` is a 400, always.
 * - `aio.allowed_hosts` (Django's `ALLOWED_HOSTS`): whitespace-separated exact names,
 *   `.example.com` (the domain and every subdomain) or `*`; matched without the port,
 *   case-insensitively. Default `*`: any valid host.
 * - `aio.trusted_proxies`: peer addresses (exact IPs, or `*`) whose `X-Forwarded-Host` and
 *   `X-Forwarded-Proto` replace the host and scheme. From any other peer they are ignored.
 *
 * @module
 */

import { HTTPBadRequest } from "../httpexceptions.ts";
import type { RequestInfo } from "./request.ts";
import { readHeader } from "./_native_header.ts";

/** The setting listing the hosts requests may name. */
export const ALLOWED_HOSTS_SETTING = "aio.allowed_hosts";
/** The setting listing the proxies whose `X-Forwarded-*` headers are believed. */
export const TRUSTED_PROXIES_SETTING = "aio.trusted_proxies";

// A DNS name or IPv4 address (letters, digits, hyphens, dots), or a bracketed IPv6 address,
// then an optional port.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined || value === null) return [];
  return String(value).split(/[\s,]+/).filter(Boolean);
}

/** The host without its port, lower-cased, without a trailing dot; undefined when invalid. */
export function parseHost(value: string): string | undefined {
  const match = HOST.exec(value);
  if (!match || (match[1] !== undefined && Number(match[1]) > 65535)) return undefined;
  const name = match[1] === undefined ? value : value.slice(0, -(match[1].length + 1));
  return name.toLowerCase().replace(/\.$/, "");
}

/**
 * Checks hosts and applies trusted forwarded headers, as the settings say.
 *
 * @example Only example.com and its subdomains
 * ```ts
 * import { HostPolicy } from "./host.ts";
 * const hosts = new HostPolicy({ "aio.allowed_hosts": ".example.com" });
 * const ok = hosts.check(new Request("http://www.example.com/"));
 * console.assert(ok instanceof Request);
 * const refused = hosts.check(new Request("http://evil.test/"));
 * console.assert(refused instanceof Response && refused.status === 400);
 * ```
 */
export class HostPolicy {
  #any: boolean;
  #exact = new Set<string>();
  #suffixes: string[] = [];
  #proxies: Set<string>;
  #anyProxy: boolean;
  // The last Host value found valid and allowed: nearly every request repeats it.
  #lastGood: string | undefined;

  /** Reads `aio.allowed_hosts` and `aio.trusted_proxies` from the app settings. */
  constructor(settings: Readonly<Record<string, unknown>>) {
    const allowed = words(settings[ALLOWED_HOSTS_SETTING] ?? "*");
    this.#any = allowed.includes("*");
    for (const pattern of allowed) {
      const host = pattern.toLowerCase().replace(/\.$/, "");
      if (host.startsWith(".")) this.#suffixes.push(host);
      else if (host !== "*") this.#exact.add(host.replace(/:\d+$/, ""));
    }
    const proxies = words(settings[TRUSTED_PROXIES_SETTING]);
    this.#anyProxy = proxies.includes("*");
    this.#proxies = new Set(proxies.map((p) => p.replace(/^\[(.*)\]$/, "$1")));
  }

  /** Whether `host` (without port, lower-cased) is allowed. */
  allows(host: string): boolean {
    if (this.#any || this.#exact.has(host)) return true;
    return this.#suffixes.some((suffix) => host === suffix.slice(1) || host.endsWith(suffix));
  }

  /**
   * The request to route (rewritten with the forwarded host and scheme when a trusted proxy
   * sent them), or the 400 to answer.
   */
  check(raw: Request, info?: RequestInfo): Request | Response {
    const header = readHeader(raw, "host");
    const host = header ?? new URL(raw.url).host;
    if (host !== this.#lastGood) {
      const refused = this.#refuse(host, "Host", raw);
      if (refused) return refused;
      this.#lastGood = host;
    }
    // Reading the peer address costs a call into Deno: only when some proxy is trusted.
    if (!this.#anyProxy && this.#proxies.size === 0) return raw;
    const peer = (info?.remoteAddr as { hostname?: string } | undefined)?.hostname;
    if (peer === undefined || !(this.#anyProxy || this.#proxies.has(peer))) return raw;
    // The nearest proxy appends last: with one trusted proxy, its value is the last one.
    const forwardedHost = readHeader(raw, "x-forwarded-host")?.split(",").at(-1)?.trim();
    const forwardedProto = readHeader(raw, "x-forwarded-proto")?.split(",").at(-1)?.trim()
      .toLowerCase();
    if (forwardedHost === undefined && forwardedProto === undefined) return raw;
    if (forwardedHost !== undefined) {
      const bad = this.#refuse(forwardedHost, "X-Forwarded-Host", raw);
      if (bad) return bad;
    }
    if (forwardedProto !== undefined && forwardedProto !== "http" && forwardedProto !== "https") {
      return this.#badRequest(
        `The X-Forwarded-Proto header ${JSON.stringify(forwardedProto)} is neither http nor https.`,
        raw,
      );
    }
    const url = new URL(raw.url);
    const target = url.pathname + url.search;
    const scheme = forwardedProto ?? url.protocol.slice(0, -1);
    const effectiveHost = forwardedHost ?? host;
    const headers = new Headers(raw.headers);
    headers.set("host", effectiveHost);
    return new Request(`${scheme}://${effectiveHost}${target}`, {
      method: raw.method,
      headers,
      body: raw.body,
      signal: raw.signal,
      redirect: raw.redirect,
      // A streamed body must say so when it is passed on.
      ...(raw.body ? { duplex: "half" } : {}),
    } as RequestInit);
  }

  #refuse(host: string, header: string, raw: Request): Response | undefined {
    const name = parseHost(host);
    if (name === undefined) {
      return this.#badRequest(
        `The ${header} header ${JSON.stringify(host.slice(0, 100))} is not a valid host[:port].`,
        raw,
      );
    }
    if (!this.allows(name)) {
      return this.#badRequest(
        `The host ${JSON.stringify(name)} is not served here. If it should be, add it to ` +
          `${ALLOWED_HOSTS_SETTING}.`,
        raw,
      );
    }
    return undefined;
  }

  #badRequest(detail: string, raw: Request): Response {
    return new HTTPBadRequest({ detail }).toResponse({
      accept: readHeader(raw, "accept"),
      method: raw.method,
    });
  }
}
