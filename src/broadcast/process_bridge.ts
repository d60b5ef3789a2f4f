// The local broker across server processes. `LocalBroker` rides on BroadcastChannel, which
// reaches every isolate of one process and no further. Under `server_model = processes`
// each server process runs one bridge: it listens on the namespace's BroadcastChannel,
// hands every batch published in its process to the supervisor (which passes it to the
// other processes), and posts the batches other processes published on the same channel,
// where this process's brokers receive them as if published next door. A BroadcastChannel
// never hears its own posts, so nothing comes back round. serve/ runs it in each process.
import { localChannelName } from "./_checks.ts";

/**
 * Connects one process's local brokers (of the given namespaces) to the other processes.
 *
 * @example One process's end of the bridge
 * ```ts
 * import { ProcessBridge } from "./process_bridge.ts";
 * const toSupervisor: [string, unknown][] = [];
 * const bridge = new ProcessBridge(["app"], (namespace, batch) => toSupervisor.push([namespace, batch]));
 * bridge.deliver("app", { published: "elsewhere" });
 * bridge.close();
 * ```
 */
export class ProcessBridge {
  #channels = new Map<string, BroadcastChannel>();

  /** Starts listening; `forward` receives every batch published in this process. */
  constructor(namespaces: string[], forward: (namespace: string, batch: unknown) => void) {
    for (const namespace of new Set(namespaces)) {
      const channel = new BroadcastChannel(localChannelName(namespace));
      channel.onmessage = (event) => forward(namespace, event.data);
      this.#channels.set(namespace, channel);
    }
  }

  /** Posts a batch another process published to this process's brokers. */
  deliver(namespace: string, batch: unknown): void {
    this.#channels.get(namespace)?.postMessage(batch);
  }

  /** Stops listening. */
  close(): void {
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
  }
}
