// 2. The graph of glacy-plus draws every country the project targets, expands
// node by node, filters by relationship type and goes back in time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url, LAPTOP } from './helpers.mjs';

const NEIGHBOURHOOD = `query ($id: ID!, $asOf: Date) {
  neighbourhood(id: $id, depth: 1, limit: 200, asOf: $asOf) { nodes { id } edges { key type } }
}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function drawn(page) {
  return page.evaluate(() => ({
    nodes: window.__cy.nodes().map((n) => n.id()).sort(),
    visibleNodes: window.__cy.nodes(':visible').map((n) => n.id()).sort(),
    edges: window.__cy.edges().map((e) => e.id()).sort(),
    visibleEdgeTypes: window.__cy.edges(':visible').map((e) => e.data('type')),
  }));
}

async function settled(page) {
  await page.locator('.cy[data-loaded="true"]').waitFor();
}

test('the graph of GLACY+ shows every country it targets', async () => {
  const { page, problems } = await openPage(browser, LAPTOP);
  await page.goto(url('/explore/graph/glacy-plus'));
  await settled(page);

  const targets = (await api('{ project(id: "glacy-plus") { name targets(first: 500) { edges { node { id } } } } }')).project;
  const targetIds = targets.targets.edges.map((e) => e.node.id);
  assert.ok(targetIds.length > 0, 'the seed graph gives GLACY+ target countries');
  const g = await drawn(page);
  for (const id of targetIds) {
    assert.ok(g.visibleNodes.includes(id), `${id} is drawn`);
    assert.equal(await page.locator(`.graph-nodes li[data-node-id="${id}"]`).count(), 1, `${id} is in the list`);
  }
  // The drawing is the API's neighbourhood, no more and no less.
  const around = (await api(NEIGHBOURHOOD, { id: 'glacy-plus' })).neighbourhood;
  assert.deepEqual(g.nodes, around.nodes.map((n) => n.id).sort());
  assert.deepEqual(g.edges, around.edges.map((e) => e.key).sort());
  assert.equal(await page.locator('h1').textContent(), `Graph around ${targets.name}`);

  // At laptop size: the README's picture (docs/explorer.png) is a copy.
  await shot(page, 'graph-glacy-plus', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('a node expands from the keyboard, and types and dates filter the drawing', async () => {
  const { page, problems } = await openPage(browser, LAPTOP);
  await page.goto(url('/explore/graph/glacy-plus'));
  await settled(page);

  // Expand Mauritius with Enter on its button in the list.
  const before = await drawn(page);
  await page.locator('.graph-nodes li[data-node-id="country-mu"] button').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__cy.getElementById('country-mu').hasClass('expanded'));
  await settled(page);
  const mu = (await api(NEIGHBOURHOOD, { id: 'country-mu' })).neighbourhood;
  const after1 = await drawn(page);
  for (const n of mu.nodes) assert.ok(after1.nodes.includes(n.id), `${n.id}, next to Mauritius, is drawn after expanding it`);
  assert.ok(after1.nodes.length > before.nodes.length, 'expanding added nodes');
  assert.deepEqual(after1.nodes, [...new Set([...before.nodes, ...mu.nodes.map((n) => n.id)])].sort());

  // The drawing itself takes the keyboard: arrows move, Enter expands.
  await page.locator('.cy').focus();
  const selectedNode = () => page.evaluate(() => {
    const n = window.__cy.nodes('.selected');
    return n.length === 1 ? { id: n.id(), expanded: n.hasClass('expanded') } : null;
  });
  let selected = null;
  for (let i = 0; i < after1.nodes.length && !(selected && !selected.expanded); i += 1) {
    await page.keyboard.press('ArrowRight');
    selected = await selectedNode();
  }
  assert.ok(selected && !selected.expanded, 'the arrow keys reach a node not yet expanded');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => window.__cy.getElementById(id).hasClass('expanded'), selected.id);
  await settled(page);
  const third = (await api(NEIGHBOURHOOD, { id: selected.id })).neighbourhood;
  const after2 = await drawn(page);
  for (const n of third.nodes) assert.ok(after2.nodes.includes(n.id), `${n.id}, next to ${selected.id}, is drawn after Enter`);

  // Hiding TARGETS hides every TARGETS edge.
  await page.locator('input[data-relation-type="TARGETS"]').uncheck();
  const filtered = await drawn(page);
  assert.ok(!filtered.visibleEdgeTypes.includes('TARGETS'), 'no TARGETS edge is visible');
  assert.ok(filtered.visibleEdgeTypes.length > 0, 'other types stay');
  await page.locator('input[data-relation-type="TARGETS"]').check();
  assert.ok((await drawn(page)).visibleEdgeTypes.includes('TARGETS'));
  await shot(page, 'graph-expanded', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('the date slider passes asOf and hides facts not yet true', async () => {
  const { page, problems } = await openPage(browser, LAPTOP);
  await page.goto(url('/explore/graph/glacy-plus'));
  await settled(page);
  const today = await drawn(page);

  // Home moves the slider to its first year; the drawing reloads for it.
  await page.getByLabel('Date').focus();
  await page.keyboard.press('Home');
  await page.waitForURL(/asOf=\d{4}-01-01/);
  await settled(page);
  const asOf = new URL(page.url()).searchParams.get('asOf');
  const past = (await api(NEIGHBOURHOOD, { id: 'glacy-plus', asOf })).neighbourhood;
  const then = await drawn(page);
  assert.deepEqual(then.nodes, past.nodes.map((n) => n.id).sort(), `the drawing is the neighbourhood as of ${asOf}`);
  assert.deepEqual(then.edges, past.edges.map((e) => e.key).sort());
  assert.ok(then.edges.length < today.edges.length, `fewer facts were true on ${asOf} than today`);
  assert.match(await page.locator('.asof-label').textContent(), new RegExp(asOf.slice(0, 4)));

  // End goes back to today.
  await page.keyboard.press('End');
  await page.waitForURL((u) => !u.searchParams.has('asOf'));
  await settled(page);
  assert.deepEqual((await drawn(page)).edges, today.edges);
  assert.deepEqual(problems, []);
});
