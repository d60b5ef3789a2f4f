// Argument checks shared by the brokers and the signal functions.

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
