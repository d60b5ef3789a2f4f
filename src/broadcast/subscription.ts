/**
 * One subscriber's view of a channel: a bounded buffer read as an async iterator.
 *
 * @module
 */

/**
 * What a subscription does when a message arrives and its buffer is already full
 * (the consumer is slower than the publishers):
 *
 * - `"drop-oldest"` (default): the oldest buffered message is discarded, so a chat
 *   client that falls behind skips ahead and stays current.
 * - `"drop-newest"`: the arriving message is discarded, keeping the backlog intact.
 * - `"error"`: the subscription stops listening at once; the consumer still reads the
 *   buffered messages, then the iterator throws {@linkcode SubscriptionOverflow} so the
 *   app can resynchronise (reload state, reconnect the client).
 *
 * Publishing never waits for a subscriber, whatever the policy.
 */
export type OverflowPolicy = "drop-oldest" | "drop-newest" | "error";

/** Options for `subscribe()`. */
export interface SubscribeOptions {
  /** Messages buffered for this subscriber before `overflow` applies. Default 1024. */
  bufferSize?: number;
  /** What to do when the buffer is full. Default `"drop-oldest"`. */
  overflow?: OverflowPolicy;
  /** Ends the iteration (as `return()` does) when aborted. */
  signal?: AbortSignal;
}

/** The default per-subscriber buffer, in messages. */
export const DEFAULT_BUFFER_SIZE = 1024;

/**
 * Thrown from a subscription's iterator after its buffer overflowed under the
 * `"error"` overflow policy.
 *
 * @example Resynchronising after an overflow
 * ```ts
 * import { LocalBroker, SubscriptionOverflow } from "@aio/pyramid";
 * const broker = new LocalBroker({ namespace: "example-overflow" });
 * const messages = broker.subscribe("room", { bufferSize: 1, overflow: "error" });
 * await broker.publish("room", 1);
 * await broker.publish("room", 2);
 * try {
 *   // The buffered 1 arrives first; the overflow is thrown on the next read.
 *   for await (const _message of messages) continue;
 * } catch (error) {
 *   console.assert(error instanceof SubscriptionOverflow);
 * }
 * await broker.close();
 * ```
 */
export class SubscriptionOverflow extends Error {
  /** The channel whose subscriber fell behind. */
  readonly channel: string;
  /** Creates the error for `channel` with a buffer of `bufferSize` messages. */
  constructor(channel: string, bufferSize: number) {
    super(
      `The subscriber to channel "${channel}" fell more than ${bufferSize} messages behind ` +
        `and was unsubscribed (overflow policy "error"). Read faster, raise bufferSize, ` +
        `or choose overflow "drop-oldest" / "drop-newest".`,
    );
    this.name = "SubscriptionOverflow";
    this.channel = channel;
  }
}

/**
 * A live subscription to one channel, returned by `subscribe()`. Iterate it with
 * `for await`; leaving the loop (`break`, `return`, a thrown error) or calling
 * `return()` / `close()` unsubscribes and frees its buffer and, when it was the
 * channel's last subscriber, the broker's listener for the channel.
 *
 * @example Reading a channel until a sentinel arrives
 * ```ts
 * import { LocalBroker } from "@aio/pyramid";
 * const broker = new LocalBroker({ namespace: "example-subscription" });
 * const room = broker.subscribe<string>("room");
 * await room.ready;
 * await broker.publish("room", "hello");
 * await broker.publish("room", "bye");
 * const seen: string[] = [];
 * for await (const message of room) {
 *   seen.push(message);
 *   if (message === "bye") break; // unsubscribes
 * }
 * console.assert(seen.join() === "hello,bye");
 * await broker.close();
 * ```
 */
export class Subscription<T = unknown> implements AsyncIterableIterator<T> {
  /** The channel this subscription listens to. */
  readonly channel: string;
  /** Resolves once messages published from now on are guaranteed to arrive. */
  readonly ready: Promise<void>;
  #buffer: T[] = [];
  #head = 0;
  #size: number;
  #policy: OverflowPolicy;
  #dropped = 0;
  #closed = false;
  #failure: Error | undefined;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #failWaiter: ((error: Error) => void) | undefined;
  #detach: (() => void) | undefined;
  #signal: AbortSignal | undefined;
  #onAbort = () => void this.return();

  /**
   * Made by brokers. `detach` removes this subscription from its broker; `ready`
   * is the broker's promise that the channel is being listened to.
   */
  constructor(
    channel: string,
    detach: () => void,
    options: SubscribeOptions & { ready?: Promise<void> } = {},
  ) {
    const {
      bufferSize = DEFAULT_BUFFER_SIZE,
      overflow = "drop-oldest",
      signal,
    } = options;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(
        `subscribe("${channel}"): bufferSize must be a positive integer, got ${bufferSize}.`,
      );
    }
    if (!["drop-oldest", "drop-newest", "error"].includes(overflow)) {
      throw new RangeError(
        `subscribe("${channel}"): overflow must be "drop-oldest", "drop-newest" or "error", ` +
          `got ${JSON.stringify(overflow)}.`,
      );
    }
    this.channel = channel;
    this.#size = bufferSize;
    this.#policy = overflow;
    this.#detach = detach;
    // A failed SUBSCRIBE also surfaces through next(); keep `ready` from being an
    // unhandled rejection when nobody awaits it.
    this.ready = options.ready ?? Promise.resolve();
    this.ready.catch((error) => this.fail(error));
    if (signal) {
      if (signal.aborted) {
        this.#finish();
      } else {
        this.#signal = signal;
        signal.addEventListener("abort", this.#onAbort, { once: true });
      }
    }
  }

  /** Messages discarded so far because this subscriber's buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Messages waiting in the buffer. */
  get pending(): number {
    return this.#buffer.length - this.#head;
  }

  /** Whether the subscription has ended (closed, aborted, or failed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Called by the broker for each message on the channel; never blocks. */
  push(message: T): void {
    if (this.#closed) return;
    if (this.#waiter) {
      const resolve = this.#waiter;
      this.#waiter = this.#failWaiter = undefined;
      resolve({ value: message, done: false });
      return;
    }
    if (this.pending >= this.#size) {
      if (this.#policy === "drop-newest") {
        this.#dropped++;
        return;
      }
      if (this.#policy === "error") {
        this.#dropped++;
        this.#failure = new SubscriptionOverflow(this.channel, this.#size);
        this.#unlisten();
        return;
      }
      this.#head++;
      this.#dropped++;
    }
    this.#buffer.push(message);
    if (this.#head > 64 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Called by the broker when the channel can no longer be listened to. */
  fail(error: unknown): void {
    if (this.#closed || this.#failure) return;
    this.#failure = error instanceof Error ? error : new Error(String(error));
    this.#unlisten();
    if (this.#failWaiter) {
      const reject = this.#failWaiter;
      this.#waiter = this.#failWaiter = undefined;
      this.#finish();
      reject(this.#failure);
    }
  }

  /** The next message; waits while the buffer is empty. */
  next(): Promise<IteratorResult<T>> {
    if (this.pending > 0) {
      const value = this.#buffer[this.#head];
      this.#buffer[this.#head++] = undefined as T;
      if (this.#head === this.#buffer.length) {
        this.#buffer = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#failure && !this.#closed) {
      this.#finish();
      return Promise.reject(this.#failure);
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) {
      return Promise.reject(
        new TypeError(
          `Subscription to "${this.channel}" is already being read; read it from one loop only.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#failWaiter = reject;
    });
  }

  /** Unsubscribes and frees the buffer; a pending `next()` resolves as done. */
  return(): Promise<IteratorResult<T>> {
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Same as `return()`, for code that does not think in iterators. */
  async close(): Promise<void> {
    await this.return();
  }

  /** Lets `await using sub = subscribe(...)` unsubscribe at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** The subscription is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  #unlisten(): void {
    const detach = this.#detach;
    this.#detach = undefined;
    if (this.#signal) {
      this.#signal.removeEventListener("abort", this.#onAbort);
      this.#signal = undefined;
    }
    detach?.();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    this.#buffer = [];
    this.#head = 0;
    if (this.#waiter) {
      const resolve = this.#waiter;
      this.#waiter = this.#failWaiter = undefined;
      resolve({ value: undefined, done: true });
    }
  }
}
