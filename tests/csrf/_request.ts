// A DummyRequest that runs its response callbacks on a response, as the router does.
import { DummyRequest } from "../../src/testing/mod.ts";

export class CallbackRequest extends DummyRequest {
  async respond(response: Response = new Response("ok")): Promise<Response> {
    for (const callback of this.responseCallbacks) await callback(this, response);
    return response;
  }
}
