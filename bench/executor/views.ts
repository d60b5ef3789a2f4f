/**
 * The views of the executor benchmark server. The blocking ones are plain functions a
 * worker finds by importing this module; the CPU kernel is shared with the harness, which
 * calibrates it so one request costs about 50 ms of CPU.
 *
 * @module
 */

import type { PyramidRequest } from "@aio/pyramid";

/**
 * A fixed amount of CPU work: `n` rounds of xorshift. Fixed work, not "spin until a
 * deadline", so that two workers sharing one core take twice as long and the scaling
 * figure measures real parallelism.
 */
export function work(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/** A trivial blocking view: the dispatch-overhead probe. */
export function blockingTrivial(): { ok: boolean } {
  return { ok: true };
}

/** A CPU-bound blocking view: `?n=` rounds of {@linkcode work}. */
export function blockingCpu(request: PyramidRequest): { x: number } {
  return { x: work(Number(request.GET.get("n") ?? "0")) };
}

/** Does nothing: the floor of an `Executor.run()` round trip, without HTTP. */
export function noop(): number {
  return 1;
}
