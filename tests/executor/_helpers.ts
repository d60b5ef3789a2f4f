// Helpers shared by the executor tests.
import { Executor, type ExecutorCall, setCurrentExecutor } from "../../src/executor/mod.ts";

/** The module of callables most executor tests run. */
export const FIXTURE = new URL("./fixtures/callables.ts", import.meta.url).href;

/** A call of an export of the fixture module. */
export function call(exportName: string, ...args: unknown[]): ExecutorCall {
  return { target: { moduleUrl: FIXTURE, exportName }, args };
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/**
 * Runs `body` with a fresh executor (installed as the current one when `current` is set) and
 * always closes it.
 */
export async function withExecutor(
  options: ConstructorParameters<typeof Executor>[0],
  body: (executor: Executor) => Promise<void>,
  { current = false }: { current?: boolean } = {},
): Promise<void> {
  const executor = new Executor(options);
  const previous = current ? setCurrentExecutor(executor) : undefined;
  try {
    await body(executor);
  } finally {
    if (current) setCurrentExecutor(previous);
    await executor.close({ graceMs: 0 });
  }
}
