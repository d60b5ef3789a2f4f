// Turning "Address already in use (os error 98)" into a start-up error like every other one:
// the port, the ini file and line that asked for it, and what to do.
import { IniError } from "../settings/ini.ts";
import type { AppConfig } from "../settings/load.ts";

/** The error for a port another process holds, at the `port` line of the ini file. */
export function portInUse(config: AppConfig, cause?: unknown): IniError {
  const { host, port } = config.server;
  return new IniError(
    {
      file: config.file,
      line: config.document.option("server:main", "port")?.line,
      section: "server:main",
      key: "port",
    },
    `port ${port} on ${host} is already in use by another process. Stop that process ` +
      `(\`ss -ltnp 'sport = :${port}'\` shows which one), or choose another port in ` +
      `[server:main] (port = 0 picks a free one).`,
    { cause },
  );
}

/** Converts a bind failure into {@linkcode portInUse}; other errors are returned unchanged. */
export function explainBindError(config: AppConfig, error: unknown): unknown {
  return error instanceof Deno.errors.AddrInUse ? portInUse(config, error) : error;
}

/**
 * Checks that the configured port is free by binding it without `reusePort` for a moment,
 * and returns the port to share (the one the system picked, for `port = 0`). Server
 * processes and isolates bind with `reusePort`, which would silently share a port that
 * another server bound the same way; this check refuses that too.
 */
export function claimPort(config: AppConfig): number {
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: config.server.host, port: config.server.port });
  } catch (error) {
    throw explainBindError(config, error);
  }
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
