/**
 * What touching Deno's lazily installed Web globals costs: `globalThis.Response` and
 * `ReadableStream` are accessors, so `x instanceof Response` and `new Response()` written
 * against the global call a getter each time; `src/_web.ts` binds the classes once. Prints ns
 * per operation, global against bound, medians of 7 rounds.
 *
 * Usage: `deno run bench/http/web_globals.ts`
 *
 * @module
 */

import { median } from "../_stats.ts";

const BoundResponse = globalThis.Response;
const BoundReadableStream = globalThis.ReadableStream;
const value: unknown = { message: "hello" };

const cases: [string, () => unknown][] = [
  ["x instanceof Response (global)", () => value instanceof Response],
  ["x instanceof Response (bound)", () => value instanceof BoundResponse],
  ["x instanceof ReadableStream (global)", () => value instanceof ReadableStream],
  ["x instanceof ReadableStream (bound)", () => value instanceof BoundReadableStream],
  ["new Response(text) (global)", () => new Response("hi")],
  ["new Response(text) (bound)", () => new BoundResponse("hi")],
];

function nsPerCall(fn: () => unknown, calls: number): number {
  let kept = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i++) if (fn()) kept++;
  const ns = (performance.now() - start) * 1e6 / calls;
  if (kept < 0) console.log(kept); // keeps the loop from being optimised away
  return ns;
}

for (const [, fn] of cases) nsPerCall(fn, 200_000); // warm up every case first
const times = new Map<string, number[]>(cases.map(([label]) => [label, []]));
for (let round = 0; round < 7; round++) {
  for (const [label, fn] of cases) times.get(label)!.push(nsPerCall(fn, 1_000_000));
}
for (const [label] of cases) {
  console.log(`${median(times.get(label)!).toFixed(1).padStart(7)} ns  ${label}`);
}
