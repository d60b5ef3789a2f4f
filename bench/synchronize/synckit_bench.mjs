// Node baseline: the same trivial call made synchronous with synckit. Prints median and p99 (µs).
import { createSyncFn } from "synckit";

const [warmup, count] = process.argv.slice(2).map(Number);
const trivial = createSyncFn(new URL("./synckit_worker.mjs", import.meta.url).pathname);
for (let i = 0; i < warmup; i++) trivial(i);
const samples = new Array(count);
for (let i = 0; i < count; i++) {
  const start = performance.now();
  trivial(i);
  samples[i] = (performance.now() - start) * 1000;
}
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
process.stdout.write(JSON.stringify({ median: at(0.5), p99: at(0.99) }), () => process.exit(0));
