// Starts and stops service processes on one Neo4j for the change-feed
// tests, and writes through them as a curator. The services get API keys
// of their own (a reader and a curator), anonymous reads off, and one
// listed CORS origin, so the tests can show what the feed refuses.
//
//   SERVER_BIN=bin/server NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... node --test conformance/feed/
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';

export const keys = {
  reader: 'feed-reader-key-0123456789abcdef',
  curator: 'feed-curator-key-0123456789abcdef',
};
export const allowedOrigin = 'https://dashboard.example';
export const unlistedOrigin = 'https://elsewhere.example';

const hash = (k) => 'sha256:' + createHash('sha256').update(k).digest('hex');

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`conformance/feed: set ${name} (see harness.mjs)`);
  return v;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// startService runs one service process, on the given port or a free one,
// and resolves once it answers /healthz.
export async function startService(port) {
  port ??= await freePort();
  const child = spawn(env('SERVER_BIN'), [], {
    env: {
      ...process.env,
      NEO4J_URI: env('NEO4J_URI'),
      NEO4J_USER: process.env.NEO4J_USER ?? 'neo4j',
      NEO4J_PASSWORD: env('NEO4J_PASSWORD'),
      LISTEN_ADDR: `127.0.0.1:${port}`,
      ANONYMOUS_READS: 'false',
      API_KEYS: `feed-reader reader ${hash(keys.reader)};feed-curator curator ${hash(keys.curator)}`,
      CORS_ORIGINS: allowedOrigin,
      FEED_HEARTBEAT: '2s',
      FEED_MAX_PER_CLIENT: '50',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok) break;
    } catch {}
    if (child.exitCode !== null) throw new Error(`service on port ${port} exited with ${child.exitCode}`);
    if (i > 100) throw new Error(`service on port ${port} did not answer /healthz in 20s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    graphql: url + '/graphql',
    ws: `ws://127.0.0.1:${port}/graphql`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// createTopic writes one entity through the service as the curator and
// resolves with its id once the mutation has answered.
export async function createTopic(service, id) {
  const res = await fetch(service.graphql, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keys.curator}` },
    body: JSON.stringify({
      query: 'mutation($in: CreateEntityInput!) { createEntity(input: $in) { node { id } } }',
      variables: { in: { id, type: 'TOPIC', name: id, sources: [{ title: 'Change feed test', url: 'https://www.coe.int/en/web/children' }] } },
    }),
  });
  const doc = await res.json();
  if (doc.errors) throw new Error(`createEntity ${id}: ${JSON.stringify(doc.errors)}`);
  return id;
}

export const feedQuery = `subscription($after: Cursor, $entity: ID) {
  changes(after: $after, entity: $entity) {
    cursor
    change { seq action entityId before after sources { title } }
  }
}`;

// A run's own ids, so repeated runs on one database do not collide.
export const runId = Date.now().toString(36);

// next takes the next value of an async iterator, or fails after ms.
export async function next(iter, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    const r = await Promise.race([iter.next(), timeout]);
    if (r.done) throw new Error(`the feed ended before ${what}`);
    return r.value;
  } finally {
    clearTimeout(timer);
  }
}

// nothingWithin resolves when the iterator gives nothing within ms.
export async function nothingWithin(iter, ms) {
  const got = await Promise.race([iter.next(), new Promise((r) => setTimeout(() => r(null), ms))]);
  if (got && !got.done) throw new Error(`unexpected event ${JSON.stringify(got.value)}`);
}
