/**
 * `config.addViewDeriver()`: custom view derivers and their order among the built-in ones.
 * By default a custom deriver sits under `decorated_view` and over `rendered_view`, as in
 * Pyramid; `over`/`under` move it, and a cycle is a `ConfigurationError` naming where each
 * deriver in it was added.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { type CallSite, formatSite } from "../_callsite.ts";
import {
  BUILTIN_DERIVER_OPTIONS,
  BUILTIN_DERIVERS,
  INGRESS,
  VIEW,
  type ViewDeriver,
  type ViewDeriverOptions,
} from "../views/derivers.ts";
import type { Registry } from "./registry.ts";
import { orderByHints } from "./ordering.ts";

/** A deriver as registered. */
export interface ViewDeriverRegistration {
  /** Unique name. */
  name: string;
  /** The deriver. */
  deriver: ViewDeriver;
  /** Ordering hints. */
  over: string | string[] | undefined;
  /** Ordering hints. */
  under: string | string[] | undefined;
  /** Where it was added. */
  site: CallSite | undefined;
}

/** Registers a custom view deriver. */
export function addViewDeriver(
  registry: Registry,
  deriver: ViewDeriver,
  options: ViewDeriverOptions & { site?: CallSite },
): void {
  if (typeof deriver !== "function") {
    throw new ConfigurationError(
      `addViewDeriver() takes a function (view, info) => view, not ${typeof deriver}.`,
    );
  }
  const name = options.name ?? deriver.name;
  if (!name) {
    throw new ConfigurationError(
      "addViewDeriver() needs a named function or a { name } option, so other derivers can be ordered against it.",
    );
  }
  if (name === INGRESS || name === VIEW || BUILTIN_DERIVERS.includes(name)) {
    throw new ConfigurationError(
      `'${name}' is a built-in view deriver name; give your deriver another { name }.`,
    );
  }
  const existing = registry.viewDerivers.find((d) => d.name === name);
  if (existing) {
    throw new ConfigurationError(
      `A view deriver named '${name}' was added twice: at ${formatSite(existing.site)} and at ${
        formatSite(options.site)
      }. Give one of them another { name }.`,
    );
  }
  const optionNames = deriver.options ?? [];
  if (!Array.isArray(optionNames) || optionNames.some((o) => typeof o !== "string")) {
    throw new ConfigurationError(
      `The view deriver '${name}' declares options that are not a list of names; use deriver.options = ["myOption"].`,
    );
  }
  registry.viewDerivers.push({
    name,
    deriver,
    over: options.over,
    under: options.under,
    site: options.site,
  });
}

/** View option names the derivers of this registry read (built-in and custom). */
export function deriverOptionNames(registry: Registry): Set<string> {
  const names = new Set(BUILTIN_DERIVER_OPTIONS);
  for (const { deriver } of registry.viewDerivers) {
    for (const option of deriver.options ?? []) names.add(option);
  }
  return names;
}

/**
 * All derivers' names, outermost (next to `INGRESS`) first, ends excluded. Built-ins keep
 * their own order; a custom deriver without hints goes under `decorated_view` and over
 * `rendered_view`.
 */
export function orderedDeriverNames(registry: Registry): string[] {
  const builtins = BUILTIN_DERIVERS.map((name, i) => ({
    name,
    under: i === 0 ? INGRESS : BUILTIN_DERIVERS[i - 1],
    over: i === BUILTIN_DERIVERS.length - 1 ? VIEW : undefined,
  }));
  const custom = registry.viewDerivers.map((d) => ({
    name: d.name,
    over: d.over ?? (d.under === undefined ? "rendered_view" : undefined),
    under: d.under ?? (d.over === undefined ? "decorated_view" : undefined),
    where: d.site ? formatSite(d.site) : undefined,
  }));
  const order = orderByHints([...builtins, ...custom], {
    first: INGRESS,
    last: VIEW,
    what: "view deriver",
  });
  return order.filter((name) => name !== INGRESS && name !== VIEW);
}
