// 5. GraphiQL at /graphiql: the editor appears with one tab per worked example.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { api, launch, openPage, shot, url } from './helpers.mjs';

const dir = new URL('../examples/', import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('GraphiQL opens with the worked examples and runs them', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/graphiql'));
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();

  const tabs = page.locator('.graphiql-tab');
  assert.equal(await tabs.count(), examples.length, 'one tab per file in web/examples');
  const names = examples.map((q) => /^\s*query\s+(\w+)/m.exec(q)[1]);
  const labels = (await tabs.allTextContents()).map((t) => t.trim());
  names.forEach((n, i) => assert.ok(labels[i].startsWith(n), `tab ${i + 1} is ${n}, got ${labels[i]}`));

  const editor = () => page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue());
  assert.equal(await editor(), examples[0], 'the first tab holds the first example, question line and all');

  // Run it: the answer is the API's.
  await page.locator('.graphiql-execute-button').click();
  const response = page.locator('.graphiql-response .CodeMirror');
  await page.waitForFunction(() => /"data"/.test(document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()));
  const shown = JSON.parse(await response.evaluate((el) => el.CodeMirror.getValue()));
  assert.deepEqual(shown.data, await api(examples[0]));
  await shot(page, 'graphiql');

  // Another tab shows its own example.
  await tabs.nth(3).locator('button').first().click();
  await page.waitForFunction((q) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue() === q, examples[3]);
  assert.deepEqual(problems, []);
});
