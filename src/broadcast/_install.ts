// Installs the broker named by `aio.broker.url` as this isolate's current broker for the
// life of an app, and closes it with the app.
import type { App } from "../router/app.ts";
import { useBroker } from "./broker.ts";
import { BROKER_URL_SETTING, brokerFromSettings } from "./create.ts";

/** Called by makeApp(): only apps that name a broker install one; others use the default. */
export function installBroker(app: App): void {
  const url = app.registry.settings[BROKER_URL_SETTING];
  if (url === undefined || url === "") return;
  const broker = brokerFromSettings(app.registry.settings);
  const previous = useBroker(broker);
  app.onClose(async function closeBroker() {
    useBroker(previous);
    await broker.close();
  });
}
