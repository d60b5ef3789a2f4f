/**
 * A reader for the INI dialect of PasteDeploy files, which is Python's
 * `configparser.ConfigParser` with `BasicInterpolation` and its default options.
 *
 * It is checked line for line against Python's own `configparser` by
 * `tests/settings/ini_test.ts`; where the two could differ, Python wins.
 *
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** Python's `MAX_INTERPOLATION_DEPTH`. */
const MAX_INTERPOLATION_DEPTH = 10;

/**
 * The section whose values every other section inherits.
 *
 * @example Reading inherited values
 * ```ts
 * import { DEFAULT_SECTION, parseIni } from "@aio/pyramid/settings";
 * const ini = parseIni("[DEFAULT]\ndebug = true\n[app:main]\n");
 * console.assert(ini.get(DEFAULT_SECTION, "debug") === "true");
 * ```
 */
export const DEFAULT_SECTION = "DEFAULT";

/**
 * What an {@linkcode IniError} points at: the file and, when known, the line, section and key.
 *
 * @example Building an error for a setting
 * ```ts
 * import { IniError, type IniErrorLocation } from "@aio/pyramid/settings";
 * const where: IniErrorLocation = { file: "development.ini", line: 4, section: "server:main", key: "port" };
 * const error = new IniError(where, '"http" is not a TCP port. Write a number.');
 * console.assert(error.message.startsWith('development.ini, line 4, key "port"'));
 * ```
 */
export interface IniErrorLocation {
  /** The file (or name) the text came from. */
  file: string;
  /** 1-based line number, when the problem has a line. */
  line?: number;
  /** The section involved, when there is one. */
  section?: string;
  /** The option key involved, when there is one. */
  key?: string;
}

/**
 * A malformed INI file or a setting that cannot be used. The message names the
 * file, line and key, says what is wrong and how to fix it; the same facts are
 * available as fields.
 *
 * @example Reporting where a settings file is wrong
 * ```ts
 * import { IniError, parseIni } from "@aio/pyramid/settings";
 * try {
 *   parseIni("[app:main]\nport 8080\n", { filename: "development.ini" });
 * } catch (error) {
 *   if (!(error instanceof IniError)) throw error;
 *   console.assert(error.file === "development.ini" && error.line === 2);
 * }
 * ```
 */
export class IniError extends ConfigurationError {
  /** The file (or name) the text came from. */
  readonly file: string;
  /** 1-based line number, when the problem has a line. */
  readonly line: number | undefined;
  /** The section involved, when there is one. */
  readonly section: string | undefined;
  /** The option key involved, when there is one. */
  readonly key: string | undefined;
  /** What is wrong and how to fix it, without the location prefix. */
  readonly problem: string;

  /** Creates the error; the message is `where: problem`. */
  constructor(location: IniErrorLocation, problem: string, options?: ErrorOptions) {
    super(`${describeLocation(location)}: ${problem}`, options);
    this.name = "IniError";
    this.file = location.file;
    this.line = location.line;
    this.section = location.section;
    this.key = location.key;
    this.problem = problem;
  }
}

function describeLocation({ file, line, section, key }: IniErrorLocation): string {
  let where = file;
  if (line !== undefined && line > 0) where += `, line ${line}`;
  if (key !== undefined) where += `, key "${key}"`;
  if (section !== undefined) where += `${key === undefined ? "," : ""} in [${section}]`;
  return where;
}

/**
 * One option as written in the file: its lower-cased key, raw value and line.
 *
 * @example Finding where a key was set
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const option = parseIni("[app:main]\nPort = %(x)s\nx = 1\n").option("app:main", "port");
 * console.assert(option?.line === 2 && option.raw === "%(x)s");
 * ```
 */
export interface IniOption {
  /** The key, lower-cased as `configparser` does. */
  readonly key: string;
  /** The value before interpolation; continuation lines joined with `"\n"`. */
  readonly raw: string;
  /** 1-based line of the `key = value` line; 0 for defaults passed in code. */
  readonly line: number;
}

/**
 * Options for {@linkcode parseIni}.
 *
 * @example Supplying PasteDeploy's defaults
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const ini = parseIni("[app:main]\ndb = %(here)s/db.sqlite\n", {
 *   filename: "/srv/development.ini",
 *   defaults: { here: "/srv", __file__: "/srv/development.ini" },
 * });
 * console.assert(ini.get("app:main", "db") === "/srv/db.sqlite");
 * ```
 */
export interface ParseIniOptions {
  /** Name used in error messages (usually the file path). Default `"<string>"`. */
  filename?: string;
  /**
   * Values every section inherits, below the file's own `[DEFAULT]`, such as
   * PasteDeploy's `here` and `__file__`. They are taken literally: a `%` in them
   * is not interpolation syntax.
   */
  defaults?: Record<string, string>;
}

/**
 * Options for reading values from an {@linkcode IniDocument}.
 *
 * @example Reading a logging format raw
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const ini = parseIni("[formatter_generic]\nformat = %(asctime)s %(message)s\n");
 * console.assert(ini.get("formatter_generic", "format", { raw: true }) === "%(asctime)s %(message)s");
 * ```
 */
export interface IniReadOptions {
  /** Return values as written, without `%(name)s` interpolation. */
  raw?: boolean;
}

interface Section {
  readonly name: string;
  readonly line: number;
  readonly options: Map<string, IniOption>;
}

// Python's str.isspace(), which also drives `str.strip()` and the `\s` that
// configparser's regular expressions use. JavaScript's trim() differs (U+FEFF, U+0085, U+001C–1F).
function isSpace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x20) ||
    code === 0x85 || code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000;
}

function leadingSpace(text: string): number {
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  return start;
}

function rstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

function strip(text: string): string {
  return rstrip(text.slice(leadingSpace(text)));
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/**
 * A parsed INI file: sections of options, with `[DEFAULT]` inherited by every
 * section and `%(name)s` interpolation done when values are read (as in
 * `configparser`, so raw-only sections such as logging formats never fail).
 *
 * @example Reading a section
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const ini = parseIni("[DEFAULT]\nroot = /srv\n[app:main]\nstatic = %(root)s/static\n");
 * console.assert(ini.get("app:main", "static") === "/srv/static");
 * console.assert(ini.sections().join() === "app:main");
 * ```
 */
export class IniDocument {
  /** The name used in error messages. */
  readonly filename: string;
  #defaults: Map<string, IniOption>;
  #sections: Map<string, Section>;

  /** Use {@linkcode parseIni}; this constructor is for the parser. */
  constructor(
    filename: string,
    defaults: Map<string, IniOption>,
    sections: Map<string, Section>,
  ) {
    this.filename = filename;
    this.#defaults = defaults;
    this.#sections = sections;
  }

  /** Section names in file order, without `[DEFAULT]`. */
  sections(): string[] {
    return [...this.#sections.keys()];
  }

  /** Whether the file has this section (`DEFAULT` is not a section, as in configparser). */
  hasSection(section: string): boolean {
    return this.#sections.has(section);
  }

  /** The 1-based line of a section header, or `undefined` when it is absent. */
  sectionLine(section: string): number | undefined {
    return this.#sections.get(section)?.line;
  }

  /** The options written in the section itself (not inherited), as written. */
  ownOptions(section: string): IniOption[] {
    return [...this.#own(section).values()];
  }

  /** The option that `section` sees for `key` (its own, else `[DEFAULT]`'s), as written. */
  option(section: string, key: string): IniOption | undefined {
    const name = key.toLowerCase();
    return this.#own(section).get(name) ?? this.#defaults.get(name);
  }

  /** Whether `section` sees `key`, its own or from `[DEFAULT]`. */
  has(section: string, key: string): boolean {
    return this.option(section, key) !== undefined;
  }

  /**
   * The value of `key` in `section` (falling back to `[DEFAULT]`), interpolated
   * unless `raw`; `undefined` when absent. Throws {@linkcode IniError} for bad interpolation.
   */
  get(section: string, key: string, options: IniReadOptions = {}): string | undefined {
    const found = this.option(section, key);
    if (found === undefined) return undefined;
    return options.raw ? found.raw : this.#interpolate(section, found);
  }

  /**
   * Every `[key, value]` pair `section` sees, in `configparser`'s order (inherited
   * keys first), interpolated unless `raw`. `section` may be `"DEFAULT"`.
   */
  entries(section: string, options: IniReadOptions = {}): [string, string][] {
    const merged = new Map(this.#defaults);
    for (const [key, option] of this.#own(section)) merged.set(key, option);
    return [...merged.values()].map((option) => [
      option.key,
      options.raw ? option.raw : this.#interpolate(section, option),
    ]);
  }

  /** {@linkcode IniDocument.entries} as a plain object. */
  items(section: string, options: IniReadOptions = {}): Record<string, string> {
    return Object.fromEntries(this.entries(section, options));
  }

  #own(section: string): Map<string, IniOption> {
    if (section === DEFAULT_SECTION) return new Map();
    const found = this.#sections.get(section);
    if (found === undefined) {
      const known = this.sections().map((name) => `[${name}]`).join(", ") || "none";
      throw new IniError(
        { file: this.filename, section },
        `there is no section [${section}] (sections: ${known}). Add a "[${section}]" header.`,
      );
    }
    return found.options;
  }

  #lookup(section: string, key: string): IniOption | undefined {
    return (section === DEFAULT_SECTION
      ? undefined
      : this.#sections.get(section)?.options.get(key)) ??
      this.#defaults.get(key);
  }

  // Mirrors BasicInterpolation._interpolate_some, including where the depth is counted.
  #interpolate(section: string, option: IniOption): string {
    const out: string[] = [];
    if (option.line === 0) return option.raw;
    const fail = (at: IniOption, problem: string): never => {
      const inDefaults = this.#sections.get(section)?.options.get(at.key) !== at;
      throw new IniError(
        {
          file: this.filename,
          line: at.line || undefined,
          section: inDefaults ? DEFAULT_SECTION : section,
          key: at.key,
        },
        problem,
      );
    };
    const expand = (current: IniOption, value: string, depth: number): void => {
      if (depth > MAX_INTERPOLATION_DEPTH) {
        fail(
          current,
          `interpolation is nested more than ${MAX_INTERPOLATION_DEPTH} levels deep, ` +
            `probably a %(name)s loop, in ${quote(current.raw)}. Break the cycle of references.`,
        );
      }
      let rest = value;
      while (rest.length > 0) {
        const percent = rest.indexOf("%");
        if (percent < 0) {
          out.push(rest);
          return;
        }
        if (percent > 0) {
          out.push(rest.slice(0, percent));
          rest = rest.slice(percent);
        }
        const next = rest.charAt(1);
        if (next === "%") {
          out.push("%");
          rest = rest.slice(2);
        } else if (next === "(") {
          const close = rest.indexOf(")");
          if (close < 3 || rest.charAt(close + 1) !== "s") {
            fail(
              current,
              `bad interpolation ${quote(rest)}: write %(name)s to insert another key, ` +
                `or %% for a literal percent sign.`,
            );
          }
          const name = rest.slice(2, close).toLowerCase();
          rest = rest.slice(close + 2);
          const target = this.#lookup(section, name);
          if (target === undefined) {
            fail(
              current,
              `%(${name})s refers to "${name}", which is not set in [${section}] or [DEFAULT]. ` +
                `Define "${name}" there, or write %% for a literal percent sign.`,
            );
          } else if (target.raw.includes("%") && target.line !== 0) {
            expand(target, target.raw, depth + 1);
          } else {
            out.push(target.raw);
          }
        } else {
          fail(
            current,
            `"%" must be followed by "%" or "(", found ${quote(rest)}. ` +
              `Write %% for a literal percent sign or %(name)s to insert another key.`,
          );
        }
      }
    };
    expand(option, option.raw, 1);
    return out.join("");
  }
}

/**
 * Parses INI text the way Python's `configparser.ConfigParser()` reads a file:
 * `[section]` headers, `key = value` or `key: value` (the first `=` or `:`
 * delimits), lower-cased keys, stripped values, indented continuation lines
 * (blank lines kept inside a value, trailing ones dropped), whole-line `#` and
 * `;` comments (a `#` after a value is part of it), `[DEFAULT]` inherited by
 * every section and `%(name)s` / `%%` interpolation when values are read.
 *
 * Throws {@linkcode IniError} naming the file, line and key for a duplicate
 * section or option, text before the first section header, or a line that is
 * neither a header, an option, a continuation nor a comment.
 *
 * @example Parsing a PasteDeploy file
 * ```ts
 * import { parseIni } from "@aio/pyramid/settings";
 * const text = [
 *   "[app:main]",
 *   "use = ./app.ts#main",
 *   "templates = %(here)s/templates",
 *   "aio.includes =",
 *   "    ./auth.ts",
 *   "    ./views.ts",
 * ].join("\n");
 * const ini = parseIni(text, { filename: "/srv/site/development.ini", defaults: { here: "/srv/site" } });
 * console.assert(ini.get("app:main", "templates") === "/srv/site/templates");
 * console.assert(ini.get("app:main", "aio.includes") === "\n./auth.ts\n./views.ts");
 * ```
 */
export function parseIni(text: string, options: ParseIniOptions = {}): IniDocument {
  const file = options.filename ?? "<string>";
  const defaults = new Map<string, IniOption>();
  for (const [key, raw] of Object.entries(options.defaults ?? {})) {
    defaults.set(key.toLowerCase(), { key: key.toLowerCase(), raw: String(raw), line: 0 });
  }
  const sections = new Map<string, Section>();
  // Values are collected as lists of lines and joined at the end, as configparser does.
  const pending = new Map<IniOption, string[]>();
  const seen = new Set<string>();
  const badLines: number[] = [];
  let current: Map<string, IniOption> | undefined;
  let sectionName: string | undefined;
  let optionName: string | undefined;
  let indentLevel = 0;

  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    const value = strip(line);
    if (value.startsWith("#") || value.startsWith(";")) return;
    if (value === "") {
      const option = optionName ? current?.get(optionName) : undefined;
      if (option) pending.get(option)!.push("");
      return;
    }
    const indent = leadingSpace(line);
    if (current !== undefined && optionName && indent > indentLevel) {
      pending.get(current.get(optionName)!)!.push(value);
      return;
    }
    indentLevel = indent;
    const header = /^\[([^\n]+)\]/.exec(value);
    if (header) {
      sectionName = header[1];
      if (sections.has(sectionName)) {
        throw new IniError(
          { file, line: lineNumber, section: sectionName },
          `section [${sectionName}] is already defined on line ${
            sections.get(sectionName)!.line
          }. ` +
            `Merge the two sections or rename one.`,
        );
      }
      if (sectionName === DEFAULT_SECTION) {
        current = defaults;
      } else {
        current = new Map();
        sections.set(sectionName, { name: sectionName, line: lineNumber, options: current });
      }
      optionName = undefined;
      return;
    }
    if (current === undefined || sectionName === undefined) {
      throw new IniError(
        { file, line: lineNumber },
        `${quote(line.trim())} comes before any [section] header. ` +
          `Start the file with a header such as [app:main].`,
      );
    }
    const delimiter = value.search(/[=:]/);
    if (delimiter <= 0) {
      badLines.push(lineNumber);
      if (delimiter < 0) return;
    }
    const key = rstrip(value.slice(0, delimiter)).toLowerCase();
    const raw = strip(value.slice(delimiter + 1));
    const id = `${sectionName}\u0000${key}`;
    if (seen.has(id)) {
      throw new IniError(
        { file, line: lineNumber, section: sectionName, key },
        `option "${key}" is already set on line ${current.get(key)?.line} of this section. ` +
          `Keep one of them (keys are case-insensitive).`,
      );
    }
    seen.add(id);
    optionName = key;
    const option: IniOption = { key, raw, line: lineNumber };
    current.set(key, option);
    pending.set(option, [raw]);
  });

  if (badLines.length > 0) {
    const line = badLines[0];
    const others = badLines.length > 1 ? ` (also on line ${badLines.slice(1).join(", ")})` : "";
    throw new IniError(
      { file, line },
      `cannot read ${
        quote(strip(lines[line - 1]))
      }${others}: expected "key = value", "key: value", ` +
        `a [section] header, a # comment, or an indented line continuing the previous value. ` +
        `Add "= value" after the key, or indent the line to continue the value above.`,
    );
  }

  const join = (options: Map<string, IniOption>) => {
    for (const [key, option] of options) {
      const parts = pending.get(option);
      if (parts && parts.length > 1) options.set(key, { ...option, raw: rstrip(parts.join("\n")) });
    }
  };
  join(defaults);
  for (const section of sections.values()) join(section.options);
  return new IniDocument(file, defaults, sections);
}
