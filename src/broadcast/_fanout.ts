// Channel bookkeeping shared by the brokers: which subscriptions listen to which channel,
// and when a channel gains its first or loses its last local subscriber (the moments a
// broker starts or stops listening to its transport).

import { type SubscribeOptions, Subscription } from "./subscription.ts";

export interface FanoutHooks {
  /** The first local subscriber arrived; returns when the channel is listened to. */
  listen(channel: string): Promise<void>;
  /** The last local subscriber left. */
  unlisten(channel: string): void;
}

export class Fanout {
  #channels = new Map<
    string,
    { subscribers: Set<Subscription<unknown>>; ready: Promise<void> }
  >();
  #hooks: FanoutHooks;

  constructor(hooks: FanoutHooks) {
    this.#hooks = hooks;
  }

  get channelCount(): number {
    return this.#channels.size;
  }

  get subscriberCount(): number {
    let count = 0;
    for (const entry of this.#channels.values()) {
      count += entry.subscribers.size;
    }
    return count;
  }

  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  add<T>(channel: string, options: SubscribeOptions = {}): Subscription<T> {
    let entry = this.#channels.get(channel);
    const created = !entry;
    if (!entry) {
      entry = { subscribers: new Set(), ready: Promise.resolve() };
      this.#channels.set(channel, entry);
    }
    const current = entry;
    let subscription: Subscription<T>;
    try {
      if (created) current.ready = this.#hooks.listen(channel);
      subscription = new Subscription<T>(
        channel,
        () => this.#remove(channel, subscription as Subscription<unknown>),
        { ...options, ready: current.ready },
      );
    } catch (error) {
      if (current.subscribers.size === 0) this.#drop(channel);
      throw error;
    }
    if (!subscription.closed) {
      current.subscribers.add(subscription as Subscription<unknown>);
    } else if (current.subscribers.size === 0) this.#drop(channel);
    return subscription;
  }

  deliver(channel: string, message: unknown): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    // Copy: a subscriber may unsubscribe (and so mutate the set) while being fed.
    for (const subscription of [...entry.subscribers]) {
      subscription.push(message);
    }
  }

  /** Ends every subscription (iterators finish as done), e.g. when the broker closes. */
  closeAll(): void {
    for (const entry of [...this.#channels.values()]) {
      for (const subscription of [...entry.subscribers]) {
        void subscription.return();
      }
    }
  }

  /** Fails every subscription, e.g. when the transport is gone for good. */
  failAll(error: unknown): void {
    for (const entry of [...this.#channels.values()]) {
      for (const subscription of [...entry.subscribers]) {
        subscription.fail(error);
      }
    }
  }

  #remove(channel: string, subscription: Subscription<unknown>): void {
    const entry = this.#channels.get(channel);
    if (!entry || !entry.subscribers.delete(subscription)) return;
    if (entry.subscribers.size === 0) this.#drop(channel);
  }

  #drop(channel: string): void {
    if (!this.#channels.delete(channel)) return;
    this.#hooks.unlisten(channel);
  }
}
