// The broker app extension: an app whose settings name `aio.broker.url` uses that broker
// (Redis, across machines) for `publish`/`subscribe` and signals while it runs, and closes
// it with the app. Apps without the setting use the isolate's local broker.
import type { AppExtension } from "../router/extension.ts";
import { useBroker } from "./broker.ts";
import { BROKER_URL_SETTING, brokerFromSettings } from "./create.ts";

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
    const url = host.registry.settings[BROKER_URL_SETTING];
    if (url === undefined || url === "") return;
    const broker = brokerFromSettings(host.registry.settings);
    const previous = useBroker(broker);
    host.onClose(async function closeBroker() {
      useBroker(previous);
      await broker.close();
    });
  },
};
