// 3. The path finder draws Mauritius → Lanzarote Convention as the API's
// shortestPath: the same nodes, hops, types and sources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url } from './helpers.mjs';

const PATH = `query ($from: ID!, $to: ID!) {
  shortestPath(from: $from, to: $to, maxHops: 4) {
    length
    nodes { id }
    edges { type from to sources { url title } }
  }
}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// choose types into a picker and takes the option with this id, moving to it
// with the arrow keys and picking it with Enter.
async function choose(page, label, text, id) {
  const input = page.getByRole('combobox', { name: label });
  await input.pressSequentially(text, { delay: 30 });
  const list = page.locator(`[role="listbox"][aria-label="${label}: matches"]`);
  await list.locator(`[role="option"][data-id="${id}"]`).waitFor();
  const ids = await list.locator('[role="option"]').evaluateAll((els) => els.map((el) => el.dataset.id));
  for (let i = 0; i < ids.indexOf(id); i += 1) await input.press('ArrowDown');
  assert.equal(await list.locator('[aria-selected="true"]').getAttribute('data-id'), id);
  await input.press('Enter');
  await list.waitFor({ state: 'hidden' });
}

test('Mauritius to the Lanzarote Convention, hop by hop as the API gives it', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/path'));
  await choose(page, 'From', 'Mauritius', 'country-mu');
  await choose(page, 'To', 'Lanzarote Convention', 'cets-201');
  await page.getByRole('button', { name: 'Find the path' }).click();
  await page.locator('.path-chain').waitFor();

  const path = (await api(PATH, { from: 'country-mu', to: 'cets-201' })).shortestPath;
  assert.ok(path, 'the API finds a path');
  const chain = page.locator('.path-chain');
  assert.equal(await chain.getAttribute('data-length'), String(path.length));
  const nodes = await chain.locator('.path-node').evaluateAll((els) => els.map((el) => el.dataset.nodeId));
  assert.deepEqual(nodes, path.nodes.map((n) => n.id), 'the same nodes in the same order');
  const hops = await chain.locator('.hop').evaluateAll((els) => els.map((el) => ({
    type: el.dataset.type, from: el.dataset.from, to: el.dataset.to,
    text: el.querySelector('.rel-type').textContent,
    links: [...el.querySelectorAll('.hop-sources a')].map((a) => a.href),
    titles: [...el.querySelectorAll('.hop-sources .source-title')].map((s) => s.textContent),
  })));
  assert.equal(hops.length, path.length);
  path.edges.forEach((e, i) => {
    assert.equal(hops[i].type, e.type, `hop ${i + 1} type`);
    assert.equal(hops[i].text, e.type, `hop ${i + 1} shows its type`);
    assert.equal(hops[i].from, e.from, `hop ${i + 1} start`);
    assert.equal(hops[i].to, e.to, `hop ${i + 1} end`);
    assert.deepEqual(hops[i].links, e.sources.filter((s) => s.url).map((s) => new URL(s.url).href), `hop ${i + 1} links its sources`);
    assert.deepEqual(hops[i].titles, e.sources.filter((s) => !s.url).map((s) => s.title), `hop ${i + 1} names its sources without address`);
  });
  // Each node of the path links to its page.
  for (const id of nodes) assert.equal(await chain.locator(`.path-node[data-node-id="${id}"] a`).getAttribute('href'), `/explore/entity/${id}`);

  // The address holds the question: reloading it shows the same path.
  assert.match(page.url(), /from=country-mu/);
  assert.match(page.url(), /to=cets-201/);
  await page.reload();
  await page.locator('.path-chain').waitFor();
  assert.deepEqual(await page.locator('.path-node').evaluateAll((els) => els.map((el) => el.dataset.nodeId)), nodes);
  await shot(page, 'path-mu-cets-201', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('no path within the limit is said in words', async () => {
  const { page, problems } = await openPage(browser);
  const one = (await api(`{ shortestPath(from: "country-mu", to: "cets-201", maxHops: 1) { length } }`)).shortestPath;
  assert.equal(one, null, 'the seed graph has no one-step path from Mauritius to CETS 201');
  await page.goto(url('/explore/path?from=country-mu&to=cets-201&maxHops=1'));
  const empty = page.locator('[data-path="none"]');
  await empty.waitFor();
  assert.match(await empty.textContent(), /No path of at most 1 step joins Mauritius and/);
  assert.deepEqual(problems, []);
});
