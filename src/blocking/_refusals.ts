// Quiet overload: the executor refusing a call (503, queue full) or giving up on one (504,
// timeout) is expected behaviour under load, not a bug. Each is one log line without a
// stack; under a flood, the first refusal of a second is logged and the rest become one
// summary line per second ("412 requests refused in the last second: executor queue full
// (2 workers, 8 waiting)"). Real errors (a worker dying, a view throwing) keep their stacks,
// logged elsewhere.

/** What was refused: a full queue, a closed executor, or a call over its time limit. */
export type RefusalKind = "queue full" | "closed" | "timeout";

const WINDOW_MS = 1000;

const SUMMARY: Record<RefusalKind, (count: number, detail: string) => string> = {
  "queue full": (n, detail) =>
    `${n} request${n === 1 ? "" : "s"} refused in the last second: executor queue full (${detail})`,
  closed: (n) =>
    `${n} request${n === 1 ? "" : "s"} refused in the last second: the executor is shutting down`,
  timeout: (n, detail) =>
    `${n} blocking view${n === 1 ? "" : "s"} timed out in the last second (${detail})`,
};

/** Rate-limits the executor's refusal lines for one app. */
export class RefusalLog {
  #log: (line: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending = new Map<RefusalKind, { count: number; detail: string }>();

  /** `log` receives each line; default `console.error`. */
  constructor(log: (line: string) => void = (line) => console.error(line)) {
    this.#log = log;
  }

  /**
   * Logs `line` at once when nothing was refused in the last second; otherwise counts it
   * (with `detail`, the latest state, for the summary).
   */
  record(kind: RefusalKind, { line, detail }: { line: string; detail: string }): void {
    if (this.#timer === undefined) {
      this.#log(`[aio.pyramid] ${line}`);
      this.#startWindow();
      return;
    }
    const pending = this.#pending.get(kind);
    if (pending) {
      pending.count++;
      pending.detail = detail;
    } else this.#pending.set(kind, { count: 1, detail });
  }

  /** Prints what is still counted and stops the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
  }

  #startWindow(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A flood goes on: keep summarizing once a second; a quiet second ends the window.
      if (this.#flush()) this.#startWindow();
    }, WINDOW_MS);
    // A pending summary must not keep a finished server alive.
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #flush(): boolean {
    if (this.#pending.size === 0) return false;
    const parts = [...this.#pending].map(([kind, { count, detail }]) =>
      SUMMARY[kind](count, detail)
    );
    this.#pending.clear();
    this.#log(`[aio.pyramid] ${parts.join("; ")}`);
    return true;
  }
}
