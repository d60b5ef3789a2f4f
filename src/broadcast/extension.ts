// The broker app extension: an app whose settings name `aio.broker.url` uses that broker
// (Redis, across machines) for `publish`/`subscribe` and signals while it runs, and closes
// it with the app. Apps without the setting use the isolate's local broker.
import type { AppExtension } from "../extension.ts";
import { useBroker } from "./broker.ts";
import { createBroker } from "./create.ts";

/**
 * Installs the broker named by `aio.broker.url`, if any.
 *
 * @example Adding it to a bare configurator
 * ```ts
 * import { brokerExtension, CoreConfigurator } from "@aio/pyramid";
 * const config = new CoreConfigurator();
 * config.addExtension(brokerExtension);
 * ```
 */
export const brokerExtension: AppExtension = {
  name: "broker",
  install(host) {
    // Validated (and defaulted to "") once, when the Configurator read the settings.
    const url = host.registry.aio.broker.url;
    if (url === "") return;
    const broker = createBroker({ url });
    const previous = useBroker(broker);
    host.onClose(async function closeBroker() {
      useBroker(previous);
      await broker.close();
    });
  },
};
