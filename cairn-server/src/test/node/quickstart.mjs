// The README's Node client quickstart, run by NodeClientSmokeTest against a node; the README shows
// the lines between the markers. KURRENTDB_CONNECTION_STRING names the node when it is not local.
// quickstart:begin
import { KurrentDBClient, jsonEvent, NO_STREAM } from "@kurrent/kurrentdb-client";

const client = KurrentDBClient.connectionString(
  process.env.KURRENTDB_CONNECTION_STRING ?? "kurrentdb://127.0.0.1:2113?tls=false");

const placed = jsonEvent({ type: "OrderPlaced", data: { total: 99.5 } });
await client.appendToStream("order-42", placed, { streamState: NO_STREAM });

for await (const { event } of client.readStream("order-42")) {
  console.log(`${event.revision} ${event.type} ${JSON.stringify(event.data)}`);
}
await client.dispose();
// quickstart:end
