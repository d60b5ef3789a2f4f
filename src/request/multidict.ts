/**
 * A read-only multidict: several values per name, as in query strings and forms.
 *
 * @module
 */

/** A value from a query string or form: text, or an uploaded file. */
export type FormValue = string | File;

/**
 * Read-only multidict over name/value pairs, in order. `get` returns the last value
 * (as WebOb does), `getAll` every value.
 *
 * @example Reading query parameters
 * ```ts
 * import { MultiDict } from "@aio/pyramid";
 * const params = MultiDict.fromSearch("?tag=a&tag=b&page=2");
 * console.assert(params.get("page") === "2");
 * console.assert(params.getAll("tag").length === 2);
 * ```
 */
export class MultiDict<V = FormValue> implements Iterable<[string, V]> {
  #pairs: [string, V][];

  /** Creates a multidict from pairs, kept in order. */
  constructor(pairs: Iterable<[string, V]> = []) {
    this.#pairs = [...pairs];
  }

  /** Parses a query string (with or without the leading `?`). */
  static fromSearch(search: string): MultiDict<string> {
    if (search === "" || search === "?") return new MultiDict<string>();
    return new MultiDict<string>(new URLSearchParams(search));
  }

  /** Merges several multidicts, in order. */
  static merge<V>(...dicts: MultiDict<V>[]): MultiDict<V> {
    return new MultiDict<V>(dicts.flatMap((d) => [...d]));
  }

  /** The last value for `name`, or `fallback` (default `undefined`). */
  get(name: string): V | undefined;
  /** The last value for `name`, or `fallback`. */
  get<D>(name: string, fallback: D): V | D;
  get<D>(name: string, fallback?: D): V | D | undefined {
    for (let i = this.#pairs.length - 1; i >= 0; i--) {
      if (this.#pairs[i][0] === name) return this.#pairs[i][1];
    }
    return fallback;
  }

  /** Every value for `name`, in order. */
  getAll(name: string): V[] {
    return this.#pairs.filter(([k]) => k === name).map(([, v]) => v);
  }

  /** Whether `name` has at least one value. */
  has(name: string): boolean {
    return this.#pairs.some(([k]) => k === name);
  }

  /** Distinct names, in first-seen order. */
  keys(): string[] {
    return [...new Set(this.#pairs.map(([k]) => k))];
  }

  /** Number of pairs. */
  get size(): number {
    return this.#pairs.length;
  }

  /** Iterates the pairs in order. */
  [Symbol.iterator](): Iterator<[string, V]> {
    return this.#pairs[Symbol.iterator]();
  }

  /** A plain object holding the last value for each name. */
  toObject(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [k, v] of this.#pairs) out[k] = v;
    return out;
  }

  /** JSON form: the pairs. */
  toJSON(): [string, V][] {
    return [...this.#pairs];
  }
}
