/**
 * The request a view receives: the Web `Request` plus Pyramid's routing, traversal and
 * URL helpers. The body is read once, bounded by `aio.max_body_bytes`, before the view
 * runs; after that `body`, `text`, `json`, `POST` and `params` are plain properties.
 *
 * @module
 */

import { parse as parseCookies } from "@hono/hono/utils/cookie";
import { HTTPBadRequest } from "../httpexceptions.ts";
import type { Registry, Route } from "../config/registry.ts";
import { type RequestSession, requestSession } from "../session/mod.ts";
import { requestCsrfToken } from "../csrf/mod.ts";
import type { Settings } from "../config/settings.ts";
import { type FormValue, MultiDict } from "./multidict.ts";
import { readBoundedBody } from "./body.ts";
import { readHeader } from "./_native_header.ts";
import { boundedBodyStream } from "../streaming/body_stream.ts";
import { ResponseDraft } from "./response_draft.ts";
import { buildRoutePath, buildRouteUrl, findStaticUrl, type UrlOptions } from "./_urls.ts";
import { resourceUrl } from "../traversal/mod.ts";
import { requestHasPermission, securityProperty } from "../security/request_api.ts";
import type { PermitsResult } from "../security/results.ts";

const EMPTY_MATCHDICT: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_FORM = new MultiDict<FormValue>();
const EMPTY_BODY = new Uint8Array(0) as Uint8Array<ArrayBuffer>;
const EMPTY_SEGMENTS: string[] = Object.freeze([]) as unknown as string[];
const RESOLVED = Promise.resolve();
const NO_CALLBACKS: readonly never[] = Object.freeze([]);
const decoder = new TextDecoder();

// Whether `bytes` contains the ASCII `text`, searching from the end (where a multipart
// close delimiter sits).
function containsBytes(bytes: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = bytes.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) {
      if (bytes[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

/** A response callback: may change the response's headers; may be async. */
export type ResponseCallback = (
  request: PyramidRequest,
  response: Response,
) => void | Promise<void>;

/** A finished callback: runs after the response is made, errors included; may be async. */
export type FinishedCallback = (request: PyramidRequest) => void | Promise<void>;

/** Connection details from the server, when there is one. */
export interface RequestInfo {
  /** The peer's address. */
  remoteAddr?: { hostname: string; port: number } | Deno.Addr;
}

/**
 * The request passed to views and tweens.
 *
 * @example Reading a route placeholder and a query parameter
 * ```ts
 * import { DummyRequest } from "@aio/pyramid/testing";
 * const request = new DummyRequest({ matchdict: { id: "7" }, params: { q: "deno" } });
 * console.assert(request.matchdict.id === "7");
 * console.assert(request.params.get("q") === "deno");
 * ```
 */
export class PyramidRequest {
  /** The underlying Web request. */
  readonly raw: Request;
  /** The application registry. */
  readonly registry: Registry;
  /** Server connection details. */
  readonly info: RequestInfo | undefined;
  /** Values of the matched route's placeholders. */
  matchdict: Readonly<Record<string, string>> = EMPTY_MATCHDICT;
  /** The matched route, if any. */
  matchedRoute: Route | undefined = undefined;
  /** The context resource found by traversal (or the route's root). */
  context: unknown = undefined;
  /** The root resource. */
  root: unknown = undefined;
  /** The view name traversal found (or `""`). */
  viewName = "";
  /** Path segments after the view name. */
  subpath: string[] = EMPTY_SEGMENTS;
  /** Path segments traversal consumed. */
  traversed: string[] = EMPTY_SEGMENTS;
  /** The virtual root resource. */
  virtualRoot: unknown = undefined;
  /** The virtual root's path. */
  virtualRootPath = "/";
  /** The error an exception view is rendering. */
  exception: unknown = undefined;
  /**
   * The path prefix the app is mounted under (Pyramid's `script_name`): `""` unless an outer
   * Hono app mounted it with `parent.route("/legacy", app.hono)`. Routing sees the path
   * after it; generated URLs include it.
   */
  scriptName = "";
  /**
   * What the view's `schema` option validated (`.body`, `.query`, `.matchdict`, `.headers`), set
   * before the view runs; `undefined` for views without a schema.
   */
  validated:
    | { body?: unknown; query?: unknown; matchdict?: unknown; headers?: unknown }
    | undefined = undefined;

  #url: URL | undefined;
  #headers: Headers | undefined;
  #path: string | undefined;
  #pathname: string | undefined;
  #body: Uint8Array<ArrayBuffer> | undefined;
  #text: string | undefined;
  #json: unknown;
  #jsonParsed = false;
  #GET: MultiDict<string> | undefined;
  #POST: MultiDict<FormValue> | undefined;
  #params: MultiDict<FormValue> | undefined;
  #cookies: Record<string, string> | undefined;
  #response: ResponseDraft | undefined;
  #streamed = false;
  #session: RequestSession | undefined;
  // Allocated only when a callback is added: most requests add none.
  #responseCallbacks: ResponseCallback[] | undefined;
  #finishedCallbacks: FinishedCallback[] | undefined;

  /** Wraps a Web request for the given registry. */
  constructor(raw: Request, registry: Registry, info?: RequestInfo) {
    this.raw = raw;
    this.registry = registry;
    this.info = info;
  }

  /** The HTTP method. */
  get method(): string {
    return this.raw.method;
  }
  /** The full URL as a string. */
  get url(): string {
    return this.raw.url;
  }
  /** The parsed URL. */
  get parsedUrl(): URL {
    return this.#url ??= new URL(this.raw.url);
  }
  /** The request headers (still readable after a websocket upgrade; see {@linkcode keepHeaders}). */
  get headers(): Headers {
    return this.#headers ?? this.raw.headers;
  }

  /**
   * One request header, or null: the same answer as `request.headers.get(name)` (repeated
   * headers joined with ", "), but on a request served by `Deno.serve` it reads just that
   * header. The first use of `request.headers` makes Deno copy every header of the request
   * when the response is sent (≈ 1.6 µs a request), which this avoids.
   *
   * @example Reading one header
   * ```ts
   * import { DummyRequest } from "@aio/pyramid/testing";
   * const request = new DummyRequest({ headers: { "X-Api-Key": "k1" } });
   * console.assert(request.header("x-api-key") === "k1");
   * console.assert(request.header("accept") === null);
   * ```
   */
  header(name: string): string | null {
    if (this.#headers !== undefined) return this.#headers.get(name);
    return readHeader(this.raw, name.toLowerCase());
  }

  /**
   * Copies the headers so they stay readable after the connection is upgraded to a
   * websocket: Deno closes the Web `Request` then, and reading its headers throws. The
   * websocket mapper calls this just before upgrading.
   */
  keepHeaders(): void {
    this.#headers ??= new Headers(this.raw.headers);
  }
  /** The path, still percent-encoded. */
  get pathname(): string {
    if (this.#pathname !== undefined) return this.#pathname;
    const url = this.raw.url;
    const start = url.indexOf("/", url.indexOf("://") + 3);
    if (start < 0) return this.#pathname = "/";
    let end = url.indexOf("?", start);
    const hash = url.indexOf("#", start);
    if (hash >= 0 && (end < 0 || hash < end)) end = hash;
    const full = end < 0 ? url.slice(start) : url.slice(start, end);
    const prefix = this.scriptName;
    if (prefix === "" || !full.startsWith(prefix)) return this.#pathname = full;
    return this.#pathname = full.slice(prefix.length) || "/";
  }
  /** The decoded path; a malformed percent-escape is a 400. */
  get path(): string {
    if (this.#path !== undefined) return this.#path;
    const raw = this.pathname;
    if (!raw.includes("%")) return this.#path = raw;
    try {
      return this.#path = decodeURIComponent(raw);
    } catch {
      throw new HTTPBadRequest({ detail: `The path '${raw}' has a malformed percent-escape.` });
    }
  }
  /** Host (and port) the client asked for. */
  get host(): string {
    return this.header("host") ?? this.parsedUrl.host;
  }
  /** `http` or `https`. */
  get scheme(): string {
    return this.parsedUrl.protocol.slice(0, -1);
  }
  /** `scheme://host` plus the mount prefix: the base of generated URLs. */
  get applicationUrl(): string {
    return `${this.scheme}://${this.host}${this.scriptName}`;
  }
  /** Whether the request says it came from XMLHttpRequest. */
  get isXhr(): boolean {
    return this.header("x-requested-with") === "XMLHttpRequest";
  }
  /** The application settings (frozen). */
  get settings(): Settings {
    return this.registry.settings;
  }

  /** Query string parameters. */
  get GET(): MultiDict<string> {
    if (this.#GET) return this.#GET;
    const url = this.raw.url;
    const q = url.indexOf("?");
    return this.#GET = q < 0 ? new MultiDict<string>() : MultiDict.fromSearch(url.slice(q));
  }

  /** Form fields from a urlencoded or multipart body (empty for other bodies). */
  get POST(): MultiDict<FormValue> {
    if (this.#POST) return this.#POST;
    const type = (readHeader(this.raw, "content-type") ?? "").toLowerCase();
    if (type.startsWith("application/x-www-form-urlencoded")) {
      return this.#POST = MultiDict.fromSearch(this.text) as MultiDict<FormValue>;
    }
    if (type.startsWith("multipart/form-data")) {
      throw new Error(
        "Multipart bodies are parsed asynchronously; the router does this before the view runs. " +
          "In a tween, call `await request.readBody()` first.",
      );
    }
    return this.#POST = EMPTY_FORM;
  }

  /** Query parameters followed by form fields. */
  get params(): MultiDict<FormValue> {
    if (this.#params) return this.#params;
    const post = this.POST;
    return this.#params = post.size === 0
      ? this.GET as MultiDict<FormValue>
      : MultiDict.merge<FormValue>(this.GET, post);
  }

  /** Whether the body has been read. */
  get bodyRead(): boolean {
    return this.#body !== undefined;
  }

  /** The raw body bytes (read before the view runs). */
  get body(): Uint8Array<ArrayBuffer> {
    if (this.#body === undefined) {
      throw new Error(
        "The request body has not been read yet. Call `await request.readBody()` first " +
          "(the router does this before any view runs).",
      );
    }
    return this.#body;
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return this.#text ??= decoder.decode(this.body);
  }

  /** The body parsed as JSON; malformed JSON is a 400. */
  get json(): unknown {
    if (this.#jsonParsed) return this.#json;
    const text = this.text;
    try {
      this.#json = JSON.parse(text);
    } catch (error) {
      throw new HTTPBadRequest({
        detail: `The request body is not valid JSON: ${(error as Error).message}`,
      });
    }
    this.#jsonParsed = true;
    return this.#json;
  }

  /** Cookies sent by the client. */
  get cookies(): Readonly<Record<string, string>> {
    if (this.#cookies) return this.#cookies;
    const header = this.header("cookie");
    return this.#cookies = header ? parseCookies(header) : {};
  }

  /**
   * The session (`config.setSessionFactory()`), loaded on first use: in async views a
   * Promise of it (`const session = await request.session`), in blocking views the session
   * itself. Without a session factory, awaiting it rejects saying how to configure one.
   */
  get session(): RequestSession {
    return this.#session ??= requestSession(this);
  }

  /**
   * The CSRF token as a string, for templates: there once the session is loaded in this
   * request (in blocking views and with `CookieCSRFStoragePolicy`, always).
   */
  get csrfToken(): string {
    return requestCsrfToken(this);
  }

  /** Status, headers and cookies the renderer applies to the response. */
  get response(): ResponseDraft {
    return this.#response ??= new ResponseDraft();
  }
  /** Whether a view touched `request.response`. */
  get hasResponseDraft(): boolean {
    return this.#response !== undefined;
  }

  /**
   * Reads the body once, bounded by `aio.max_body_bytes` (over → 413). Multipart forms
   * are parsed here too, so `POST` is synchronous afterwards. Malformed forms are a 400.
   */
  readBody(): Promise<void> {
    if (this.#body !== undefined) return RESOLVED;
    if (this.#streamed) {
      return Promise.reject(
        new Error(
          "The body is being read with request.stream(), so it cannot be read whole as well. " +
            "Use one or the other (drop streamBody to have it read whole before the view).",
        ),
      );
    }
    // Most requests (GET, HEAD) have no body: no header access, no await.
    if (this.raw.body === null) {
      this.#body = EMPTY_BODY;
      return RESOLVED;
    }
    return this.#readBody();
  }

  async #readBody(): Promise<void> {
    const limit = this.registry.aio.maxBodyBytes;
    const type = (readHeader(this.raw, "content-type") ?? "").toLowerCase();
    if (type.startsWith("multipart/form-data")) {
      this.#body = await readBoundedBody(this.raw, limit);
      const contentType = readHeader(this.raw, "content-type")!;
      // Deno's parser returns an empty form for a body cut off before its close delimiter.
      const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
      if (boundary && !containsBytes(this.#body, `--${boundary[1] ?? boundary[2]}--`)) {
        throw new HTTPBadRequest({
          detail: "The multipart form body is malformed: it has no closing boundary (truncated?).",
        });
      }
      try {
        const form = await new Response(this.#body, {
          headers: { "content-type": contentType },
        }).formData();
        this.#POST = new MultiDict<FormValue>(form as unknown as Iterable<[string, FormValue]>);
      } catch (error) {
        throw new HTTPBadRequest({
          detail: `The multipart form body is malformed: ${(error as Error).message}`,
        });
      }
      return;
    }
    this.#body = await readBoundedBody(this.raw, limit);
  }

  /**
   * The body as it arrives, chunk by chunk (cogen's `cogen.input`), with `aio.max_body_bytes`
   * enforced as it goes: the chunk that crosses it throws a 413. Views registered with
   * `streamBody: true` get the body unread, so a large upload never sits in memory; for other
   * views (and blocking ones) the body was read before the view and comes as one chunk.
   *
   * @example Counting an upload as it arrives
   * ```ts
   * import type { PyramidRequest } from "@aio/pyramid";
   * async function upload(request: PyramidRequest) {
   *   let size = 0;
   *   for await (const chunk of request.stream()) size += chunk.byteLength;
   *   return { size };
   * }
   * console.assert(typeof upload === "function");
   * ```
   */
  stream(): AsyncIterable<Uint8Array<ArrayBuffer>> {
    const body = this.#body;
    if (body !== undefined) {
      return (async function* wholeBody() {
        if (body.byteLength > 0) yield body;
      })();
    }
    if (this.#streamed) {
      throw new Error("request.stream() reads the body once; keep the first iterator.");
    }
    this.#streamed = true;
    return boundedBodyStream(this.raw, this.registry.aio.maxBodyBytes);
  }

  /** Supplies an already-read body (used by testing helpers and executor snapshots). */
  setBody(body: Uint8Array<ArrayBuffer>): void {
    this.#body = body;
    this.#text = undefined;
    this.#jsonParsed = false;
    this.#POST = undefined;
    this.#params = undefined;
  }

  /**
   * Registers a callback that receives the response before it leaves (after the view and
   * the tweens, before `NewResponse`); it may change headers. Pyramid's
   * `add_response_callback`. Callbacks run in the order they were added, for error
   * responses too (here every error becomes a response).
   */
  addResponseCallback(callback: ResponseCallback): void {
    (this.#responseCallbacks ??= []).push(callback);
  }

  /** Callbacks run on the response before it leaves (see {@linkcode addResponseCallback}). */
  get responseCallbacks(): readonly ResponseCallback[] {
    return this.#responseCallbacks ?? NO_CALLBACKS;
  }

  /** Callbacks run once the response is made, errors included (see {@linkcode addFinishedCallback}). */
  get finishedCallbacks(): readonly FinishedCallback[] {
    return this.#finishedCallbacks ?? NO_CALLBACKS;
  }

  /**
   * Registers a callback that runs once the response is made, whatever happened (errors
   * included), before it is sent. Pyramid's `add_finished_callback`: commit or roll back a
   * transaction here, release a connection. Errors in it are logged, not sent.
   */
  addFinishedCallback(callback: FinishedCallback): void {
    (this.#finishedCallbacks ??= []).push(callback);
  }

  /** An absolute URL for the named route. */
  routeUrl(name: string, options: UrlOptions = {}): string {
    return buildRouteUrl(this.registry, name, options, this);
  }

  /** The path (no scheme or host) for the named route, mount prefix included. */
  routePath(name: string, options: UrlOptions = {}): string {
    return this.scriptName + buildRoutePath(this.registry, name, options);
  }

  /** An absolute URL for a file served by a static view. */
  staticUrl(path: string, options: Omit<UrlOptions, "parts"> = {}): string {
    const found = findStaticUrl(this.registry, path, options);
    return /^[a-z][a-z0-9+.-]*:/i.test(found) ? found : this.applicationUrl + found;
  }

  /** The path for a file served by a static view. */
  staticPath(path: string, options: Omit<UrlOptions, "parts"> = {}): string {
    const found = findStaticUrl(this.registry, path, options);
    return /^[a-z][a-z0-9+.-]*:/i.test(found) ? found : this.scriptName + found;
  }

  /** An absolute URL for a resource, with extra path elements appended. */
  resourceUrl(resource: unknown, ...elements: string[]): string {
    return resourceUrl(resource as never, {
      base: this.applicationUrl,
      elements,
      // As Pyramid: the proxy's virtual root is left out of the URLs it will add it back to.
      virtualRootPath: this.header("x-vhm-root") ?? undefined,
    });
  }

  // Security (Pyramid's request.identity & co.). Each may do I/O through the security
  // policy: a Promise in async code, the value itself in a blocking view.

  /** The security policy's identity for this request, or null when anonymous. */
  get identity(): Promise<unknown> | unknown {
    return securityProperty(this, "identity");
  }
  /** The authenticated userid, or null. */
  get authenticatedUserid(): Promise<unknown> | unknown {
    return securityProperty(this, "authenticatedUserid");
  }
  /** The claimed (not verified) userid, or null; Pyramid 2 policies: the authenticated one. */
  get unauthenticatedUserid(): Promise<unknown> | unknown {
    return securityProperty(this, "unauthenticatedUserid");
  }
  /** The principals of the request (`[Everyone]` unless a Pyramid 1 policy says more). */
  get effectivePrincipals(): Promise<string[]> | string[] {
    return securityProperty(this, "effectivePrincipals") as Promise<string[]> | string[];
  }
  /** Whether a user is authenticated. */
  get isAuthenticated(): Promise<boolean> | boolean {
    return securityProperty(this, "isAuthenticated") as Promise<boolean> | boolean;
  }
  /** Whether the request holds `permission` on `context` (default: `request.context`). */
  hasPermission(permission: string, context?: unknown): Promise<PermitsResult> | PermitsResult {
    return requestHasPermission(this, permission, context);
  }
}
