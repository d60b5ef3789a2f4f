/**
 * In-process cost of validating one request (`deno bench bench/data/validate_bench.ts`):
 * the body parsed as the plain view does it, against the `schema` deriver's validation with a
 * JSON Schema (ajv) and with zod (Standard Schema). Steadier than req/s on a busy machine.
 *
 * @module
 */

import { z } from "zod";
import { DummyRequest } from "@aio/pyramid/testing";
import { compileRequestSchema, prepareJsonSchemas } from "@aio/pyramid";

const BODY = { title: "write the benchmark", priority: 2, tags: ["bench", "data"] };
const taskSchema = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200 },
    priority: { type: "integer", minimum: 1, maximum: 5, default: 3 },
    tags: { type: "array", items: { type: "string" }, maxItems: 10 },
  },
};
const taskZod = z.object({
  title: z.string().min(1).max(200),
  priority: z.number().int().min(1).max(5).default(3),
  tags: z.array(z.string()).max(10).optional(),
}).strict();

const registry = new DummyRequest().registry;
const compiler = await prepareJsonSchemas(registry);
const withAjv = compileRequestSchema({ body: taskSchema }, { compiler });
const withZod = compileRequestSchema({ body: taskZod });

// A fresh request each time: the body is parsed once per request, as in the server.
const request = () => new DummyRequest({ method: "POST", json: BODY, registry });

Deno.bench("body parsed, no schema", { group: "validate", baseline: true }, () => {
  const body = request().json as { title: string };
  if (body.title !== BODY.title) throw new Error("wrong body");
});
Deno.bench("body validated: JSON Schema (ajv)", { group: "validate" }, async () => {
  const validated = await withAjv.validate(request());
  if ((validated.body as { title: string }).title !== BODY.title) throw new Error("wrong body");
});
Deno.bench("body validated: zod (Standard Schema)", { group: "validate" }, async () => {
  const validated = await withZod.validate(request());
  if ((validated.body as { title: string }).title !== BODY.title) throw new Error("wrong body");
});
