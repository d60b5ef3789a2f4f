/**
 * Validators and conditional requests for static files (RFC 9110 §8.8, §13). Used only by
 * `serve_static_file.ts`.
 *
 * Hono's `etag()` middleware is not used here: it hashes the whole response body (buffering
 * it through `clone()`), which defeats streaming a file, it needs a Hono `Context`, and it
 * knows neither `Last-Modified`/`If-Modified-Since` nor `If-Range`. A weak tag from size and
 * mtime costs one `stat` we already make.
 *
 * @module
 */

/** The weak entity tag of a file with this size and modification time. */
export function weakETag(size: number, mtime: Date | null): string {
  const stamp = mtime ? mtime.getTime() : 0;
  return `W/"${size.toString(16)}-${Math.trunc(stamp).toString(16)}"`;
}

function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, "");
}

/** Weak comparison of `etag` against an `If-None-Match` list (`*` matches anything). */
export function noneMatchHits(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  const wanted = opaque(etag);
  const tags = ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.some((tag) => opaque(tag) === wanted);
}

function parseHttpDate(value: string): number | null {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

function seconds(time: number): number {
  return Math.floor(time / 1000);
}

/**
 * True when the client's cached copy is current and a 304 is the answer. `If-None-Match`,
 * when present, decides alone; `If-Modified-Since` is only consulted without it.
 */
export function isNotModified(
  headers: Headers,
  etag: string,
  mtime: Date | null,
): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) return noneMatchHits(ifNoneMatch, etag);
  const ifModifiedSince = headers.get("if-modified-since");
  if (ifModifiedSince === null || mtime === null) return false;
  const since = parseHttpDate(ifModifiedSince);
  return since !== null && seconds(mtime.getTime()) <= seconds(since);
}

/**
 * True when a `Range` may be honoured given `If-Range`. An entity-tag `If-Range` needs a
 * strong match and ours are weak, so it never matches (the client gets the whole file, which
 * is always correct); a date matches when it equals `Last-Modified` to the second.
 */
export function ifRangeAllows(headers: Headers, mtime: Date | null): boolean {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return false;
  const date = parseHttpDate(value);
  return date !== null && mtime !== null &&
    seconds(date) === seconds(mtime.getTime());
}
