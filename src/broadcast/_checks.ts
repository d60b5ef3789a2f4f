// Argument checks shared by the brokers and the signal functions, and the local broker's
// channel name (shared with the cross-process bridge).

/** Rejects channel (or signal) names that cannot be right, saying how to fix them. */
export function checkChannel(channel: unknown, where: string): void {
  if (typeof channel !== "string" || channel.length === 0) {
    throw new TypeError(
      `${where}(): the name must be a non-empty string, got ${
        typeof channel === "string" ? '""' : typeof channel
      }. Name it, e.g. "room:lobby".`,
    );
  }
}

/** The `BroadcastChannel` a LocalBroker namespace travels on. */
export function localChannelName(namespace: string): string {
  return `aio.broadcast:${namespace}`;
}
