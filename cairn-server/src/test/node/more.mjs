// The official KurrentDB Node client against a Cairn node that runs user projections: the calls
// where the Node client differs from the Java one. KURRENTDB_CONNECTION_STRING names the node.
// Prints "node more: ok" and exits 0 when every check holds; exits non-zero otherwise.
import {
  KurrentDBClient, jsonEvent, NO_STREAM, STREAM_STATE, WrongExpectedVersionError,
} from "@kurrent/kurrentdb-client";
import { randomUUID } from "node:crypto";

function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `read` until it returns something `done` accepts, for up to 20 s. */
async function eventually(read, done, what) {
  let last;
  for (let i = 0; i < 200; i++) {
    try {
      last = await read();
      if (done(last)) {
        return last;
      }
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`check failed: ${what}; last seen ${last}`);
}

async function readAll(client, stream, options) {
  const events = [];
  for await (const resolved of client.readStream(stream, options)) {
    events.push(resolved);
  }
  return events;
}

async function main() {
  const client = KurrentDBClient.connectionString(process.env.KURRENTDB_CONNECTION_STRING);
  const id = randomUUID().replaceAll("-", "");
  try {
    // AppendRecords: the client leaves a check of revision 0 out of the wire (no field presence)
    const stream = `more${id}-1`;
    await client.appendToStream(stream, jsonEvent({ type: "Opened", data: {} }), { streamState: NO_STREAM });
    const appended = await client.appendRecords(
      [{ streamName: stream, record: jsonEvent({ type: "Noted", data: { n: 1 } }) }],
      [{ type: STREAM_STATE, streamName: stream, expectedState: 0n }]);
    check(appended.responses[0]?.revision === 1n, `appendRecords revision ${appended.responses[0]?.revision}`);
    let refused;
    try {
      await client.appendRecords([{ streamName: stream, record: jsonEvent({ type: "Late", data: {} }) }],
        [{ type: STREAM_STATE, streamName: stream, expectedState: 0n }]);
    } catch (error) {
      refused = error;
    }
    check(refused !== undefined, "a check of revision 0 on a stream at revision 1 was not refused");
    console.log(`appendRecords checked revision 0: ${refused.constructor.name}`);

    const multi = await client.multiStreamAppend([
      { streamName: `more${id}-2`, events: [jsonEvent({ type: "Opened", data: {} })], expectedState: NO_STREAM },
      { streamName: stream, events: [jsonEvent({ type: "Noted", data: { n: 2 } })], expectedState: 1n },
    ]);
    check(multi.responses.length === 2, `multiStreamAppend answered ${multi.responses.length} streams`);
    let conflict;
    try {
      await client.multiStreamAppend([
        { streamName: stream, events: [jsonEvent({ type: "Late", data: {} })], expectedState: 1n }]);
    } catch (error) {
      conflict = error;
    }
    check(conflict instanceof WrongExpectedVersionError, `multiStreamAppend at a stale revision: ${conflict}`);
    check(conflict.streamName === stream && conflict.expectedState === 1n && conflict.actualState === 2n,
      `conflict reports ${conflict.streamName} ${conflict.expectedState} ${conflict.actualState}`);
    console.log("multiStreamAppend ok");

    // a projection that emits and tracks what it emits: the client asks server features first
    const projection = `copier${id}`;
    await client.createProjection(projection, `
      fromStream('${stream}').when({
        $init() { return { seen: 0 }; },
        $any(s, e) { s.seen++; emit('copies${id}', 'Copied', { type: e.eventType }); linkTo('links${id}', e); }
      }).outputState();`, { emitEnabled: true, trackEmittedStreams: true });
    const state = await eventually(() => client.getProjectionState(projection), (s) => s?.seen === 3,
      "the projection's state counts the stream's three events");
    const result = await client.getProjectionResult(projection);
    check(result?.seen === 3, `result ${JSON.stringify(result)}`);
    const links = await eventually(() => readAll(client, `links${id}`, { resolveLinkTos: true }),
      (events) => events.length === 3, "three links");
    check(links.every((e) => e.link?.type === "$>" && e.event?.streamId === stream), "links resolve to the stream");
    const copies = await readAll(client, `copies${id}`);
    check(copies.map((e) => e.event.data.type).join() === "Opened,Noted,Noted", "copies in order");
    const tracked = await readAll(client, `$projections-${projection}-emittedstreams`);
    check(tracked.length === 2, `tracked streams ${tracked.length}`);
    console.log(`projection state ${JSON.stringify(state)}, ${links.length} links, ${copies.length} copies`);

    const status = await client.getProjectionStatus(projection);
    check(status.projectionStatus === "Running", `status ${status.projectionStatus}`);
    await client.disableProjection(projection);
    await client.deleteProjection(projection, {
      deleteEmittedStreams: true, deleteStateStream: true, deleteCheckpointStream: true,
    });
    const listed = await client.listProjections();
    check(!listed.some((p) => p.name === projection), "deleted projection still listed");
    console.log("projection deleted with its emitted streams");
  } finally {
    await client.dispose();
  }
  console.log("node more: ok");
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  });
