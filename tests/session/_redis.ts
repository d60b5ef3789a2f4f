// A throwaway redis-server on a chosen (or free) 127.0.0.1 port, which tests can stop (as a
// crash: SIGKILL) and start again on the same port to see the session store come back.
import { startRedisServer } from "../broadcast/_redis_server.ts";

export { ensureRedisServer, freePort } from "../broadcast/_redis_server.ts";

export interface Redis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startRedis(port?: number): Promise<Redis> {
  const server = await startRedisServer({ port, kill: "SIGKILL" });
  return { port: server.port, url: server.url(0), stop: server.stop };
}
