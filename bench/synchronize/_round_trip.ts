// Loaded by the executor's worker: times `synchronize` round trips from inside the worker.
import { synchronize } from "../../src/executor/mod.ts";

export const trivial = synchronize(async function trivial(n: number): Promise<number> {
  return await Promise.resolve(n + 1);
});

/** Runs `warmup` untimed calls, then `count` timed ones; returns each round trip in µs. */
export function measure(warmup: number, count: number): number[] {
  for (let i = 0; i < warmup; i++) trivial(i);
  const samples = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    trivial(i);
    samples[i] = (performance.now() - start) * 1000;
  }
  return samples;
}
