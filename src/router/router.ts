/**
 * The request path, top to bottom, in one place: route match → root and traversal →
 * body → view lookup → view → renderer → NewResponse. Errors go to the `excview` tween
 * just above, which renders them through exception views.
 *
 * @module
 */

import { HTTPException, HTTPNotFound } from "../httpexceptions.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry, RootFactory, Route } from "../config/registry.ts";
import { NewRequest, NewResponse } from "../config/events.ts";
import type { Handler } from "../config/tweens.ts";
import { traverse } from "../traversal/mod.ts";
import type { ViewLookup } from "../views/lookup.ts";
import { logError } from "./_log.ts";

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
}

function segments(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchRoute(
  routes: Route[],
  path: string,
  request: PyramidRequest,
): { route: Route; matchdict: Record<string, string> } | undefined {
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    const compiled = route.compiled;
    if (!path.startsWith(compiled.staticPrefix)) continue;
    const matchdict = compiled.match(path);
    if (matchdict === null) continue;
    const predicates = route.predicates;
    if (predicates.length > 0) {
      request.matchdict = matchdict;
      if (!predicates.every((p) => p.test(undefined, request))) continue;
    }
    return { route, matchdict };
  }
  return undefined;
}

/** Makes the MAIN handler: the bottom of the tween chain. */
export function makeRouter(tables: RouterTables): Handler {
  const { registry, routes, views, rootFactory, routingReadsBody } = tables;
  const notifyRequest = registry.hasSubscribers(NewRequest);
  const notifyResponse = registry.hasSubscribers(NewResponse);

  return async function router(request: PyramidRequest): Promise<Response> {
    if (notifyRequest) await registry.notify(new NewRequest(request));
    if (routingReadsBody) await request.readBody();

    // 1. URL dispatch: the first route whose pattern and predicates match.
    const match = matchRoute(routes, request.path, request);
    let routeName: string | undefined;
    if (match) {
      const { route, matchdict } = match;
      routeName = route.name;
      request.matchdict = matchdict;
      request.matchedRoute = route;
      // 2a. The route's root; traversal continues from it for `*traverse` routes.
      const root = await (route.factory ?? rootFactory)(request);
      request.root = root;
      if (route.compiled.starName === "traverse") {
        Object.assign(request, await traverse(root, segments(matchdict.traverse)));
      } else {
        request.context = root;
        request.virtualRoot = root;
        if (route.compiled.starName !== undefined) {
          request.subpath = segments(matchdict[route.compiled.starName]);
        }
      }
    } else {
      // 2b. No route: traverse the default root, if any view can be found that way.
      if (!views.hasTraversalViews) {
        throw new HTTPNotFound({ detail: `No route matches ${request.path}.` });
      }
      const root = await rootFactory(request);
      // traverse() decodes each segment itself, so it gets the still-encoded path.
      Object.assign(
        request,
        await traverse(root, request.pathname, {
          virtualRootPath: request.headers.get("x-vhm-root") ?? undefined,
        }),
      );
    }

    // 3. The body, read once and bounded, so views see plain properties.
    if (!request.bodyRead) await request.readBody();

    // 4. The most specific view whose predicates pass (404 / 405 otherwise).
    const group = views.group(routeName, request.viewName);
    if (group === undefined) {
      throw new HTTPNotFound({
        detail: routeName === undefined
          ? `No view named '${request.viewName}' for this resource.`
          : `The route '${routeName}' has no view${
            request.viewName ? ` named '${request.viewName}'` : ""
          }.`,
      });
    }
    const view = group.select(request.context, request);

    // 5. Call it (mapper) and render its value (renderer).
    let response = await view.call(request.context, request);

    if (notifyResponse) {
      const event = new NewResponse(request, response);
      await registry.notify(event);
      response = event.response;
    }
    return response;
  };
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
  const view = views?.exceptionView(error, request);
  if (view) {
    request.exception = error;
    try {
      return await view.call(error, request);
    } catch (secondary) {
      logError(`The exception view for ${describe(error)} failed`, secondary, request);
      return internalError(secondary, request, registry);
    }
  }
  if (error instanceof HTTPException) {
    return error.toResponse({ accept: request.headers.get("accept"), method: request.method });
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
