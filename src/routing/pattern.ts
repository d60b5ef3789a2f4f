/**
 * Pyramid route patterns: `/a/{id}`, `/a/{id:\d+}`, `/files/*subpath`,
 * `/site/*traverse`. A pattern compiles once into a matcher and a URL generator.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** What a compiled pattern knows about itself. */
export interface CompiledPattern {
  /** The pattern as written (with a leading slash added). */
  pattern: string;
  /** Names of the `{placeholders}` and the star argument, in order. */
  names: string[];
  /** The name of the trailing `*stararg`, if any. */
  starName: string | undefined;
  /** The literal text before the first placeholder, used to skip regexes cheaply. */
  staticPrefix: string;
  /** Matches a decoded path; returns the matchdict or null. */
  match(path: string): Record<string, string> | null;
  /** Builds a path from parts; star values may be strings or arrays of segments. */
  generate(parts: Record<string, unknown>): string;
}

const PLACEHOLDER = /\{([A-Za-z_][\w]*)(?::((?:[^{}]|\{[^{}]*\})+))?\}/g;
const STAR = /\*([A-Za-z_]\w*)$/;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Characters Pyramid leaves unquoted in generated path segments.
const SAFE_SEGMENT = /[!$&'()*+,;=:@]/g;

/** Quotes one path segment the way Pyramid's `quote_path_segment` does. */
export function quotePathSegment(value: string): string {
  return encodeURIComponent(value).replace(
    /%(21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/g,
    (escape) => decodeURIComponent(escape),
  ).replace(SAFE_SEGMENT, (c) => c);
}

/** Compiles a Pyramid route pattern; a malformed one is a {@linkcode ConfigurationError}. */
export function compilePattern(pattern: string): CompiledPattern {
  let text = pattern.startsWith("/") ? pattern : `/${pattern}`;
  let starName: string | undefined;
  const star = STAR.exec(text);
  if (star) {
    starName = star[1];
    text = text.slice(0, star.index);
  }
  const names: string[] = [];
  const literals: string[] = [];
  let source = "^";
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const literal = text.slice(last, m.index);
    literals.push(literal);
    source += escapeRegex(literal);
    const [, name, regex] = m;
    if (names.includes(name)) {
      throw new ConfigurationError(
        `Route pattern '${pattern}' uses the placeholder '{${name}}' twice; give each one its own name.`,
      );
    }
    names.push(name);
    if (regex !== undefined) {
      try {
        new RegExp(regex);
      } catch (error) {
        throw new ConfigurationError(
          `Route pattern '${pattern}' has an invalid regular expression for '{${name}}': ${
            (error as Error).message
          }`,
        );
      }
    }
    source += `(${regex ?? "[^/]+"})`;
    last = m.index + m[0].length;
  }
  const tail = text.slice(last);
  if (/[{}]/.test(tail) || literals.some((l) => /[{}]/.test(l))) {
    throw new ConfigurationError(
      `Route pattern '${pattern}' has an unbalanced '{' or '}'; placeholders look like {name} or {name:regex}.`,
    );
  }
  literals.push(tail);
  source += escapeRegex(tail);
  if (starName) {
    names.push(starName);
    source += "(.*)";
  }
  source += "$";
  const regex = new RegExp(source, "s");
  const groupCount = names.length;
  // Capturing groups inside user regexes shift the indexes; count ours by name order.
  const groupIndexes = groupIndexesFor(source, groupCount, names, regex);
  const firstBrace = pattern.search(/[{*]/);
  const staticPrefix = (pattern.startsWith("/") ? "" : "/") +
    (firstBrace < 0 ? pattern : pattern.slice(0, firstBrace));

  const literalPath = groupCount === 0 ? literals[0] : undefined;
  function match(path: string): Record<string, string> | null {
    if (literalPath !== undefined) return path === literalPath ? {} : null;
    const m = regex.exec(path);
    if (m === null) return null;
    const dict: Record<string, string> = {};
    for (let i = 0; i < groupCount; i++) dict[names[i]] = m[groupIndexes[i]] ?? "";
    return dict;
  }

  function generate(parts: Record<string, unknown>): string {
    let out = literals[0];
    for (let i = 0; i < literals.length - 1; i++) {
      const name = names[i];
      if (!(name in parts) || parts[name] === undefined || parts[name] === null) {
        throw new ConfigurationError(
          `Cannot build a URL for pattern '${pattern}': the part '${name}' is missing. Pass it in { parts: { ${name}: … } }.`,
        );
      }
      out += quotePathSegment(String(parts[name])) + literals[i + 1];
    }
    if (starName) {
      const value = parts[starName] ?? "";
      const segments = Array.isArray(value)
        ? value.map(String)
        : String(value).split("/").filter((s, i, all) => s !== "" || i === all.length - 1);
      out += segments.map(quotePathSegment).join("/");
    }
    return out;
  }

  return {
    pattern: text + (starName ? `*${starName}` : ""),
    names,
    starName,
    staticPrefix,
    match,
    generate,
  };
}

// Finds, for each of our placeholder groups, its index among all capturing groups.
function groupIndexesFor(
  source: string,
  count: number,
  _names: string[],
  _regex: RegExp,
): number[] {
  const indexes: number[] = [];
  let group = 0;
  let depth = 0;
  const ours: boolean[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      // skip a character class
      i++;
      while (i < source.length && source[i] !== "]") {
        if (source[i] === "\\") i++;
        i++;
      }
      continue;
    }
    if (c === "(") {
      const capturing = source[i + 1] !== "?" ||
        (source[i + 2] === "<" && source[i + 3] !== "=" && source[i + 3] !== "!");
      if (capturing) {
        group++;
        ours.push(depth === 0);
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
