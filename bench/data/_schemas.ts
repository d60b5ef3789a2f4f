// The task schema the data benchmarks validate, in JSON Schema and zod: one definition, so
// the HTTP benchmark and the in-process cost measure the same thing.
import { z } from "zod";

/** The JSON body both benchmarks send. */
export const TASK_BODY = { title: "write the benchmark", priority: 2, tags: ["bench", "data"] };

/** The task as JSON Schema (validated with ajv). */
export const taskSchema = {
  type: "object",
  required: ["title"],
  additionalProperties: false,
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200 },
    priority: { type: "integer", minimum: 1, maximum: 5, default: 3 },
    tags: { type: "array", items: { type: "string" }, maxItems: 10 },
  },
};

/** The same task as a zod schema (a Standard Schema). */
export const taskZod = z.object({
  title: z.string().min(1).max(200),
  priority: z.number().int().min(1).max(5).default(3),
  tags: z.array(z.string()).max(10).optional(),
}).strict();
