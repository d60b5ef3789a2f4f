/**
 * Broadcast and signals: what cogen offered as `PublishSubscribeQueue` and
 * `WaitForSignal`, for every isolate of a process and, through Redis, every machine.
 *
 * - `publish(channel, data)` / `subscribe(channel)`: fan-out messaging; leaving the
 *   `for await` loop unsubscribes. Each subscriber has a bounded buffer, so a slow
 *   one never blocks publishers (see `OverflowPolicy`).
 * - `waitForSignal(name, { timeoutMs })` / `signal(name, value)`: wake every waiter.
 * - The module functions use the current broker: a `LocalBroker`
 *   (`BroadcastChannel`, every isolate of this process) unless `useBroker()`
 *   installed another, e.g. `createBroker({ url: settings["aio.broker.url"] })`
 *   for a `RedisBroker`.
 *
 * @example A tiny chat room
 * ```ts
 * import { publish, subscribe } from "@aio/pyramid";
 * const lobby = subscribe<{ from: string; text: string }>("room:lobby");
 * await publish("room:lobby", { from: "ann", text: "hello" });
 * for await (const message of lobby) {
 *   console.assert(message.text === "hello");
 *   break; // unsubscribes
 * }
 * ```
 *
 * @module
 */

export { type Broker, BrokerClosed, getBroker, publish, subscribe, useBroker } from "./broker.ts";
export {
  BROKER_URL_SETTING,
  brokerFromSettings,
  createBroker,
  type CreateBrokerOptions,
} from "./create.ts";
export { LocalBroker, type LocalBrokerOptions } from "./local.ts";
export { RedisBroker, type RedisBrokerOptions } from "./redis.ts";
export {
  signal,
  SIGNAL_CHANNEL_PREFIX,
  type SignalOptions,
  SignalTimeout,
  waitForSignal,
  type WaitForSignalOptions,
} from "./signals.ts";
export {
  DEFAULT_BUFFER_SIZE,
  type OverflowPolicy,
  type SubscribeOptions,
  Subscription,
  SubscriptionOverflow,
} from "./subscription.ts";
