/**
 * The executor: blocking code off the event loop.
 *
 * - {@linkcode Executor}: a pool of module Workers that run callables named by reference
 *   (`{ moduleUrl, exportName }` or a definition `{ site }`), with a bounded queue (503),
 *   per-call timeouts (504, worker replaced), and workers replaced when they die.
 * - {@linkcode synchronize}: blocking code in a worker calls an async function that runs on
 *   the main isolate, through a `SharedArrayBuffer` + `Atomics.wait` handshake.
 * - {@linkcode spawnBlocking} and {@linkcode useExecutor}: async code runs blocking code in the
 *   executor (aiopyramid's `spawn_greenlet` and `use_executor`).
 * - {@linkcode registerService} / {@linkcode callService}: the general worker → main channel
 *   `synchronize` is built on, for request services of blocking views.
 * - The registry that locates callables: {@linkcode recordDefinitionSite},
 *   {@linkcode locateCallable}, {@linkcode resolveReference}, {@linkcode callerModuleUrl}.
 *
 * @example The architecture in a few lines
 * ```ts
 * import { spawnBlocking, synchronize } from "@aio/pyramid";
 *
 * export const slowDouble = synchronize(async (n: number) => {
 *   await new Promise((resolve) => setTimeout(resolve, 10));
 *   return n * 2;
 * });
 *
 * export function naive(n: number): number {
 *   return slowDouble(n) + 1; // blocks its worker, not the event loop
 * }
 *
 * if (import.meta.main) {
 *   console.log(await spawnBlocking(naive, 20)); // 41
 * }
 * ```
 *
 * @module
 */

export {
  Executor,
  type ExecutorCall,
  type ExecutorOptions,
  type ExecutorStats,
  type RunOptions,
} from "./pool.ts";
export { synchronize, type SynchronizeOptions } from "./synchronize.ts";
export {
  ExecutorError,
  type ExecutorErrorOptions,
  ExecutorOverloaded,
  ExecutorTimeout,
  WorkerCrashed,
} from "./errors.ts";
export {
  closeDefaultExecutor,
  EXECUTOR,
  getCurrentExecutor,
  setCurrentExecutor,
  spawnBlocking,
  useExecutor,
} from "./spawn.ts";
export { isAsync } from "../is_async.ts";
export {
  callService,
  inExecutorWorker,
  registerService,
  type ServiceCall,
  type ServiceHandler,
  type ServiceOptions,
  type Transport,
} from "./channel.ts";
export {
  addKnownModule,
  type AnyFunction,
  type CallableRef,
  callerModuleUrl,
  callerSite,
  definitionSiteOf,
  describeRef,
  type ExportRef,
  loadCallable,
  locateCallable,
  recordDefinitionSite,
  resolveReference,
  type SiteRef,
} from "./registry.ts";
