// Installs the broker named by `aio.broker.url` as this isolate's current broker for the
// life of an app, and closes it with the app.
import type { App } from "../router/app.ts";
import { useBroker } from "./broker.ts";
import { createBroker } from "./create.ts";

/** Called by makeApp(): only apps that name a broker install one; others use the default. */
export function installBroker(app: App): void {
  // Validated (and defaulted to "") once, when the Configurator read the settings.
  const url = app.registry.aio.broker.url;
  if (url === "") return;
  const broker = createBroker({ url });
  const previous = useBroker(broker);
  app.onClose(async function closeBroker() {
    useBroker(previous);
    await broker.close();
  });
}
