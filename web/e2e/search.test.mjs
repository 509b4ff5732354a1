// 1. Search "GLACY", open GLACY+: its page shows its name and relationships.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('search GLACY and open GLACY+ with its relationships', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/'));

  const box = page.getByLabel('Name, acronym, treaty number or alias');
  // Typed key by key: results come while typing, after the debounce.
  await box.pressSequentially('GLACY', { delay: 40 });
  // The count line names the query it answers, so this waits for the last
  // request, not one sent mid-word.
  await page.locator('.results [role="status"]', { hasText: '“GLACY”' }).waitFor();
  await page.locator('.result[data-id="glacy-plus"]').waitFor();

  const expected = (await api(`query ($q: String!) { search(query: $q, first: 20) { totalCount edges { node { id } } } }`, { q: 'GLACY' })).search;
  const shown = await page.locator('.result').evaluateAll((els) => els.map((el) => el.dataset.id));
  assert.deepEqual(shown, expected.edges.map((e) => e.node.id), 'the results are the API\'s, in its order');
  assert.equal(await page.locator('.result-list').getAttribute('data-total'), String(expected.totalCount));
  assert.match(page.url(), /[?&]q=GLACY\b/, 'the address keeps the query');
  await shot(page, 'search-glacy');

  // Opened from the keyboard, as a reader without a mouse would.
  await page.locator('.result[data-id="glacy-plus"] a').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/explore\/entity\/glacy-plus$/);

  const project = (await api(`{
    project(id: "glacy-plus") {
      name acronym
      sources { url }
      relations(first: 500) { totalCount edges { type direction node { id } } }
    }
  }`)).project;
  await page.locator('h1', { hasText: project.name }).waitFor();
  assert.equal(await page.locator('h1').textContent(), project.name);
  assert.match(await page.locator('.entity-also').textContent(), new RegExp(project.acronym.replace('+', '\\+')));
  assert.match(await page.title(), new RegExp(`^${project.name}`), 'the tab is named after the entity');

  await page.locator('.relation-group').first().waitFor();
  const rels = await page.locator('.relation').evaluateAll((els) => els.map((el) => `${el.dataset.type} ${el.dataset.direction} ${el.dataset.id}`));
  const want = project.relations.edges.map((e) => `${e.type} ${e.direction} ${e.node.id}`);
  assert.equal(project.relations.totalCount, want.length);
  assert.deepEqual(rels.slice().sort(), want.slice().sort(), 'every relationship the API lists is shown, once');
  assert.equal(await page.locator('#rel-heading .count').textContent(), String(project.relations.totalCount));

  // Grouped by type: one section per type and direction, each naming its type.
  const groups = await page.locator('.relation-group').evaluateAll((els) => els.map((el) => `${el.dataset.type} ${el.dataset.direction}`));
  assert.deepEqual(groups.slice().sort(), [...new Set(want.map((w) => w.split(' ').slice(0, 2).join(' ')))].sort());
  for (const g of await page.locator('.relation-group').all()) {
    const type = await g.getAttribute('data-type');
    assert.equal(await g.locator('.rel-type').textContent(), type);
  }

  // Every related entity is a link to its own page.
  const links = await page.locator('.relation .entity-link').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert.equal(links.length, want.length);
  for (const href of links) assert.match(href, /^\/explore\/entity\/[a-z0-9-]+$/);

  // The node's sources are links.
  const sourceLinks = await page.locator('.entity-sources a.source-link').evaluateAll((els) => els.map((a) => a.href));
  assert.deepEqual(sourceLinks.sort(), project.sources.filter((s) => s.url).map((s) => new URL(s.url).href).sort());

  // Following a relationship opens that entity's page.
  const target = project.relations.edges.find((e) => e.type === 'TARGETS').node.id;
  await page.locator(`.relation[data-type="TARGETS"] a[data-entity-id="${target}"]`).click();
  await page.waitForURL(new RegExp(`/explore/entity/${target}$`));
  const country = (await api('query ($id: ID!) { node(id: $id) { name } }', { id: target })).node;
  await page.locator('h1', { hasText: country.name }).waitFor();
  await page.locator(`.relation[data-type="TARGETS"][data-id="glacy-plus"]`).waitFor();
  await shot(page, 'entity-after-link', { fullPage: true });

  // Back returns to GLACY+.
  await page.goBack();
  await page.locator('h1', { hasText: project.name }).waitFor();

  assert.deepEqual(problems, []);
});

test('an unknown entity says so in words, with the API\'s code', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/entity/no-such-entity'));
  const error = page.locator('.error[data-error-code]');
  await error.waitFor();
  assert.equal(await error.getAttribute('data-error-code'), 'NOT_FOUND');
  assert.match(await error.textContent(), /Not found/);
  assert.match(await error.textContent(), /no-such-entity/);
  // The API answers 200 with an error; the page must not log script errors.
  assert.deepEqual(problems, []);
});
