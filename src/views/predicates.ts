/**
 * View and route predicates: small tests on the request that choose between views (or
 * routes). Each has one interface; the built-in kinds are made by factories keyed by the
 * option name (`requestMethod`, `accept`, `xhr`, `header`, `matchParam`, `requestParam`,
 * `custom`), and applications add their own with `config.addViewPredicate`.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import type { PyramidRequest } from "../request/request.ts";

/**
 * One predicate: `text` identifies it (two views with equal predicate texts conflict),
 * `test` decides.
 *
 * @example A predicate that matches requests from a given host
 * ```ts
 * import type { Predicate } from "@aio/pyramid";
 * const onlyLocal: Predicate = {
 *   kind: "localOnly",
 *   text: "localOnly = true",
 *   test: (_context, request) => request.host.startsWith("localhost"),
 * };
 * console.assert(onlyLocal.kind === "localOnly");
 * ```
 */
export interface Predicate {
  /** The option name that made it. */
  readonly kind: string;
  /** A stable description, e.g. `request_method = GET,HEAD`. */
  readonly text: string;
  /** Whether the request (and context) satisfy it. */
  test(context: unknown, request: PyramidRequest): boolean;
}

/** Makes a predicate from the value given in the view or route options. */
export type PredicateFactory = (value: unknown, kind: string) => Predicate;

/** A predicate factory as registered, with its evaluation-order hints. */
export interface PredicateRegistration {
  /** Option name. */
  name: string;
  /** The factory. */
  factory: PredicateFactory;
  /** Evaluate before these predicate names. */
  over?: string | string[];
  /** Evaluate after these predicate names. */
  under?: string | string[];
}

function methods(value: unknown): string[] {
  const list = (Array.isArray(value) ? value : [value]).map((m) => String(m).toUpperCase());
  // As in Pyramid, a GET view also answers HEAD.
  if (list.includes("GET") && !list.includes("HEAD")) list.push("HEAD");
  return list;
}

/** `requestMethod: "POST"` or `["GET", "POST"]`. */
export function requestMethodPredicate(value: unknown, kind: string): Predicate & {
  methods: string[];
} {
  const allowed = methods(value);
  return {
    kind,
    methods: allowed,
    text: `request_method = ${[...allowed].sort().join(",")}`,
    test: (_context, request) => allowed.includes(request.method),
  };
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(",").map((part) => {
    const [range, ...params] = part.trim().split(";");
    const [type = "*", subtype = "*"] = range.trim().toLowerCase().split("/");
    let q = 1;
    for (const param of params) {
      const [k, v] = param.trim().split("=");
      if (k === "q") q = Number(v);
    }
    return { type, subtype, q: Number.isNaN(q) ? 0 : q };
  }).filter((r) => r.q > 0);
}

/** Whether an Accept header admits `mediaType` (no header admits everything). */
export function accepts(header: string | null, mediaType: string): boolean {
  if (!header) return true;
  const [type, subtype] = mediaType.toLowerCase().split("/");
  return parseAccept(header).some((r) =>
    (r.type === "*" || r.type === type) && (r.subtype === "*" || r.subtype === subtype)
  );
}

/** `accept: "application/json"` or a list of media types. */
export function acceptPredicate(value: unknown, kind: string): Predicate {
  const types = (Array.isArray(value) ? value : [value]).map(String);
  return {
    kind,
    text: `accept = ${types.join(",")}`,
    test: (_context, request) => types.some((t) => accepts(request.header("accept"), t)),
  };
}

/** `xhr: true`. */
export function xhrPredicate(value: unknown, kind: string): Predicate {
  const wanted = Boolean(value);
  return {
    kind,
    text: `xhr = ${wanted}`,
    test: (_context, request) => request.isXhr === wanted,
  };
}

/** `header: "X-Name"`, `"X-Name:regex"`, an object `{ name: regex | true }`, or a list. */
export function headerPredicate(value: unknown, kind: string): Predicate {
  const checks: { name: string; pattern: RegExp | undefined }[] = [];
  const add = (name: string, pattern: unknown) =>
    checks.push({
      name,
      pattern: pattern === true || pattern === undefined || pattern === null
        ? undefined
        : pattern instanceof RegExp
        ? pattern
        : new RegExp(String(pattern)),
    });
  for (const item of Array.isArray(value) ? value : [value]) {
    if (typeof item === "string") {
      const colon = item.indexOf(":");
      if (colon < 0) add(item, undefined);
      else add(item.slice(0, colon), item.slice(colon + 1));
    } else if (item && typeof item === "object") {
      for (const [name, pattern] of Object.entries(item)) add(name, pattern);
    } else {
      throw new ConfigurationError(
        `The '${kind}' predicate takes "Name", "Name:regex" or { Name: regex }, not ${
          String(item)
        }.`,
      );
    }
  }
  return {
    kind,
    text: `header = ${checks.map((c) => `${c.name}:${c.pattern?.source ?? ""}`).join(",")}`,
    test: (_context, request) =>
      checks.every(({ name, pattern }) => {
        const got = request.header(name);
        return got !== null && (pattern === undefined || pattern.test(got));
      }),
  };
}

function keyValues(value: unknown, kind: string): [string, string | undefined][] {
  const items = Array.isArray(value) ? value : [value];
  const out: [string, string | undefined][] = [];
  for (const item of items) {
    if (typeof item === "string") {
      const eq = item.indexOf("=");
      out.push(
        eq < 0 ? [item.trim(), undefined] : [
          item.slice(0, eq).trim(),
          item.slice(eq + 1).trim(),
        ],
      );
    } else if (item && typeof item === "object") {
      for (const [k, v] of Object.entries(item)) out.push([k, v === true ? undefined : String(v)]);
    } else {
      throw new ConfigurationError(
        `The '${kind}' predicate takes "name=value" or { name: value }, not ${String(item)}.`,
      );
    }
  }
  return out;
}

/** `matchParam: "kind=user"` or `{ kind: "user" }`: tests the matchdict. */
export function matchParamPredicate(value: unknown, kind: string): Predicate {
  const pairs = keyValues(value, kind);
  return {
    kind,
    text: `match_param = ${pairs.map(([k, v]) => `${k}=${v ?? ""}`).sort().join(",")}`,
    test: (_context, request) =>
      pairs.every(([k, v]) =>
        v === undefined ? k in request.matchdict : request.matchdict[k] === v
      ),
  };
}

/** `requestParam: "q"` or `"q=deno"`: tests query and form parameters. */
export function requestParamPredicate(value: unknown, kind: string): Predicate {
  const pairs = keyValues(value, kind);
  return {
    kind,
    text: `request_param = ${pairs.map(([k, v]) => `${k}=${v ?? ""}`).sort().join(",")}`,
    test: (_context, request) =>
      pairs.every(([k, v]) =>
        v === undefined ? request.params.has(k) : request.params.get(k) === v
      ),
  };
}

// Custom predicates are told apart by identity (as Pyramid hashes the function): two
// different anonymous functions must not make their views conflict.
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;
function functionId(fn: object): number {
  let id = functionIds.get(fn);
  if (id === undefined) functionIds.set(fn, id = ++nextFunctionId);
  return id;
}

/** `custom: [(context, request) => boolean]`: arbitrary tests. */
export function customPredicate(value: unknown, kind: string): Predicate {
  const fns = (Array.isArray(value) ? value : [value]) as ((
    context: unknown,
    request: PyramidRequest,
  ) => boolean)[];
  for (const fn of fns) {
    if (typeof fn !== "function") {
      throw new ConfigurationError(
        `The '${kind}' predicate takes functions (context, request) => boolean.`,
      );
    }
  }
  return {
    kind,
    text: `custom = ${fns.map((f) => `${f.name || "<anonymous>"}#${functionId(f)}`).join(",")}`,
    test: (context, request) => fns.every((fn) => fn(context, request)),
  };
}

/** The built-in predicate factories, in evaluation order (cheapest first). */
export const BUILTIN_VIEW_PREDICATES: PredicateRegistration[] = [
  { name: "requestMethod", factory: requestMethodPredicate },
  { name: "xhr", factory: xhrPredicate },
  { name: "accept", factory: acceptPredicate },
  { name: "header", factory: headerPredicate },
  { name: "matchParam", factory: matchParamPredicate },
  { name: "requestParam", factory: requestParamPredicate },
  { name: "custom", factory: customPredicate },
];

/** Route predicates share the view predicates except `matchParam`. */
export const BUILTIN_ROUTE_PREDICATES: PredicateRegistration[] = BUILTIN_VIEW_PREDICATES.filter(
  (p) => p.name !== "matchParam",
);
