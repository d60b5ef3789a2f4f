/**
 * The request path, top to bottom, in one place:
 *
 * 1. {@linkcode makeRequestHandler}: the tween chain, then {@linkcode makeFinishing}'s end of
 *    every request: errors no tween turned into a response are rendered, response callbacks
 *    run, `NewResponse` is sent once for every response, finished callbacks run (always).
 * 2. The `excview` tween: errors from below become responses through exception views.
 * 3. {@linkcode makeRouter} (the tweens' `MAIN`): `NewRequest`, route match → root and
 *    traversal → body → view lookup → the derived view (permission, CSRF, caching,
 *    decorators, custom derivers, renderer, mapper: see `views/derivers.ts`). With no tween
 *    but `excview`, the router is the handler and finishes each request itself, rendering a
 *    plain view's value and finishing the request in one promise step.
 *
 * @module
 */

import { HTTPException, HTTPNotFound } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry, RootFactory, Route } from "../config/registry.ts";
import { NewRequest, NewResponse } from "../events.ts";
import type { Handler } from "../config/tweens.ts";
import { traverse } from "../traversal/mod.ts";
import { traverseMatched } from "../traversal/dispatch.ts";
import type { DirectView, ViewGroup, ViewLookup } from "../views/lookup.ts";
import { logError } from "../log.ts";
import { RouteTable } from "../routing/route_table.ts";

/** What the router needs, compiled once at `makeApp()`. */
export interface RouterTables {
  /** The registry. */
  registry: Registry;
  /** Routes in match order. */
  routes: Route[];
  /** The view lookup. */
  views: ViewLookup;
  /** The default root factory. */
  rootFactory: RootFactory;
  /** Whether some route predicate reads form parameters (so the body is read first). */
  routingReadsBody: boolean;
  /**
   * When no tween sits between the request handler and the router: how to finish a
   * response or render an error. The router then finishes every request itself, a view's
   * rendering and the finishing in one promise step (see {@linkcode makeFinishing}).
   */
  finishing?: Finishing | undefined;
}

// Sets request.matchdict and request.matchedRoute for the first matching route.
function matchRoute(
  table: RouteTable<Route>,
  path: string,
  request: PyramidRequest,
): Route | undefined {
  const routes = table.candidates(path);
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    const compiled = route.compiled;
    if (!path.startsWith(compiled.staticPrefix)) continue;
    const matchdict = compiled.match(path);
    if (matchdict === null) continue;
    request.matchdict = matchdict;
    const predicates = route.predicates;
    if (predicates.length > 0 && !predicates.every((p) => p.test(undefined, request))) continue;
    request.matchedRoute = route;
    return route;
  }
  request.matchdict = EMPTY_MATCHDICT;
  return undefined;
}

const EMPTY_MATCHDICT: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Makes the MAIN handler: the bottom of the tween chain. Each step below either finishes
 * synchronously (the common case: no `NewRequest` subscriber, a synchronous root factory,
 * nothing to traverse, no body) or hands the rest of the request to the step's async
 * continuation, so a plain request costs the view's own promise and no other.
 */
export function makeRouter(tables: RouterTables): Handler {
  const { registry, views, rootFactory, routingReadsBody } = tables;
  const routes = new RouteTable(tables.routes);
  const notifyRequest = registry.hasSubscribers(NewRequest);

  const finishing = tables.finishing;

  // 4–5. The most specific view whose predicates pass (404 / 405 otherwise), then the
  // derived view: derivers, mapper (async, executor or websocket), renderer. When the
  // router finishes requests itself and no deriver but the renderer wraps this view, it
  // renders the view's value and finishes the request in the same step.
  function callView(request: PyramidRequest, group: ViewGroup): Promise<Response> {
    const view = group.select(request.context, request);
    const direct = finishing === undefined ? undefined : view.direct;
    if (direct !== undefined) {
      const value: unknown = direct.mapped(request.context, request);
      if (!(value instanceof Promise)) {
        return Promise.resolve(renderAndFinish(request, direct, value));
      }
      return value.then(
        (resolved) => renderAndFinish(request, direct, resolved),
        (error) => finishing!.fail(request, error),
      );
    }
    const response = view.call(request.context, request);
    const pending = response instanceof Promise ? response : Promise.resolve(response);
    if (finishing === undefined) return pending;
    return pending.then(
      (done) => finishing.finish(request, done),
      (error) => finishing.fail(request, error),
    );
  }

  function renderAndFinish(request: PyramidRequest, direct: DirectView, value: unknown) {
    let response: Response | Promise<Response>;
    try {
      response = direct.render(value, request.context, request);
    } catch (error) {
      return finishing!.fail(request, error);
    }
    if (!(response instanceof Promise)) return finishing!.finish(request, response);
    return response.then(
      (done) => finishing!.finish(request, done),
      (error) => finishing!.fail(request, error),
    );
  }

  // A step that may fail before the view runs: its error is rendered here when the router
  // finishes requests itself (the view's own result is finished by callView).
  function failed(request: PyramidRequest, pending: Promise<Response>): Promise<Response> {
    if (finishing === undefined) return pending;
    return pending.catch((error) => finishing.fail(request, error));
  }

  // 3. The body, read once and bounded, so views see plain properties — unless the views
  // here read it as it arrives (`streamBody`, `request.stream()`).
  function readBodyThenCall(request: PyramidRequest, routeName: string | undefined) {
    const group = views.group(routeName, request.viewName);
    if (group === undefined) throw noView(request, routeName);
    if (request.bodyRead || group.streamsBody) return callView(request, group);
    const reading = request.readBody();
    if (request.bodyRead) return callView(request, group);
    return failed(request, reading.then(() => callView(request, group)));
  }

  // 2a. The route's root; traversal continues from it for `*traverse` routes, and
  // `X-Vhm-Root` applies, as in Pyramid's traverser.
  function traverseRoute(request: PyramidRequest, route: Route, root: unknown) {
    request.root = root;
    const walking = traverseMatched(request, root);
    if (walking === undefined) return readBodyThenCall(request, route.name);
    return failed(request, walking.then(() => readBodyThenCall(request, route.name)));
  }

  // 2b. No route: traverse the default root, if any view can be found that way.
  async function traverseDefaultRoot(request: PyramidRequest): Promise<Response> {
    if (!views.hasTraversalViews) {
      throw new HTTPNotFound({ detail: `No route matches ${request.path}.` });
    }
    const root = await rootFactory(request);
    // traverse() decodes each segment itself, so it gets the still-encoded path.
    Object.assign(
      request,
      await traverse(root, request.pathname, {
        virtualRootPath: request.header("x-vhm-root") ?? undefined,
      }),
    );
    return await readBodyThenCall(request, undefined);
  }

  // 1. URL dispatch: the first route whose pattern and predicates match.
  function dispatch(request: PyramidRequest): Promise<Response> {
    const route = matchRoute(routes, request.path, request);
    if (route === undefined) return failed(request, traverseDefaultRoot(request));
    const root = (route.factory ?? rootFactory)(request);
    if (root instanceof Promise) {
      return failed(request, root.then((r) => traverseRoute(request, route, r)));
    }
    return traverseRoute(request, route, root);
  }

  async function routeAfterEvents(request: PyramidRequest): Promise<Response> {
    if (notifyRequest) await registry.notify(new NewRequest(request));
    if (routingReadsBody) await request.readBody();
    return await dispatch(request);
  }

  return function router(request: PyramidRequest): Promise<Response> {
    if (notifyRequest || routingReadsBody) return failed(request, routeAfterEvents(request));
    // A handler never throws: tweens may chain on what it returns.
    try {
      return dispatch(request);
    } catch (error) {
      return finishing === undefined ? Promise.reject(error) : finishing.fail(request, error);
    }
  };
}

function noView(request: PyramidRequest, routeName: string | undefined): HTTPNotFound {
  return new HTTPNotFound({
    detail: routeName === undefined
      ? `No view named '${request.viewName}' for this resource.`
      : `The route '${routeName}' has no view${
        request.viewName ? ` named '${request.viewName}'` : ""
      }.`,
  });
}

/** How a request is finished: what follows its response, or renders its error. */
export interface Finishing {
  /** Response callbacks, `NewResponse`, finished callbacks; the response to send. */
  finish(request: PyramidRequest, response: Response): Response | Promise<Response>;
  /** Renders an error no tween turned into a response, then finishes as `finish` does. */
  fail(request: PyramidRequest, error: unknown): Promise<Response>;
}

/** What {@linkcode makeFinishing} needs. */
export interface FinishingTables {
  /** The registry. */
  registry: Registry;
  /** The view lookup (for exception views). */
  views: ViewLookup;
}

/**
 * The end of every request: an error no tween turned into a response is rendered through
 * the exception views; response callbacks run, `NewResponse` is sent once for every
 * response, and finished callbacks run last, errors included.
 */
export function makeFinishing(tables: FinishingTables): Finishing {
  const { registry, views } = tables;
  const notifyResponse = registry.hasSubscribers(NewResponse);
  async function afterResponse(request: PyramidRequest, response: Response): Promise<Response> {
    try {
      if (request.responseCallbacks.length > 0) {
        try {
          response = withMutableHeaders(response);
          for (const callback of request.responseCallbacks) await callback(request, response);
        } catch (error) {
          logError("A response callback failed", error, request);
          // An HTTP exception says what to answer (a session store that is away: 503).
          response = error instanceof HTTPException
            ? error.toResponse({ accept: request.header("accept"), method: request.method })
            : internalError(error, request, registry);
        }
      }
      if (notifyResponse) {
        try {
          response = await notifyNewResponse(registry, request, response);
        } catch (error) {
          logError("A NewResponse subscriber failed", error, request);
          response = internalError(error, request, registry);
        }
      }
    } finally {
      if (request.finishedCallbacks.length > 0) await runFinishedCallbacks(request);
    }
    return response;
  }
  return {
    finish(request, response) {
      // Most requests add no callback and nobody listens for NewResponse: no await then.
      return notifyResponse || request.responseCallbacks.length > 0 ||
          request.finishedCallbacks.length > 0
        ? afterResponse(request, response)
        : response;
    },
    fail(request, error) {
      return renderError(error, request, views, registry).then((r) => afterResponse(request, r));
    },
  };
}

/**
 * The request handler around a tween chain: the chain's response (or error) is finished
 * by `finishing`. Without tweens the router finishes requests itself and is the handler.
 */
export function makeRequestHandler(chain: Handler, finishing: Finishing): Handler {
  return function handleRequest(request: PyramidRequest): Promise<Response> {
    let pending: Promise<Response>;
    try {
      pending = chain(request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (response) => finishing.finish(request, response),
      // Only errors raised above the excview tween (in a tween near INGRESS) land here.
      (error) => finishing.fail(request, error),
    );
  };
}

async function runFinishedCallbacks(request: PyramidRequest): Promise<void> {
  for (const callback of request.finishedCallbacks) {
    try {
      await callback(request);
    } catch (error) {
      logError("A finished callback failed", error, request);
    }
  }
}

/** Sends NewResponse; subscribers get a response whose headers they may change. */
async function notifyNewResponse(
  registry: Registry,
  request: PyramidRequest,
  response: Response,
): Promise<Response> {
  const event = new NewResponse(request, withMutableHeaders(response));
  await registry.notify(event);
  return event.response;
}

// Response.redirect() and fetch() responses have immutable headers (delete() throws on
// them even for an absent name); a 101 upgrade must be left alone.
function withMutableHeaders(response: Response): Response {
  if (response.status === 101) return response;
  try {
    response.headers.delete("x-aio-mutable-probe");
    return response;
  } catch {
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
}

/**
 * The `excview` tween: errors from below become responses through exception views; an
 * HTTP exception without a view renders itself; anything else is logged and is a 500
 * whose body shows the stack only when `aio.debug` is on.
 */
export function excviewTweenFactory(views: ViewLookup, registry: Registry) {
  return function excviewFactory(handler: Handler): Handler {
    return async function excviewTween(request: PyramidRequest): Promise<Response> {
      try {
        return await handler(request);
      } catch (error) {
        return await renderError(error, request, views, registry);
      }
    };
  };
}

/** Renders an error as a response (used by the excview tween and the app's safety net). */
export async function renderError(
  error: unknown,
  request: PyramidRequest,
  views: ViewLookup | undefined,
  registry: Registry,
): Promise<Response> {
  for (const translate of registry.errorTranslators) error = translate(error, request);
  // Set for every error, so response callbacks know (a session's setOnException: false).
  request.exception = error;
  const view = views?.exceptionView(error, request);
  if (view) {
    // An exception view answers with the exception's status unless it sets its own
    // (Pyramid would answer 200 here, a well-known trap for not-found views).
    if (error instanceof HTTPException && !request.hasResponseDraft) {
      request.response.status = error.status;
    }
    try {
      return await view.call(error, request);
    } catch (secondary) {
      logError(`The exception view for ${describe(error)} failed`, secondary, request);
      return internalError(secondary, request, registry);
    }
  }
  if (error instanceof HTTPException) {
    return error.toResponse({ accept: request.header("accept"), method: request.method });
  }
  logError("Uncaught error", error, request);
  return internalError(error, request, registry);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function internalError(error: unknown, request: PyramidRequest, registry: Registry): Response {
  const lines = [
    "500 Internal Server Error",
    "",
    "The server has either erred or is incapable of performing the requested operation.",
  ];
  if (registry.aio.debug) {
    lines.push("", error instanceof Error ? (error.stack ?? describe(error)) : String(error));
  }
  return new Response(request.method === "HEAD" ? null : lines.join("\n") + "\n", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
