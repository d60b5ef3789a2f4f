// A DummyRequest that also runs response callbacks (until the core's request has them).
import { DummyRequest, type DummyRequestOptions } from "../../src/testing/mod.ts";
import type { SessionResponseCallback } from "../../src/session/mod.ts";

export class CallbackRequest extends DummyRequest {
  callbacks: SessionResponseCallback[] = [];

  constructor(options: DummyRequestOptions = {}) {
    super(options);
  }

  addResponseCallback(callback: SessionResponseCallback): void {
    this.callbacks.push(callback);
  }

  async respond(response = new Response("ok")): Promise<Response> {
    for (const callback of this.callbacks) await callback(this as never, response);
    return response;
  }
}
