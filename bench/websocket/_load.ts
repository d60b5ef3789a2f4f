// Closed-loop echo load: each client sends a message, waits for its echo, repeats.

/** Throughput and latency of one load run. */
export interface LoadResult {
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Opens `clients` sockets to `url`, warms up, then measures for `seconds`. */
export async function echoLoad(
  url: string,
  options: { clients: number; seconds: number; warmupSeconds: number; bytes: number },
): Promise<LoadResult> {
  const payload = "x".repeat(options.bytes);
  const sockets = await Promise.all(Array.from({ length: options.clients }, () => open(url)));
  const rtts: number[] = [];
  let measuring = false;
  let stop = false;
  let count = 0;
  const loops = sockets.map((socket) =>
    new Promise<void>((resolve) => {
      let sentAt = 0;
      socket.onmessage = () => {
        if (measuring) {
          rtts.push(performance.now() - sentAt);
          count++;
        }
        if (stop) return resolve();
        sentAt = performance.now();
        socket.send(payload);
      };
      sentAt = performance.now();
      socket.send(payload);
    })
  );
  await sleep(options.warmupSeconds * 1000);
  measuring = true;
  const started = performance.now();
  await sleep(options.seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  await Promise.all(sockets.map(close));
  const sorted = Float64Array.from(rtts).sort();
  return {
    messagesPerSecond: count / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`cannot open ${url}`));
  });
}

export function close(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.onclose = () => resolve();
    socket.close(1000);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Time to open a new connection and get one echo back, and the echo alone, in ms. */
export async function probe(url: string): Promise<{ connectAndEchoMs: number; echoMs: number }> {
  const started = performance.now();
  const socket = await open(url);
  const sent = performance.now();
  await new Promise<void>((resolve) => {
    socket.onmessage = () => resolve();
    socket.send("probe");
  });
  const done = performance.now();
  await close(socket);
  return { connectAndEchoMs: done - started, echoMs: done - sent };
}
