// Shared helpers for the security tests: requests with cookies and a peer address, and
// running Debian's Pyramid as the reference implementation.

import { PyramidRequest } from "../../src/request/request.ts";
import { Registry } from "../../src/config/registry.ts";
import { readSettings } from "../../src/config/settings.ts";

export const PYTHON = "/usr/bin/python3";

/** Why Pyramid cannot be the oracle here (after trying to install it), or null when it can. */
export function pyramidMissing(): string | null {
  const probe = () => {
    try {
      return new Deno.Command(PYTHON, { args: ["-c", "import pyramid.authentication, webob"] })
        .outputSync().success;
    } catch {
      return false;
    }
  };
  if (probe()) return null;
  if (Deno.uid() === 0) {
    for (const args of [["update", "-q"], ["install", "-y", "-q", "python3-pyramid"]]) {
      try {
        new Deno.Command("apt-get", {
          args,
          env: { DEBIAN_FRONTEND: "noninteractive" },
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).outputSync();
      } catch { /* reported below */ }
    }
    if (probe()) return null;
  }
  return `python3-pyramid is not importable by ${PYTHON} and could not be installed with apt-get`;
}

/** Runs Pyramid's helper on a batch of cases (one process per call). */
export async function pyramid<T = Record<string, unknown>>(cases: unknown[]): Promise<T[]> {
  const script = new URL("./fixtures/pyramid_authtkt.py", import.meta.url).pathname;
  const child = new Deno.Command(PYTHON, {
    args: [script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(cases)));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`pyramid_authtkt.py failed:\n${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

let registry: Registry | undefined;

/** A request with optional Cookie header, peer address, URL and other headers. */
export function makeRequest(
  options: { cookie?: string; ip?: string; url?: string; headers?: Record<string, string> } = {},
): PyramidRequest {
  const headers = new Headers(options.headers);
  if (options.cookie !== undefined) headers.set("cookie", options.cookie);
  registry ??= new Registry(readSettings({}).settings, readSettings({}).aio);
  return new PyramidRequest(
    new Request(options.url ?? "http://example.com/", { headers }),
    registry,
    options.ip ? { remoteAddr: { hostname: options.ip, port: 40000 } } : undefined,
  );
}

/** The `name=value` part of a Set-Cookie header (values never hold `;`). */
export function cookiePair(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf(";") < 0 ? undefined : setCookie.indexOf(";"));
}
