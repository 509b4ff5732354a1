// 10. Copy link and Download CSV: in GraphiQL the link reopens the same
// query and variables, and in GraphiQL and the explorer the downloaded CSV is
// the API's table of the query the page ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { api, launch, openPage, shot, url } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const QUERY = `query Parties($id: ID!, $asOf: Date) {
  instrument(id: $id) {
    name
    parties(asOf: $asOf, first: 100) { totalCount edges { node { id name } status ratified } }
  }
}`;
const VARIABLES = '{"id": "cets-201", "asOf": "2015-06-30"}';

// apiCSV asks the API for the CSV of a query, as the tests' source of truth.
async function apiCSV(query, variables) {
  const params = new URLSearchParams({ query, format: 'csv' });
  if (variables) params.set('variables', typeof variables === 'string' ? variables : JSON.stringify(variables));
  const res = await fetch(url(`/graphql?${params}`), { headers: { 'GraphQL-Require-Preflight': '1' } });
  assert.equal(res.status, 200, `API CSV: HTTP ${res.status}`);
  return res.text();
}

const editorValue = (page, selector) => page.evaluate((s) => document.querySelector(s).CodeMirror.getValue(), selector);
const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const VARIABLES_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';

test('GraphiQL: the copied link reopens the same query and variables, and the CSV is the API\'s', async () => {
  const { page, context, problems } = await openPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url('') });
  await page.goto(url('/graphiql'));
  await page.locator(QUERY_EDITOR).waitFor();
  await page.evaluate(([s, q]) => document.querySelector(s).CodeMirror.setValue(q), [QUERY_EDITOR, QUERY]);
  await page.locator(VARIABLES_EDITOR).waitFor();
  await page.evaluate(([s, v]) => document.querySelector(s).CodeMirror.setValue(v), [VARIABLES_EDITOR, VARIABLES]);

  await page.getByRole('button', { name: 'Copy link to this query and its variables' }).click();
  await page.waitForFunction(() => document.body.dataset.sharedLink);
  const link = await page.evaluate(() => document.body.dataset.sharedLink);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, link, 'the clipboard holds the link');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the answer as CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^Parties-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  assert.equal(csv, await apiCSV(QUERY, VARIABLES), 'the download is the API\'s CSV');
  const data = await api(QUERY, JSON.parse(VARIABLES));
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'instrument.name,instrument.parties.totalCount,instrument.parties.edges.node.id,instrument.parties.edges.node.name,instrument.parties.edges.status,instrument.parties.edges.ratified,sources');
  assert.equal(lines.length - 1, data.instrument.parties.edges.length, 'one row per party');
  await shot(page, 'graphiql-share');

  // The link, opened in a new browser, shows the same query and variables.
  const other = await openPage(browser);
  await other.page.goto(link);
  await other.page.locator(QUERY_EDITOR).waitFor();
  await other.page.locator(VARIABLES_EDITOR).waitFor();
  assert.equal(await editorValue(other.page, QUERY_EDITOR), QUERY);
  assert.equal(await editorValue(other.page, VARIABLES_EDITOR), VARIABLES);
  await other.context.close();
  assert.deepEqual(problems, []);
});

test('Explorer: Download CSV saves the API\'s table of the view\'s query, and Copy link gives the view\'s address', async () => {
  const { page, context, problems } = await openPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url('') });
  const posts = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/graphql') posts.push(JSON.parse(req.postData()));
  });
  await page.goto(url('/explore/entity/cets-201'));
  await page.locator('main h1').waitFor();
  await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'));
  // The page's own query: its node (the live feed's cursor and stream are
  // requests of another kind).
  const viewQuery = posts.find((p) => /\bnode\(/.test(p.query || ''));
  assert.ok(viewQuery, 'the entity page asked for its node');

  await page.locator('[data-share="link"]').click();
  await page.waitForFunction(() => document.querySelector('[data-share="link"]').dataset.link);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url('/explore/entity/cets-201'));

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-share="csv"]').click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.equal(csv, await apiCSV(viewQuery.query, viewQuery.variables), 'the download is the API\'s CSV of the view\'s query');
  assert.ok(csv.split('\n')[0].includes('node.id'), `the CSV has the node's columns: ${csv.split('\n')[0]}`);
  assert.deepEqual(problems, []);
});
