/**
 * Percent-encoding exactly as Pyramid writes URLs: Python's `urllib.parse.quote` with
 * Pyramid's safe sets, `quote_plus` for query strings, and its `urlencode`.
 *
 * Python's `quote` keeps only letters, digits and `_.-~` plus the `safe` characters; the
 * Web's `encodeURIComponent` also keeps `!'()*` and escapes every sub-delimiter, so neither
 * it nor `URLSearchParams` (which writes `*` raw and `~` escaped) gives Pyramid's URLs.
 *
 * @module
 */

/** Characters Pyramid leaves unescaped in one path segment (WebOb's set). */
export const PATH_SEGMENT_SAFE = "~!$&'()*+,;=:@";
/** {@linkcode PATH_SEGMENT_SAFE} plus `/`: values that may span segments. */
export const PATH_SAFE = PATH_SEGMENT_SAFE + "/";
/** Characters Pyramid leaves unescaped in a query given as a string (RFC 3986). */
export const QUERY_SAFE = "/?:@!$&'()*+,;=";
/** Characters Pyramid leaves unescaped in an anchor (the same as a query's). */
export const ANCHOR_SAFE = QUERY_SAFE;

// What encodeURIComponent leaves alone but Python's quote escapes (unless made safe).
const WEB_ONLY = "!'()*";
const quoters = new Map<string, (text: string) => string>();

function hex(char: string): string {
  return "%" + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, "\\$&");
}

function makeQuoter(safe: string): (text: string) => string {
  const plain = new RegExp(`^[A-Za-z0-9_.~${escapeClass(safe)}-]*$`);
  const extra = [...WEB_ONLY].filter((c) => !safe.includes(c)).join("");
  const escapeExtra = extra ? new RegExp(`[${escapeClass(extra)}]`, "g") : undefined;
  const restore = [...safe].filter((c) => encodeURIComponent(c) !== c);
  const restoreRe = restore.length
    ? new RegExp(restore.map((c) => encodeURIComponent(c)).join("|"), "g")
    : undefined;
  return function quote(text: string): string {
    if (plain.test(text)) return text;
    let out = encodeURIComponent(text);
    if (escapeExtra) out = out.replace(escapeExtra, hex);
    if (restoreRe) out = out.replace(restoreRe, decodeURIComponent);
    return out;
  };
}

/**
 * Python's `urllib.parse.quote(text, safe)` on the UTF-8 bytes of `text`: letters, digits,
 * `_.-~` and the `safe` characters stay, everything else becomes `%XX` (upper-case hex).
 *
 * @example Quoting a path the way Pyramid quotes a route pattern's literal text
 * ```ts ignore
 * quote("/La Peña/#", "/"); // "/La%20Pe%C3%B1a/%23"
 * ```
 */
export function quote(text: string, safe = "/"): string {
  let quoter = quoters.get(safe);
  if (quoter === undefined) quoters.set(safe, quoter = makeQuoter(safe));
  return quoter(text);
}

/** Quotes one path segment as Pyramid's `quote_path_segment` does (`/` becomes `%2F`). */
export function quotePathSegment(segment: string): string {
  return quote(segment, PATH_SEGMENT_SAFE);
}

/** Python's `quote_plus`: like {@linkcode quote} with no safe characters, space as `+`. */
export function quotePlus(text: string): string {
  return quote(text, " ").replaceAll(" ", "+");
}

/** A query as `routeUrl`/`resourceUrl` take it. */
export type QueryInput =
  | string
  | URLSearchParams
  | Iterable<readonly [string, unknown]>
  | Record<string, unknown>;

function pairsOf(query: Exclude<QueryInput, string>): Iterable<readonly [string, unknown]> {
  if (query instanceof URLSearchParams || Symbol.iterator in query) {
    return query as Iterable<readonly [string, unknown]>;
  }
  return Object.entries(query);
}

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

/**
 * The query string Pyramid writes for `_query`, without the `?`: a string is quoted with
 * {@linkcode QUERY_SAFE}; pairs or an object go through Pyramid's `urlencode` (`quote_plus`
 * on keys and values, an array value repeats the key, `null` gives `key=`, `undefined`
 * leaves the pair out). Like Pyramid, an empty array value still leaves its `&` behind.
 *
 * @example The same query string Pyramid writes
 * ```ts ignore
 * encodeQuery({ a: "hi there", b: ["1", "2"] }); // "a=hi+there&b=1&b=2"
 * ```
 */
export function encodeQuery(query: QueryInput): string {
  if (typeof query === "string") return quote(query, QUERY_SAFE);
  let out = "";
  let prefix = "";
  for (const [key, value] of pairsOf(query)) {
    if (value === undefined) continue;
    const k = quotePlus(stringOf(key));
    if (Array.isArray(value)) {
      for (const item of value) {
        out += `${prefix}${k}=${quotePlus(stringOf(item))}`;
        prefix = "&";
      }
    } else if (value === null) {
      out += `${prefix}${k}=`;
    } else {
      out += `${prefix}${k}=${quotePlus(stringOf(value))}`;
    }
    prefix = "&";
  }
  return out;
}

function isEmpty(query: QueryInput): boolean {
  if (typeof query === "string") return query === "";
  if (query instanceof URLSearchParams) return query.size === 0;
  if (Symbol.iterator in query) {
    for (const _ of query as Iterable<unknown>) return false;
    return true;
  }
  return Object.keys(query).length === 0;
}

/**
 * The `?query#anchor` tail Pyramid appends to a generated URL: an empty query or anchor adds
 * nothing.
 *
 * @example A query and an anchor
 * ```ts ignore
 * urlTail({ a: "1" }, "top"); // "?a=1#top"
 * ```
 */
export function urlTail(query: QueryInput | undefined, anchor: string | undefined): string {
  let out = "";
  // Pyramid tests the query's truth, not the text's: `{ a: [] }` still writes a bare `?`.
  if (query !== undefined && query !== null && !isEmpty(query)) out += "?" + encodeQuery(query);
  if (anchor) out += "#" + quote(String(anchor), ANCHOR_SAFE);
  return out;
}
