/**
 * The session a view reads and writes through `request.session`: Pyramid's `ISession`
 * with JSON values, flash queues and a CSRF token. A store (signed cookie, encrypted
 * cookie, Redis) loads it and saves it once, after the view, only when it changed.
 *
 * @module
 */

import { randomHex } from "./_codec.ts";

/** A value a session can hold: anything JSON can carry. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options of {@linkcode Session.flash}. */
export interface FlashOptions {
  /** The queue (default `""`); queues are independent lists. */
  queue?: string;
  /** Whether a message already in the queue is added again (default true, as in Pyramid). */
  allowDuplicate?: boolean;
}

/** What a store hands to a new {@linkcode Session}. */
export interface SessionInit {
  /** The stored values (a fresh session: `{}`). */
  data?: Record<string, JsonValue>;
  /** When the session was created, in seconds since the epoch (Pyramid's float). */
  created?: number;
  /** When the session was last written, in seconds since the epoch. */
  renewed?: number;
  /** Whether no session came with the request. */
  isNew?: boolean;
  /**
   * Seconds after `renewed` from which merely reading the session re-saves it (Pyramid's
   * `reissue_time`); `null`: never. Default 0.
   */
  reissueTime?: number | null;
  /** Called once, on the first change: the store schedules the save. */
  onChanged?: (session: Session) => void;
}

/**
 * What views use of a session, Pyramid's `ISession`: the same in async views (after
 * `await request.session`) and in blocking views (where `request.session` is one).
 */
export interface ISession {
  /** Whether this session did not come with the request (or was invalidated). */
  readonly new: boolean;
  /** When the session was created, in seconds since the epoch. */
  readonly created: number;
  /** How many keys are set. */
  readonly size: number;
  /** The value under `key`, or `fallback`. */
  get<T extends JsonValue = JsonValue>(key: string, fallback?: T): T | undefined;
  /** Stores a JSON value under `key`. */
  set(key: string, value: unknown): void;
  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean;
  /** Whether `key` is set. */
  has(key: string): boolean;
  /** The keys. */
  keys(): string[];
  /** The `[key, value]` pairs. */
  entries(): [string, JsonValue][];
  /** Schedules a save of the whole session. */
  changed(): void;
  /** Empties the session and makes it new. */
  invalidate(): void;
  /** Adds a flash message. */
  flash(message: unknown, options?: FlashOptions): void;
  /** The messages of a flash queue, leaving them. */
  peekFlash(queue?: string): JsonValue[];
  /** The messages of a flash queue, removing them. */
  popFlash(queue?: string): JsonValue[];
  /** Makes and stores a new CSRF token. */
  newCsrfToken(): string;
  /** The CSRF token, made on first use. */
  getCsrfToken(): string;
}

const FLASH_PREFIX = "_f_";
const CSRF_KEY = "_csrft_";

/** Seconds since the epoch, whole (as Pyramid's `int(time.time())`). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// Values are stored as their JSON round trip, so a blocking view (whose session crosses
// isolates as JSON) and an async view see exactly the same thing, and a value JSON cannot
// carry fails where it is set rather than when the response is already on its way.
function jsonCopy(key: string, value: unknown): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `The session value for '${key}' cannot be stored as JSON (${(error as Error).message}). ` +
        "Store plain data: strings, numbers, booleans, null, arrays and objects of them.",
    );
  }
  if (text === undefined) {
    throw new TypeError(
      `The session value for '${key}' is ${typeof value}, which JSON cannot carry. ` +
        "Use session.delete(key) to remove a value, or store null.",
    );
  }
  return JSON.parse(text);
}

/**
 * A session: a small JSON dictionary that lives across requests of one browser.
 *
 * Reading a value re-saves the session when `reissueTime` has passed since it was last
 * written; changing it (`set`, `delete`, `flash`, `popFlash`, `newCsrfToken`, `invalidate`)
 * schedules exactly one save, done after the view. Changing an object *inside* a value
 * (`session.get("cart").push(x)`) is not seen: set the value again or call `changed()`.
 *
 * @example Counting visits and flashing a message
 * ```ts
 * import { Session } from "@aio/pyramid";
 * const session = new Session();
 * session.set("visits", ((session.get("visits") as number | undefined) ?? 0) + 1);
 * session.flash("Welcome back");
 * console.assert(session.get("visits") === 1);
 * console.assert(session.popFlash()[0] === "Welcome back");
 * console.assert(session.isChanged);
 * ```
 */
export class Session implements ISession {
  #data: Map<string, JsonValue>;
  #created: number;
  #renewed: number;
  #accessed: number;
  #new: boolean;
  #reissueTime: number | null;
  #onChanged: ((session: Session) => void) | undefined;
  #changed = false;
  #rewrite = false;
  #invalidated = false;
  #touched = new Set<string>();

  /** Makes a session; stores pass what they loaded, tests may pass nothing. */
  constructor(init: SessionInit = {}) {
    const now = Date.now() / 1000;
    this.#data = new Map(Object.entries(init.data ?? {}));
    this.#created = init.created ?? now;
    this.#renewed = init.renewed ?? now;
    this.#accessed = this.#renewed;
    this.#new = init.isNew ?? true;
    this.#reissueTime = init.reissueTime === undefined ? 0 : init.reissueTime;
    this.#onChanged = init.onChanged;
  }

  /** Whether this session did not come with the request (or was invalidated). */
  get new(): boolean {
    return this.#new;
  }
  /** When the session was created, in seconds since the epoch. */
  get created(): number {
    return this.#created;
  }
  /** When the session was last written, in seconds since the epoch. */
  get renewed(): number {
    return this.#renewed;
  }
  /** When the session was last read or written in this request, in whole seconds. */
  get accessed(): number {
    return this.#accessed;
  }
  /** Whether a save is scheduled. */
  get isChanged(): boolean {
    return this.#changed;
  }
  /** Whether `invalidate()` was called in this request. */
  get invalidated(): boolean {
    return this.#invalidated;
  }
  /** Whether the whole session must be written (`changed()` or `invalidate()` was called). */
  get rewriteAll(): boolean {
    return this.#rewrite || this.#invalidated;
  }
  /** Keys set or deleted in this request (what a store that merges writes needs). */
  get touchedKeys(): ReadonlySet<string> {
    return this.#touched;
  }

  #read(): void {
    const now = nowSeconds();
    this.#accessed = now;
    if (this.#reissueTime !== null && now - this.#renewed > this.#reissueTime) this.#mark();
  }

  #write(key: string | undefined): void {
    this.#accessed = nowSeconds();
    if (key !== undefined) this.#touched.add(key);
    this.#mark();
  }

  #mark(): void {
    if (this.#changed) return;
    this.#changed = true;
    this.#onChanged?.(this);
  }

  /** The value under `key`, or `fallback` (default undefined). */
  get<T extends JsonValue = JsonValue>(key: string, fallback?: T): T | undefined {
    this.#read();
    return (this.#data.has(key) ? this.#data.get(key) : fallback) as T | undefined;
  }

  /** Stores a JSON value under `key`. Throws a `TypeError` for values JSON cannot carry. */
  set(key: string, value: unknown): void {
    const copy = jsonCopy(key, value);
    this.#write(key);
    this.#data.set(key, copy);
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    this.#write(key);
    return this.#data.delete(key);
  }

  /** Whether `key` is set. */
  has(key: string): boolean {
    this.#read();
    return this.#data.has(key);
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    this.#read();
    return [...this.#data.keys()];
  }

  /** The `[key, value]` pairs, in insertion order. */
  entries(): [string, JsonValue][] {
    this.#read();
    return [...this.#data.entries()];
  }

  /** How many keys are set. */
  get size(): number {
    this.#read();
    return this.#data.size;
  }

  /**
   * Schedules a save (once) of the whole session, e.g. after changing an object held in
   * it.
   */
  changed(): void {
    this.#rewrite = true;
    this.#mark();
  }

  /**
   * Empties the session and makes it new: the store drops the old one (a Redis store
   * removes its entry and issues a new id, so an id seen before login is useless after).
   */
  invalidate(): void {
    this.#data.clear();
    this.#touched.clear();
    this.#invalidated = true;
    this.#new = true;
    this.#created = Date.now() / 1000;
    this.#write(undefined);
  }

  /** Adds a message to a flash queue, shown (and removed) by the next `popFlash`. */
  flash(message: unknown, options: FlashOptions = {}): void {
    const key = FLASH_PREFIX + (options.queue ?? "");
    const stored = this.#data.get(key);
    const queue = Array.isArray(stored) ? [...stored] : [];
    const copy = jsonCopy(key, message);
    const text = JSON.stringify(copy);
    if (options.allowDuplicate === false && queue.some((m) => JSON.stringify(m) === text)) {
      // Pyramid marks the session changed even when the duplicate is not added.
      this.#write(undefined);
      return;
    }
    queue.push(copy);
    this.#write(key);
    this.#data.set(key, queue);
  }

  /** The messages of a flash queue, leaving them there. */
  peekFlash(queue = ""): JsonValue[] {
    this.#read();
    const stored = this.#data.get(FLASH_PREFIX + queue);
    return Array.isArray(stored) ? stored : [];
  }

  /** The messages of a flash queue, removing them. */
  popFlash(queue = ""): JsonValue[] {
    const key = FLASH_PREFIX + queue;
    const stored = this.#data.get(key);
    this.#write(key);
    this.#data.delete(key);
    return Array.isArray(stored) ? stored : [];
  }

  /** Makes, stores and returns a new CSRF token (40 hex digits, as Pyramid's). */
  newCsrfToken(): string {
    const token = randomHex(20);
    this.set(CSRF_KEY, token);
    return token;
  }

  /** The session's CSRF token, made on first use. */
  getCsrfToken(): string {
    const token = this.get(CSRF_KEY);
    return typeof token === "string" && token !== "" ? token : this.newCsrfToken();
  }

  /** The values as a plain object (what a store writes). */
  toJSON(): Record<string, JsonValue> {
    return Object.fromEntries(this.#data);
  }
}
