// The streaming app extension: declares the `streamBody` view option, which tells the router to
// leave the body unread so the view reads it with `request.stream()` as it arrives.
import type { AppExtension } from "../extension.ts";
import type { DerivedView, ViewDeriverInfo } from "../views/derivers.ts";
import { ConfigurationError } from "../errors.ts";
import { isAsync } from "../is_async.ts";

/** The deriver's name among view derivers. */
export const STREAM_BODY_DERIVER = "stream_body_view";

/**
 * Checks the `streamBody` option where it is given: only async views stream a body (a blocking
 * view's body travels to its worker whole), and a view that validates its body with `schema`
 * needs it whole. The option itself is read by the router, which then does not read the body.
 *
 * @example The option on a view
 * ```ts
 * import { Configurator, type PyramidRequest } from "@aio/pyramid";
 * const config = new Configurator();
 * config.addRoute("upload", "/upload");
 * config.addView(async function upload(request: PyramidRequest) {
 *   let size = 0;
 *   for await (const chunk of request.stream()) size += chunk.byteLength;
 *   return new Response(`${size} bytes`);
 * }, { routeName: "upload", requestMethod: "POST", streamBody: true });
 * ```
 */
export function streamBodyDeriver(view: DerivedView, info: ViewDeriverInfo): DerivedView {
  if (info.options.streamBody === undefined) return view;
  if (typeof info.options.streamBody !== "boolean") {
    throw new ConfigurationError(
      `streamBody of the view ${info.name} (at ${info.where}) must be true or false.`,
    );
  }
  if (!info.options.streamBody) return view;
  if (!isAsync(info.originalView, { attr: info.options.attr as string | undefined })) {
    throw new ConfigurationError(
      `The view ${info.name} (at ${info.where}) asks for streamBody but is not async: a ` +
        "blocking view gets its body whole in its worker. Make it an async function, or drop streamBody.",
    );
  }
  const schema = info.options.schema as { body?: unknown } | undefined;
  if (schema?.body !== undefined) {
    throw new ConfigurationError(
      `The view ${info.name} (at ${info.where}) has both streamBody and schema.body; validating ` +
        "a body needs all of it. Drop one of them.",
    );
  }
  return view;
}
/** The view option this deriver adds to `addView`. */
streamBodyDeriver.options = ["streamBody"] as readonly string[];

/**
 * Streaming for an app: the `streamBody` view option (part of the standard `Configurator`).
 *
 * @example Adding it to a bare configurator
 * ```ts
 * import { CoreConfigurator, streamingExtension } from "@aio/pyramid";
 * const config = new CoreConfigurator();
 * config.addExtension(streamingExtension);
 * ```
 */
export const streamingExtension: AppExtension = {
  name: "streaming",
  install(host) {
    if (!host.registry.viewDerivers.some((d) => d.name === STREAM_BODY_DERIVER)) {
      host.addViewDeriver(streamBodyDeriver, { name: STREAM_BODY_DERIVER });
    }
  },
};
