// Keyboard use: every control is reached with Tab, shows where focus is, and
// Enter activates it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, url } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// focused describes the focused element and whether a focus ring is drawn.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40),
      label: el.labels && el.labels[0] ? el.labels[0].textContent.trim() : null,
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

test('Tab reaches the nav and the controls, with a visible focus, and Enter follows', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/coverage'));
  await page.locator('.matrix-wrap[data-loaded="true"]').waitFor();
  await page.getByRole('link', { name: 'GraphiQL', exact: true }).waitFor();

  const seen = [];
  for (let i = 0; i < 20; i += 1) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.ok(f.ring, `focus on ${f.tag} “${f.text || f.label}” is visible`);
    seen.push(f.label || f.text);
  }
  for (const name of ['Skip to content', 'Search', 'Graph', 'Path', 'Coverage', 'Map', 'Charts', 'GraphiQL', 'Copy link', 'Download CSV', 'As of', 'Show', 'Today']) {
    assert.ok(seen.includes(name), `Tab reaches ${name}: ${JSON.stringify(seen)}`);
  }

  // Back to the nav: Enter on "Path" opens the path finder and puts focus
  // on its heading.
  await page.getByRole('link', { name: 'Path', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/explore\/path$/);
  await page.locator('h1', { hasText: 'Path finder' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');

  // The coverage date can be set and shown without a mouse.
  await page.goto(url('/explore/coverage'));
  await page.locator('.matrix-wrap[data-loaded="true"]').waitFor();
  await page.getByLabel('As of', { exact: true }).focus();
  await page.keyboard.type('01012015');
  await page.keyboard.press('Enter');
  await page.locator('.matrix-wrap[data-loaded="true"][data-as-of="2015-01-01"]').waitFor();
  assert.deepEqual(problems, []);
});
