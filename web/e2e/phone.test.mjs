// 6. At phone width (375×740) the nav and search work and the page never
// scrolls sideways: wide content scrolls inside its own box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, bodyOverflow, launch, openPage, shot, url, PHONE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function assertNoSideScroll(page, where) {
  const { scrollWidth, clientWidth } = await bodyOverflow(page);
  assert.ok(scrollWidth <= clientWidth, `${where}: the body is ${scrollWidth}px wide in a ${clientWidth}px window`);
}

test('nav and search at phone width, without sideways scrolling', async () => {
  const { page, problems } = await openPage(browser, PHONE);
  await page.goto(url('/explore/'));

  // Every nav link is on screen and tappable.
  const nav = page.getByRole('navigation', { name: 'Main' });
  const links = nav.getByRole('link');
  // The GraphiQL link appears once the page has found GraphiQL served.
  await nav.getByRole('link', { name: 'GraphiQL', exact: true }).waitFor();
  assert.deepEqual((await links.allTextContents()).map((t) => t.trim()), ['Search', 'Graph', 'Path', 'Coverage', 'Map', 'Charts', 'GraphiQL']);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${await link.textContent()} fits the screen`);
    assert.ok(box.height >= 24, `${await link.textContent()} is big enough to tap`);
  }
  await assertNoSideScroll(page, 'search');

  const q = 'Lanzarote';
  await page.getByLabel('Name, acronym, treaty number or alias').pressSequentially(q, { delay: 30 });
  const expected = (await api('query ($q: String!) { search(query: $q, first: 20) { edges { node { id name } } } }', { q })).search.edges;
  await page.locator('.results [role="status"]', { hasText: `“${q}”` }).waitFor();
  assert.deepEqual(await page.locator('.result').evaluateAll((els) => els.map((el) => el.dataset.id)), expected.map((e) => e.node.id));
  await assertNoSideScroll(page, 'search results');
  await shot(page, 'phone-search', { fullPage: true });

  await page.locator(`.result[data-id="${expected[0].node.id}"] a`).click();
  await page.locator('h1', { hasText: expected[0].node.name }).waitFor();
  await page.locator('.relation-group').first().waitFor();
  await assertNoSideScroll(page, 'entity page');
  await shot(page, 'phone-entity', { fullPage: true });

  // Each view, reached through the nav.
  for (const [name, ready] of [
    ['Coverage', '.matrix-wrap[data-loaded="true"]'],
    ['Path', '[role="combobox"]'],
    ['Graph', '[role="combobox"]'],
  ]) {
    await nav.getByRole('link', { name, exact: true }).click();
    await page.locator(ready).first().waitFor();
    assert.equal(await nav.getByRole('link', { name, exact: true }).getAttribute('aria-current'), 'page');
    await assertNoSideScroll(page, name);
    await shot(page, `phone-${name.toLowerCase()}`, { fullPage: true });
  }

  // The matrix is wider than the phone: it scrolls in its box.
  await nav.getByRole('link', { name: 'Coverage', exact: true }).click();
  await page.locator('.matrix-wrap[data-loaded="true"]').waitFor();
  const wrap = await page.locator('.matrix-wrap').evaluate((el) => ({ scroll: el.scrollWidth, width: el.clientWidth }));
  assert.ok(wrap.width <= PHONE.width && wrap.scroll > wrap.width, `the matrix scrolls inside its box (${wrap.scroll}px in ${wrap.width}px)`);

  await page.goto(url('/explore/graph/glacy-plus'));
  await page.locator('.cy[data-loaded="true"]').waitFor();
  await assertNoSideScroll(page, 'graph');
  await shot(page, 'phone-graph', { fullPage: true });
  assert.deepEqual(problems, []);
});
