// The async side of the synckit baseline: a trivial async function, like _round_trip.ts.
import { runAsWorker } from "synckit";

runAsWorker(async (n) => await Promise.resolve(n + 1));
