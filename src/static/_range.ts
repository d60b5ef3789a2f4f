/**
 * `Range: bytes=…` parsing for static files (RFC 9110 §14). Used only by
 * `serve_static_file.ts`.
 *
 * @module
 */

/** An inclusive byte range within a file. */
export interface ByteRange {
  /** First byte offset. */
  start: number;
  /** Last byte offset, inclusive. */
  end: number;
}

/**
 * What to do with a `Range` header: `null` means ignore it and send the whole file (absent,
 * malformed, another unit, or several ranges), `"unsatisfiable"` means answer 416, otherwise
 * the single range to send as 206.
 *
 * Several ranges are answered with the whole file on purpose: RFC 9110 lets a server ignore
 * `Range`, browsers and media players only ever ask for one range, and `multipart/byteranges`
 * bodies are a known amplification vector (`bytes=0-,0-,0-…`).
 */
export function parseRange(
  header: string | null,
  size: number,
): ByteRange | "unsatisfiable" | null {
  if (header === null) return null;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return null;
  const specs = match[1].split(",").map((spec) => spec.trim()).filter((spec) => spec !== "");
  if (specs.length !== 1) return null;
  const parts = /^(\d*)-(\d*)$/.exec(specs[0]);
  if (!parts) return null;
  const [, first, last] = parts;
  if (first === "" && last === "") return null;
  if (first === "") {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Infinity : Number(last);
  if (!Number.isSafeInteger(start)) return null;
  // `5-2` is not a valid range at all (ignored); `20-` on a 10-byte file is a valid one that
  // the file cannot satisfy (416).
  if (end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}
