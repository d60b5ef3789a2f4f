// Signal handling shared by the serve command, the supervisor and each server process.
//
// `deno task serve` forwards a terminal or process-group signal to the group it started,
// so one SIGTERM from `timeout`, `docker stop` or a supervisor reaches the server twice,
// microseconds apart. The same signal again within a second is that same shutdown; only
// a signal after the second forces an exit, as a person pressing Ctrl-C twice means it.

/** How long a repeated stop signal counts as the same one. */
export const REPEAT_WINDOW_MS = 1000;

/** What to do on each signal. */
export interface SignalHandlers {
  /** The first SIGINT/SIGTERM (once). */
  stop(signal: Deno.Signal): void;
  /** A stop signal more than a second after the first: default, exit 1 at once. */
  force?(signal: Deno.Signal): void;
  /** SIGHUP; without it SIGHUP is ignored (rather than ending the process). */
  reload?(): void;
}

/** Listens for stop and reload signals until `dispose()`. */
export function watchSignals(handlers: SignalHandlers): { dispose(): void } {
  const windows = Deno.build.os === "windows";
  const stops: Deno.Signal[] = windows ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
  let firstAt: number | undefined;
  const listeners: [Deno.Signal, () => void][] = stops.map((signal) => [signal, () => {
    const now = performance.now();
    if (firstAt === undefined) {
      firstAt = now;
      handlers.stop(signal);
    } else if (now - firstAt > REPEAT_WINDOW_MS) {
      if (handlers.force) handlers.force(signal);
      else {
        console.error(`Received ${signal} again: exiting without waiting.`);
        Deno.exit(1);
      }
    }
  }]);
  if (!windows) {
    listeners.push(["SIGHUP", () => handlers.reload?.()]);
  }
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  return {
    dispose() {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    },
  };
}
