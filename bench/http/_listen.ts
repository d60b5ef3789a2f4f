// Shared start-up for the benchmark servers: port from argv, 127.0.0.1, a READY line the
// harness waits for, and a clean exit on SIGTERM.

/** The port the harness asked for (first argument). */
export function portArg(): number {
  const port = Number(Deno.args[0]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`usage: deno run -A ${Deno.mainModule} PORT (got '${Deno.args[0] ?? ""}')`);
    Deno.exit(2);
  }
  return port;
}

/** Serves `handler` on 127.0.0.1:PORT and prints `READY <port>` once listening. */
export function listen(
  handler: (request: Request) => Response | Promise<Response>,
  onClose?: () => Promise<void>,
): void {
  const port = portArg();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ port }) => console.log(`READY ${port}`),
  }, handler);
  Deno.addSignalListener("SIGTERM", async function stop() {
    await server.shutdown();
    await onClose?.();
    Deno.exit(0);
  });
}
