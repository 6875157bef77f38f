// Smoke test of the official KurrentDB Node client against a Cairn node.
// KURRENTDB_CONNECTION_STRING names the node, e.g. kurrentdb://127.0.0.1:2113?tls=false.
// Prints "node smoke: ok" and exits 0 when every check holds; exits non-zero otherwise.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import {
  KurrentDBClient,
  jsonEvent,
  NO_STREAM,
  FORWARDS,
  START,
  WrongExpectedVersionError,
  StreamNotFoundError,
} from "@kurrent/kurrentdb-client";

const require = createRequire(import.meta.url);
const { StreamsService } = require("@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb");

function check(condition, message) {
  if (!condition) throw new Error("check failed: " + message);
}

async function expectError(errorClass, call) {
  try {
    await call();
  } catch (error) {
    check(error instanceof errorClass,
      `expected ${errorClass.name}, got ${error?.constructor?.name}: ${error?.message}`);
    return error;
  }
  throw new Error(`check failed: expected ${errorClass.name}, but the call succeeded`);
}

async function main() {
  const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
  check(connectionString, "KURRENTDB_CONNECTION_STRING is not set");
  const client = KurrentDBClient.connectionString(connectionString);
  try {
    const stream = `node-smoke-${randomUUID()}`;
    const types = ["Created", "Renamed", "Closed"];

    // the client appends through BatchAppend when the server advertises it
    check(await client.supports(StreamsService.batchAppend), "server does not advertise BatchAppend");

    const events = types.map((type, i) => jsonEvent({ type, data: { index: i } }));
    const written = await client.appendToStream(stream, events, { streamState: NO_STREAM });
    check(written.success, "append did not succeed");
    check(written.nextExpectedRevision === 2n, `next expected revision ${written.nextExpectedRevision}, want 2`);
    console.log(`appended ${events.length} events to ${stream}`);

    const read = [];
    for await (const resolved of client.readStream(stream, { direction: FORWARDS, fromRevision: START })) {
      read.push(resolved.event);
    }
    check(read.length === 3, `read ${read.length} events, want 3`);
    read.forEach((event, i) => {
      check(event.type === types[i], `event ${i} has type ${event.type}, want ${types[i]}`);
      check(event.revision === BigInt(i), `event ${i} has revision ${event.revision}`);
      check(event.id === events[i].id, `event ${i} has id ${event.id}, want ${events[i].id}`);
      check(event.data?.index === i, `event ${i} has data ${JSON.stringify(event.data)}`);
    });
    console.log("read back 3 events in order");

    const conflict = await expectError(WrongExpectedVersionError, () =>
      client.appendToStream(stream, jsonEvent({ type: "Late", data: {} }), { streamState: 7n }));
    check(conflict.streamName === stream, `conflict names stream ${conflict.streamName}`);
    console.log(`wrong expected revision: ${conflict.constructor.name}`);

    const missing = `node-smoke-missing-${randomUUID()}`;
    await expectError(StreamNotFoundError, async () => {
      for await (const _ of client.readStream(missing)) {
        // reading a missing stream must throw before yielding
      }
    });
    console.log(`missing stream: ${StreamNotFoundError.name}`);
  } finally {
    await client.dispose();
  }
  console.log("node smoke: ok");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  });
