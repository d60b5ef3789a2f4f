/**
 * Pyramid route patterns: `/a/{id}`, `/a/{id:\d+}`, old-style `/a/:id`, `/files/*subpath`,
 * `/site/*traverse`, and external ones (`https://example.org/{page}`, `//cdn.example.org/{f}`)
 * that only generate URLs. A pattern compiles once into a matcher and a URL generator that
 * agree with Pyramid's `pyramid.urldispatch` (checked differentially in
 * `tests/routing/pyramid_differential_test.ts`).
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { PATH_SAFE, quote } from "./quote.ts";

/** Where an external pattern's URLs point. */
export interface ExternalOrigin {
  /** The scheme written in the pattern, or `undefined` for `//host/…` (the request's). */
  scheme: string | undefined;
  /** `host[:port]` (with any user info) as written. */
  netloc: string;
}

/** What a compiled pattern knows about itself. */
export interface CompiledPattern {
  /** The pattern as given; compiling it again gives the same pattern. */
  pattern: string;
  /** Names of the `{placeholders}` and the star argument, in order. */
  names: string[];
  /** The name of the trailing `*stararg`, if any. */
  starName: string | undefined;
  /** The literal text before the first placeholder (or star), used to skip regexes cheaply. */
  staticPrefix: string;
  /** For an external pattern, the origin of its URLs; such a route never matches. */
  external: ExternalOrigin | undefined;
  /** Matches a decoded path; returns the matchdict or null. */
  match(path: string): Record<string, string> | null;
  /** Builds a path from parts; star values may be strings or arrays of segments. */
  generate(parts: Record<string, unknown>): string;
}

// A placeholder as Pyramid's `route_re` finds one: a name, then an optional `:regex` that may
// hold one level of inner braces (`{year:\d{4}}`).
const PLACEHOLDER = /\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g;
const NAME = /^[A-Za-z_][\p{L}\p{N}_]*$/u;
const HAS_NEW_STYLE = /\{[_a-zA-Z][^{}]*(?:\{[^{}]*\}[^{}]*)*\}/;
const OLD_STYLE = /:[_a-zA-Z][\p{L}\p{N}_]*/gu;
const STAR = /\*([\p{L}\p{N}_]*)$/u;
const EXTERNAL = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/([^/?#]+)([^?#]*)/;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function fail(pattern: string, problem: string): never {
  throw new ConfigurationError(`Route pattern '${pattern}' ${problem}`);
}

/** Splits `http://host/path` patterns into origin and path (Pyramid's `urlparse` check). */
function externalOf(pattern: string): [ExternalOrigin | undefined, string] {
  const m = EXTERNAL.exec(pattern);
  if (m === null) return [undefined, pattern];
  return [{ scheme: m[1], netloc: m[2] }, m[3]];
}

interface Parsed {
  literals: string[];
  names: string[];
  regexes: string[];
  starName: string | undefined;
}

function parse(pattern: string, path: string): Parsed {
  let text = path;
  // Old-style `:name` placeholders count only when there is no `{name}` one, as in Pyramid.
  if (!HAS_NEW_STYLE.test(text)) text = text.replace(OLD_STYLE, (m) => `{${m.slice(1)}}`);
  if (!text.startsWith("/")) text = "/" + text;
  let starName: string | undefined;
  const star = STAR.exec(text);
  if (star) {
    text = text.slice(0, star.index);
    // A bare trailing `*` names nothing and, as in Pyramid, is dropped.
    if (star[1] !== "") starName = star[1];
    if (starName !== undefined && !NAME.test(starName)) {
      fail(
        pattern,
        `has a star argument '*${starName}' whose name is not an identifier; write *name.`,
      );
    }
  }
  const literals: string[] = [];
  const names: string[] = [];
  const regexes: string[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    literals.push(text.slice(last, m.index));
    const inner = m[1];
    const colon = inner.indexOf(":");
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const regex = colon < 0 ? "[^/]+" : inner.slice(colon + 1);
    if (!NAME.test(name)) {
      fail(
        pattern,
        `has a placeholder '{${inner}}' whose name is not an identifier; write {name} or {name:regex}.`,
      );
    }
    if (regex === "") {
      fail(
        pattern,
        `gives '{${name}:}' an empty regular expression; drop the ':' or write {${name}:regex}.`,
      );
    }
    if (names.includes(name) || name === starName) {
      fail(pattern, `uses the name '${name}' twice; give each placeholder its own name.`);
    }
    try {
      new RegExp(regex);
    } catch (error) {
      fail(
        pattern,
        `has an invalid regular expression for '{${name}}': ${(error as Error).message}`,
      );
    }
    names.push(name);
    regexes.push(regex);
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  if (literals.some((literal) => /[{}]/.test(literal))) {
    fail(pattern, "has an unbalanced '{' or '}'; placeholders look like {name} or {name:regex}.");
  }
  return { literals, names, regexes, starName };
}

// For each placeholder, the index of its group among all capturing groups of `source` (user
// regexes may hold groups of their own).
function groupIndexes(source: string, count: number): number[] {
  const indexes: number[] = [];
  let group = 0;
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      i++;
      while (i < source.length && source[i] !== "]") {
        if (source[i] === "\\") i++;
        i++;
      }
    } else if (c === "(") {
      const capturing = source[i + 1] !== "?" ||
        (source[i + 2] === "<" && source[i + 3] !== "=" && source[i + 3] !== "!");
      if (capturing) {
        group++;
        if (depth === 0) indexes.push(group);
      }
      depth++;
    } else if (c === ")") {
      depth--;
    }
  }
  if (indexes.length !== count) {
    throw new ConfigurationError(`Internal error compiling route pattern '${source}'.`);
  }
  return indexes;
}

function valueOf(pattern: string, parts: Record<string, unknown>, name: string): unknown {
  const value = parts[name];
  if (value === undefined || value === null) {
    throw new ConfigurationError(
      `Cannot build a URL for pattern '${pattern}': the part '${name}' is missing. Pass it in { parts: { ${name}: … } }.`,
    );
  }
  return value;
}

/**
 * Compiles a Pyramid route pattern; a malformed one is a {@linkcode ConfigurationError}.
 *
 * Matching works on the decoded path, as Pyramid's does. Generation quotes the pattern's own
 * text (keeping `/`), and each value keeping `/` and the path sub-delimiters; a star value may
 * be a string (its slashes kept) or an array of segments (each quoted, joined with `/`).
 *
 * @example Matching and generating
 * ```ts ignore
 * const compiled = compilePattern("/La Peña/{city}*rest");
 * compiled.match("/La Peña/Québec/a/b"); // { city: "Québec", rest: "/a/b" }
 * compiled.generate({ city: "Québec", rest: ["a", "b c"] }); // "/La%20Pe%C3%B1a/Qu%C3%A9bec/a/b%20c"
 * ```
 */
export function compilePattern(pattern: string): CompiledPattern {
  return compile(pattern, undefined, pattern);
}

/**
 * Compiles the pattern of a route as `addRoute` takes it: like {@linkcode compilePattern}, but
 * a pattern with a host (`https://example.org/{page}`, `//cdn.example.org/{file}`) is
 * external, as Pyramid's `add_route` decides: its path is compiled, and URLs point at its host.
 *
 * @example An external route pattern
 * ```ts ignore
 * const compiled = compileRoute("//cdn.example.org/{file}");
 * compiled.external; // { scheme: undefined, netloc: "cdn.example.org" }
 * compiled.generate({ file: "a.css" }); // "/a.css"
 * ```
 */
export function compileRoute(pattern: string): CompiledPattern {
  const [external, path] = externalOf(pattern);
  return compile(pattern, external, path);
}

function compile(
  pattern: string,
  external: ExternalOrigin | undefined,
  path: string,
): CompiledPattern {
  const { literals, names, regexes, starName } = parse(pattern, path);
  let source = "^";
  for (let i = 0; i < regexes.length; i++) {
    source += escapeRegex(literals[i]) + "(" + regexes[i] + ")";
  }
  source += escapeRegex(literals[literals.length - 1]);
  if (starName !== undefined) {
    names.push(starName);
    source += "(.*)";
  }
  source += "$";
  const regex = new RegExp(source);
  const indexes = groupIndexes(source, names.length);
  const count = names.length;
  const literalPath = count === 0 ? literals[0] : undefined;

  function match(candidate: string): Record<string, string> | null {
    if (literalPath !== undefined) return candidate === literalPath ? {} : null;
    const m = regex.exec(candidate);
    if (m === null) return null;
    const dict: Record<string, string> = {};
    for (let i = 0; i < count; i++) dict[names[i]] = m[indexes[i]] ?? "";
    return dict;
  }

  // The pattern's own text is quoted once, keeping its slashes (Pyramid's `gen` template).
  const quotedLiterals = literals.map((literal) => quote(literal, "/"));
  const placeholders = regexes.length;

  function generate(parts: Record<string, unknown>): string {
    let out = quotedLiterals[0];
    for (let i = 0; i < placeholders; i++) {
      out += quote(String(valueOf(pattern, parts, names[i])), PATH_SAFE) + quotedLiterals[i + 1];
    }
    if (starName !== undefined) {
      const value = valueOf(pattern, parts, starName);
      out += Array.isArray(value)
        ? value.map((segment) => quote(String(segment), PATH_SAFE)).join("/")
        : quote(String(value), PATH_SAFE);
    }
    return out;
  }

  return {
    pattern,
    names,
    starName,
    staticPrefix: literals[0],
    external,
    match,
    generate,
  };
}
