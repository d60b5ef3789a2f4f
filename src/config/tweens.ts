/**
 * Tweens: functions wrapped around the request handler, ordered by `over`/`under` hints
 * between `INGRESS` (the server) and `MAIN` (the router), as in Pyramid.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { formatSite } from "../_callsite.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { Registry } from "./registry.ts";
import { orderByHints } from "./ordering.ts";

/** The name of the top of the tween chain, next to the server. */
export const INGRESS = "INGRESS";
/** The name of the bottom of the tween chain: the router that calls views. */
export const MAIN = "MAIN";
/** The built-in tween that turns errors into responses through exception views. */
export const EXCVIEW = "excview";

/** A request handler: what a tween wraps and returns. */
export type Handler = (request: PyramidRequest) => Promise<Response>;

/**
 * A tween factory: called once at `makeApp()` with the next handler and the registry,
 * it returns the handler that replaces it. Tweens may be async all the way through.
 */
export type TweenFactory = (handler: Handler, registry: Registry) => Handler;

/** Ordering hints for a tween. */
export interface TweenOptions {
  /** Unique name (defaults to the factory's function name). */
  name?: string;
  /** Place the tween above (closer to INGRESS than) these names; a list means the first that exists. */
  over?: string | string[];
  /** Place the tween below (closer to MAIN than) these names. */
  under?: string | string[];
}

/** Records a tween in the registry; a duplicate name is a ConfigurationError naming both sites. */
export function addTween(
  registry: Registry,
  factory: TweenFactory,
  options: TweenOptions & { site?: import("../_callsite.ts").CallSite },
): void {
  if (typeof factory !== "function") {
    throw new ConfigurationError(
      `addTween() takes a factory (handler, registry) => handler, not ${typeof factory}.`,
    );
  }
  const name = options.name ?? factory.name;
  if (!name) {
    throw new ConfigurationError(
      "addTween() needs a named factory function or a { name } option, so other tweens can be ordered against it.",
    );
  }
  if (name === INGRESS || name === MAIN) {
    throw new ConfigurationError(`'${name}' is reserved; give the tween another name.`);
  }
  const existing = registry.tweens.find((t) => t.name === name);
  if (existing) {
    throw new ConfigurationError(
      `A tween named '${name}' was added twice: at ${formatSite(existing.site)} and at ${
        formatSite(options.site)
      }. Give one of them another { name }.`,
    );
  }
  registry.tweens.push({
    name,
    factory,
    options: { over: options.over, under: options.under },
    site: options.site,
  });
}

/** The tween names from INGRESS to MAIN, after ordering. */
export function orderedTweenNames(registry: Registry): string[] {
  return orderByHints(
    registry.tweens.map((t) => ({
      name: t.name,
      over: t.options.over,
      under: t.options.under,
      where: t.site ? formatSite(t.site) : undefined,
    })),
    { first: INGRESS, last: MAIN, what: "tween" },
  );
}

/** Builds the handler chain: MAIN wrapped by each tween, from MAIN up to INGRESS. */
export function buildTweenChain(registry: Registry, main: Handler): Handler {
  // A tween hinted only against another tween may sort after MAIN (as in Pyramid, the
  // chain is read from the order with INGRESS and MAIN left out).
  const names = orderedTweenNames(registry).filter((name) => name !== INGRESS && name !== MAIN);
  let handler = main;
  for (let i = names.length - 1; i >= 0; i--) {
    const tween = registry.tweens.find((t) => t.name === names[i])!;
    const wrapped = tween.factory(handler, registry);
    if (typeof wrapped !== "function") {
      throw new ConfigurationError(
        `The tween factory '${tween.name}' (added at ${
          formatSite(tween.site)
        }) returned ${typeof wrapped}; it must return a handler (request) => Promise<Response>.`,
      );
    }
    handler = wrapped;
  }
  return handler;
}
