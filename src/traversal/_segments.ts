/**
 * Path splitting, decoding and quoting shared by traversal and resource URLs. Used only by
 * this folder.
 *
 * @module
 */

import { HTTPBadRequest } from "../httpexceptions.ts";

/**
 * Splits a percent-encoded path into decoded segments the way Pyramid's `traversal_path`
 * does: empty segments and `.` are dropped, `..` removes the previous segment (never above
 * the start). A segment that is not valid percent-encoded UTF-8 is a 400.
 */
export function splitEncodedPath(path: string): string[] {
  const out: string[] = [];
  for (const encoded of path.split("/")) {
    if (encoded === "") continue;
    push(out, decodeSegment(encoded));
  }
  return out;
}

/**
 * Normalises already-decoded segments (from a `*traverse` route): each may still hold `/`,
 * as Pyramid joins and re-splits them; empty segments, `.` and `..` behave as in
 * {@linkcode splitEncodedPath}.
 */
export function normaliseSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const segment of segments) {
    for (const part of String(segment).split("/")) {
      if (part !== "") push(out, part);
    }
  }
  return out;
}

/**
 * Splits an already-decoded path (a route's `*subpath` or `{traverse}` value) on `/`,
 * dropping empty segments and `.`, and letting `..` remove the previous segment (Pyramid's
 * `split_path_info`).
 */
export function splitDecodedPath(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part !== "") push(out, part);
  }
  return out;
}

function push(out: string[], segment: string): void {
  if (segment === ".") return;
  if (segment === "..") {
    out.pop();
    return;
  }
  out.push(segment);
}

function decodeSegment(encoded: string): string {
  if (!encoded.includes("%")) return encoded;
  try {
    return decodeURIComponent(encoded);
  } catch (cause) {
    throw new HTTPBadRequest({
      detail: `The URL path segment '${encoded}' is not valid percent-encoded UTF-8. ` +
        `Encode path segments with encodeURIComponent().`,
      cause,
    });
  }
}

// One path segment quoted as Pyramid's `quote_path_segment` (shared with URL generation).
export { quotePathSegment } from "../routing/quote.ts";
