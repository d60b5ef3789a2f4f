/**
 * The `csrf_view` view deriver: for views that require it, a request with an unsafe
 * method must carry the CSRF token (and, on https, come from a trusted origin) before the
 * view runs; a websocket upgrade must come from this site. Exception views are exempt
 * unless they ask for it themselves.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import {
  checkCsrfOrigin,
  checkCsrfToken,
  checkWebsocketOrigin,
  type CsrfOptions,
  type CsrfRegistry,
  type CsrfRequest,
} from "./check.ts";

/** A view as derivers see it: it answers with a Response. */
export type CsrfDerivedView = (
  context: unknown,
  request: CsrfRequest,
) => Response | Promise<Response>;

/** What `csrf_view` reads about the view it wraps (a subset of `ViewDeriverInfo`). */
export interface CsrfDeriverInfo {
  /** The view's `addView`/`viewConfig` options (`requireCsrf` among them). */
  options: Record<string, unknown>;
  /** The registry. */
  registry: CsrfRegistry;
  /** Whether the view is an exception view. */
  isExceptionView: boolean;
  /** A readable name of the view, for messages. */
  name?: string;
  /** Where the view was registered, for messages. */
  where?: string;
}

const SAFE_METHODS = ["GET", "HEAD", "OPTIONS", "TRACE"];

/** The CSRF options in force, Pyramid's defaults filled in (`requireCsrf` false when unset). */
export function resolvedCsrfOptions(
  registry: CsrfRegistry,
): Required<Omit<CsrfOptions, "trustedOrigins">> & Pick<CsrfOptions, "trustedOrigins"> {
  const set = registry.csrfOptions;
  return {
    requireCsrf: set?.requireCsrf ?? false,
    token: set?.token === undefined ? "csrf_token" : set.token,
    header: set?.header === undefined ? "X-CSRF-Token" : set.header,
    safeMethods: (set?.safeMethods ?? SAFE_METHODS).map((m) => m.toUpperCase()),
    checkOrigin: set?.checkOrigin ?? true,
    allowNoOrigin: set?.allowNoOrigin ?? false,
    callback: set?.callback ?? null,
    trustedOrigins: set?.trustedOrigins,
  };
}

function isWebsocketUpgrade(request: CsrfRequest): boolean {
  return request.method === "GET" &&
    (request.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

/**
 * Pyramid's `csrf_view` deriver. A view's `requireCsrf: true` turns the check on,
 * `false` off; unset, it follows `setDefaultCsrfOptions({ requireCsrf })` (exception
 * views excepted).
 *
 * @example Wrapping a view by hand (the framework does this for every view)
 * ```ts
 * import { csrfView } from "@aio/pyramid";
 * const view = () => new Response("ok");
 * const wrapped = csrfView(view, {
 *   options: { requireCsrf: true },
 *   registry: { settings: {} },
 *   isExceptionView: false,
 * });
 * console.assert(wrapped !== view);
 * ```
 */
export function csrfView(view: CsrfDerivedView, info: CsrfDeriverInfo): CsrfDerivedView {
  const explicit = info.options.requireCsrf;
  const defaults = resolvedCsrfOptions(info.registry);
  const enabled = (explicit === true ||
    (explicit !== false && defaults.requireCsrf && !info.isExceptionView)) &&
    (defaults.token !== null || defaults.header !== null);
  if (!enabled) return view;
  if (info.registry.sessionFactory === undefined && info.registry.csrfStoragePolicy === undefined) {
    throw new ConfigurationError(
      `The view ${info.name ?? "(unnamed)"}${
        info.where ? ` (at ${info.where})` : ""
      } checks CSRF ` +
        "tokens, but there is nowhere to keep them: configure sessions with " +
        "config.setSessionFactory(...), or config.setCsrfStoragePolicy(new CookieCSRFStoragePolicy()).",
    );
  }
  const { safeMethods, checkOrigin, allowNoOrigin, callback, token, header } = defaults;
  return async function csrf_view(context, request) {
    if (isWebsocketUpgrade(request)) {
      checkWebsocketOrigin(request);
    } else if (
      !safeMethods.includes(request.method) && (callback === null || callback(request as never))
    ) {
      if (checkOrigin) checkCsrfOrigin(request, { allowNoOrigin });
      await checkCsrfToken(request, { token, header });
    }
    return await view(context, request);
  };
}
/** The view option this deriver adds (`addView(view, { requireCsrf })`). */
csrfView.options = ["requireCsrf"] as readonly string[];
