// Error logging for the router: one line naming the request, then the stack.
import type { PyramidRequest } from "./request/request.ts";

export function logError(what: string, error: unknown, request?: PyramidRequest): void {
  const where = request ? ` while handling ${request.method} ${request.pathname}` : "";
  const detail = error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : String(error);
  console.error(`[aio.pyramid] ${what}${where}:\n${detail}`);
}
