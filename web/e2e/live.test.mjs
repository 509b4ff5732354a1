// The entity page follows the change feed: a curator's change to the entity
// shows in its "Live changes" list and puts an "Updated" mark in its
// header, without a reload. The service must accept the curator key given
// in E2E_CURATOR_KEY (scripts/test-with-neo4j.sh sets both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, url } from './helpers.mjs';

const key = process.env.E2E_CURATOR_KEY;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function curate(query, variables) {
  const res = await fetch(url('/graphql'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

test('an entity page marks a change made while it is open', { skip: !key && 'E2E_CURATOR_KEY is not set' }, async () => {
  const id = `topic-e2e-live-${Date.now().toString(36)}`;
  const source = [{ title: 'Explorer live test', url: 'https://www.coe.int/en/web/children' }];
  await curate('mutation($in: CreateEntityInput!) { createEntity(input: $in) { node { id } } }',
    { in: { id, type: 'TOPIC', name: 'Live check before', sources: source } });

  const { page, problems } = await openPage(browser);
  await page.goto(url(`/explore/entity/${id}`));
  await page.locator('section.live[data-live="live"]').waitFor();
  assert.equal(await page.locator('.updated-mark').count(), 0, 'no mark before any change');

  const { updateEntity } = await curate('mutation($in: UpdateEntityInput!) { updateEntity(input: $in) { change { seq } } }',
    { in: { id, version: 1, name: 'Live check after', sources: source } });
  await page.locator('.updated-mark').waitFor({ timeout: 5000 });
  assert.match(await page.locator('.updated-mark').textContent(), /Updated.*1 change/);
  const items = await page.locator('.live-change').evaluateAll((els) => els.map((el) => [el.dataset.action, Number(el.dataset.seq)]));
  assert.deepEqual(items, [['UPDATE_ENTITY', updateEntity.change.seq]], 'the list shows the one change, with its number in the trail');
  assert.equal(await page.locator('.entity-header h1').textContent(), 'Live check before', 'the page keeps what it read until asked');
  await shot(page, 'entity-live-updated');

  await Promise.all([page.waitForNavigation(), page.locator('.updated-mark button').click()]);
  await page.locator('.entity-header h1', { hasText: 'Live check after' }).waitFor();
  assert.deepEqual(problems.filter((p) => !p.includes('net::ERR_ABORTED')), []);
});
