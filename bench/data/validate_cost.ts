/**
 * In-process cost of the validation step (`deno run -A bench/data/validate_cost.ts`): the
 * compiled validators alone (ajv's function, zod's `~standard.validate`) on a fresh copy of the
 * body, and, for scale, building a request and parsing its body (noisier: it allocates). Each figure is the median over 7 timed batches (after a warm-up) of
 * the mean time per call in a batch; prints JSON for `bench/data/mod.ts`.
 *
 * @module
 */

import { TASK_BODY, taskSchema, taskZod } from "./_schemas.ts";
import { DummyRequest } from "@aio/pyramid/testing";
import { compileRequestSchema, prepareJsonSchemas } from "@aio/pyramid";
import { median } from "../_stats.ts";

const registry = new DummyRequest().registry;
const compiler = await prepareJsonSchemas(registry);
const ajvCheck = compiler.body(taskSchema);
const withAjv = compileRequestSchema({ body: taskSchema }, { compiler });
const withZod = compileRequestSchema({ body: taskZod });
const fresh = () => ({ ...TASK_BODY, tags: [...TASK_BODY.tags] });
const request = () => new DummyRequest({ method: "POST", json: TASK_BODY, registry });

async function cost(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < n / 5; i++) await fn();
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) await fn();
    batches.push((performance.now() - start) * 1000 / n);
  }
  return median(batches);
}

const results = {
  "ajv compiled function": await cost(50_000, () => {
    if (!ajvCheck(fresh())) throw new Error("invalid");
  }),
  "zod ~standard.validate": await cost(50_000, () => {
    const result = taskZod["~standard"].validate(fresh());
    if ("issues" in result && result.issues) throw new Error("invalid");
  }),
  // For scale: what the validation adds to, the request built and its body parsed.
  "for scale: a request built and its JSON body parsed": await cost(10_000, () => request().json),
};
// The schema deriver's own path around the validators must give the same values.
const [a, b] = [await withAjv.validate(request()), await withZod.validate(request())];
if (JSON.stringify(a.body) !== JSON.stringify(b.body)) throw new Error("validators disagree");
console.log(JSON.stringify(results));
