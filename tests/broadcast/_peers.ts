// Drives fixture Workers from a test: send a command, await a matching event.

export interface PeerEvent {
  event: string;
  [key: string]: unknown;
}

export class Peer {
  readonly worker: Worker;
  #events: PeerEvent[] = [];
  #waiters: { match: (e: PeerEvent) => boolean; resolve: (e: PeerEvent) => void }[] = [];

  constructor(name: string) {
    this.worker = new Worker(new URL("./fixtures/peer_worker.ts", import.meta.url), {
      type: "module",
      name,
    });
    this.worker.onmessage = ({ data }: MessageEvent<PeerEvent>) => {
      const index = this.#waiters.findIndex((waiter) => waiter.match(data));
      if (index >= 0) this.#waiters.splice(index, 1)[0].resolve(data);
      else this.#events.push(data);
    };
  }

  send(command: Record<string, unknown>): void {
    this.worker.postMessage(command);
  }

  next(event: string, where: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<PeerEvent> {
    const match = (e: PeerEvent) =>
      e.event === event && Object.entries(where).every(([key, value]) => e[key] === value);
    const index = this.#events.findIndex(match);
    if (index >= 0) return Promise.resolve(this.#events.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`peer ${this.worker} sent no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (e: PeerEvent) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.#waiters.push({ match, resolve: done });
    });
  }

  async request(command: Record<string, unknown>, event: string, where = {}): Promise<PeerEvent> {
    const reply = this.next(event, where);
    this.send(command);
    return await reply;
  }

  terminate(): void {
    this.worker.terminate();
  }
}

export async function startPeers(namespace: string, ...names: string[]): Promise<Peer[]> {
  const peers = names.map((name) => new Peer(name));
  await Promise.all(peers.map((peer) => peer.request({ cmd: "init", namespace }, "ready")));
  return peers;
}
