// The change feed's tests, run once per client library: ws.test.mjs with
// graphql-ws (graphql-transport-ws) and sse.test.mjs with graphql-sse.
// subscribe(service, {key, origin, variables}) returns {iter, dispose}: an
// async iterator of the execution results the client receives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startService, createTopic, keys, allowedOrigin, unlistedOrigin, runId, next, nothingWithin } from './harness.mjs';

async function feedCursor(service) {
  const res = await fetch(service.graphql, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keys.reader}` },
    body: JSON.stringify({ query: '{ changeFeedCursor }' }),
  });
  const doc = await res.json();
  if (doc.errors) throw new Error(`changeFeedCursor: ${JSON.stringify(doc.errors)}`);
  return doc.data.changeFeedCursor;
}

// event takes the next result and returns its change event, failing on
// errors.
async function event(iter, ms, what) {
  const r = await next(iter, ms, what);
  assert.equal(r.errors, undefined, `${what}: errors ${JSON.stringify(r.errors)}`);
  return r.data.changes;
}

// refusal returns what the client saw instead of an event: the error
// codes of a GraphQL answer, or the message of a connection refused.
async function refusal(iter) {
  try {
    const r = await next(iter, 5000, 'an answer');
    assert.ok(r.errors, `want a refusal, got ${JSON.stringify(r)}`);
    return r.errors.map((e) => e.extensions?.code).join(',');
  } catch (err) {
    if (Array.isArray(err)) return err.map((e) => e.extensions?.code).join(',');
    return String(err?.message ?? err?.reason ?? err?.code ?? err);
  }
}

export function feedTests(client, subscribe) {
  let a;
  let b;
  const open = [];
  const sub = (service, opts) => {
    const s = subscribe(service, opts);
    open.push(s);
    return s;
  };
  before(async () => {
    [a, b] = await Promise.all([startService(), startService()]);
  });
  after(async () => {
    await Promise.all(open.map((s) => s.dispose().catch(() => {})));
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test(`${client}: a curator's change arrives within one second, and after a restart exactly the changes made while away`, async () => {
    const id = (n) => `topic-feed-${client}-${runId}-${n}`;
    const live = sub(a, { key: keys.reader, origin: allowedOrigin, variables: { after: await feedCursor(a) } });
    const sent = Date.now();
    await createTopic(a, id(1));
    const first = await event(live.iter, 1000, `the change to ${id(1)}`);
    const took = Date.now() - sent;
    assert.equal(first.change.entityId, id(1));
    assert.equal(first.change.action, 'CREATE_ENTITY');
    assert.equal(first.change.before, null);
    assert.equal(first.change.after.name, id(1));
    assert.deepEqual(first.change.sources.map((s) => s.title), ['Change feed test']);
    assert.ok(took < 1000, `the change took ${took} ms to arrive`);
    await live.dispose();

    // The service restarts; meanwhile another process takes two changes.
    await a.stop();
    await createTopic(b, id(2));
    await createTopic(b, id(3));
    a = await startService(a.port);
    const resumed = sub(a, { key: keys.reader, variables: { after: first.cursor } });
    const got = [];
    for (let i = 0; i < 2; i++) got.push(await event(resumed.iter, 2000, `change ${i + 1} made while away`));
    assert.deepEqual(got.map((e) => e.change.entityId), [id(2), id(3)]);
    assert.ok(got[0].change.seq === first.change.seq + 1 && got[1].change.seq === first.change.seq + 2,
      `sequence numbers ${first.change.seq} then ${got.map((e) => e.change.seq)}`);
    await nothingWithin(resumed.iter, 1000);
  });

  test(`${client}: a change made through one process reaches the feed of the other`, async () => {
    const id = `topic-feed-${client}-${runId}-replica`;
    const feed = sub(b, { key: keys.reader, variables: { after: await feedCursor(b), entity: id } });
    const sent = Date.now();
    await createTopic(a, id);
    const e = await event(feed.iter, 1000, `the change to ${id} made through the other process`);
    assert.equal(e.change.entityId, id);
    assert.ok(Date.now() - sent < 1000);
  });

  test(`${client}: refused without the reader role`, async () => {
    const s = sub(a, { variables: {} });
    assert.equal(await refusal(s.iter), 'UNAUTHENTICATED');
  });

  test(`${client}: refused from an origin CORS_ORIGINS does not list`, async () => {
    const s = sub(a, { key: keys.reader, origin: unlistedOrigin, variables: {} });
    // The upgrade, or the SSE request, is answered 403 before GraphQL.
    assert.match(await refusal(s.iter), /\b403\b/);
  });
}
