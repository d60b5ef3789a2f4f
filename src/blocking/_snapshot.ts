// What crosses to an executor worker for a blocking view: a structured-cloneable copy of the
// request (the body is already read) and the result coming back.
import type { CallableRef } from "../executor/registry.ts";
import type { PyramidRequest } from "../request/request.ts";
import type { StaticViewRegistration } from "../config/registry.ts";

/** A request, as a worker sees it. */
export interface RequestSnapshot {
  /** Identifies the app: a worker asks for its description once (`aio.app`). */
  appId: string;
  method: string;
  url: string;
  scriptName: string;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  matchdict: Record<string, string>;
  routeName: string | undefined;
  viewName: string;
  subpath: string[];
  traversed: string[];
  virtualRootPath: string;
  /** A structured clone of the context, or undefined when it cannot be cloned. */
  context: unknown;
  /** What the view's `schema` validated (`request.validated`), if it has one. */
  validated: PyramidRequest["validated"];
}

/** A request method as a worker installs it: imported by reference, or run on main. */
export interface RequestMethodSnapshot {
  name: string;
  reify: boolean;
  property: boolean;
  /** Where the worker imports it from; `undefined` means it runs on the main isolate. */
  ref: CallableRef | undefined;
}

/** What a worker needs once per app to rebuild requests: the `aio.app` service's answer. */
export interface AppSnapshot {
  settings: Record<string, unknown>;
  routes: [string, string][];
  staticViews: StaticViewRegistration[];
  requestMethods: RequestMethodSnapshot[];
}

/** A blocking view's outcome: a value for the renderer, or a whole response. */
export type BlockingResult =
  | {
    kind: "value";
    value: unknown;
    draft: { status: number; headers: [string, string][] } | undefined;
  }
  | {
    kind: "response";
    status: number;
    headers: [string, string][];
    body: Uint8Array<ArrayBuffer>;
    draft: { status: number; headers: [string, string][] } | undefined;
  };
