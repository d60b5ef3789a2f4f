// A minimal request for unit tests of the stores: cookies in, response callbacks out.
import type { SessionRequest, SessionResponseCallback } from "../../src/session/mod.ts";

export class FakeRequest implements SessionRequest {
  cookies: Record<string, string>;
  exception: unknown = undefined;
  callbacks: SessionResponseCallback[] = [];

  constructor(cookies: Record<string, string> = {}) {
    this.cookies = cookies;
  }

  addResponseCallback(callback: SessionResponseCallback): void {
    this.callbacks.push(callback);
  }

  /** Runs the response callbacks on a fresh 200 response, as the router will. */
  async respond(): Promise<Response> {
    const response = new Response("ok");
    for (const callback of this.callbacks) await callback(this as never, response);
    return response;
  }
}

/** The `Set-Cookie` headers of a response for cookie `name`. */
export function setCookies(response: Response, name: string): string[] {
  return response.headers.getSetCookie().filter((c) => c.startsWith(name + "="));
}

/** The value the response sets for cookie `name` (undefined when it sets none). */
export function cookieValue(response: Response, name: string): string | undefined {
  const found = setCookies(response, name);
  if (found.length > 1) throw new Error(`${found.length} Set-Cookie headers for ${name}`);
  return found[0]?.split(";")[0].slice(name.length + 1);
}

/** Captures console.error while `fn` runs. */
export async function capturingErrors(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => seen.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return seen;
}
