/**
 * Turns the still-percent-encoded subpath of a static view into decoded path segments that
 * cannot leave the view's directory, or refuses it. Used only by `serve_static_file.ts`.
 *
 * @module
 */

/** What a request may ask for once its subpath has been checked. */
export interface SafeSubpath {
  /** Decoded segments, each a plain file or directory name (never `.`, `..`, or empty). */
  segments: string[];
}

/** Options for {@linkcode safeSubpath}. */
export interface SafeSubpathOptions {
  /** Serve names starting with `.` (`.well-known`, `.htaccess`); default false. */
  allowDotfiles?: boolean;
}

// Control characters (NUL included) never belong in a served name and confuse logs and
// C-string file APIs.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// A `%XX` left after one decoding means the client encoded twice: a server (or proxy) that
// decodes again would see something else than we checked, so we refuse it outright.
const STILL_ENCODED = /%[0-9a-fA-F]{2}/;

/**
 * Checks `subpath` segment by segment and returns the decoded segments, or `null` when the
 * subpath tries anything but naming a file below the root. A single trailing `/` is allowed
 * (it asks for a directory index); every other empty segment (`a//b`, a leading `/`) is
 * refused, because it is how absolute paths and `//host` tricks start.
 *
 * Refused, whatever they decode to: `.`/`..` (raw or `%2e`-encoded), encoded or raw `/` and
 * `\` inside a segment, NUL and other control characters, double encoding, `:` (Windows drive
 * letters and NTFS alternate data streams), undecodable percent escapes and invalid UTF-8,
 * and, unless allowed, dotfiles.
 */
export function safeSubpath(
  subpath: string,
  options: SafeSubpathOptions = {},
): SafeSubpath | null {
  if (subpath === "") return { segments: [] };
  const raw = subpath.split("/");
  if (raw[raw.length - 1] === "") raw.pop();
  const segments: string[] = [];
  for (const encoded of raw) {
    if (encoded === "") return null;
    let name: string;
    try {
      name = decodeURIComponent(encoded);
    } catch {
      return null;
    }
    if (name === "." || name === "..") return null;
    if (name.includes("/") || name.includes("\\") || name.includes(":")) {
      return null;
    }
    if (CONTROL.test(name) || STILL_ENCODED.test(name)) return null;
    if (name.startsWith(".") && !options.allowDotfiles) return null;
    segments.push(name);
  }
  return { segments };
}

/** True when `path` is absolute on this platform (POSIX `/…`, Windows `C:\…` or `\\server\…`). */
export function isAbsolutePath(path: string): boolean {
  if (Deno.build.os === "windows") {
    return /^(?:[a-zA-Z]:[\\/]|[\\/]{2})/.test(path);
  }
  return path.startsWith("/");
}

/** The platform's path separator. */
export const SEP: string = Deno.build.os === "windows" ? "\\" : "/";

/** True when `child` is `parent` itself or lies below it (both already real paths). */
export function isInside(parent: string, child: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(SEP) ? parent : parent + SEP;
  return child.startsWith(prefix);
}
