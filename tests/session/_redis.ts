// A throwaway redis-server on a chosen (or free) 127.0.0.1 port, which tests can stop and
// start again on the same port to see the session store come back.
export { ensureRedisServer } from "../broadcast/_redis_server.ts";

export interface Redis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

export async function startRedis(port = freePort()): Promise<Redis> {
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const connection = await Deno.connect({ hostname: "127.0.0.1", port });
      connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not start on 127.0.0.1:${port}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }
  return { port, url: `redis://127.0.0.1:${port}/0`, stop };
}
