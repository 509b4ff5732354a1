// 4. The coverage matrix on 1 January 2020 and today: both as the API gives
// them, and different where the seed data says states moved since.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url } from './helpers.mjs';

const INSTRUMENTS = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];
const COVERAGE = `query ($instruments: [ID!]!, $asOf: Date) {
  coverage(instruments: $instruments, asOf: $asOf) { country { id } cells { instrument { id } status } }
}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function apiCells(asOf) {
  const rows = (await api(COVERAGE, { instruments: INSTRUMENTS, asOf })).coverage;
  const cells = {};
  for (const r of rows) for (const c of r.cells) cells[`${r.country.id} ${c.instrument.id}`] = c.status;
  return cells;
}

function uiCells(page) {
  return page.locator('.matrix td[data-status]').evaluateAll((tds) => Object.fromEntries(
    tds.map((td) => [`${td.dataset.country} ${td.dataset.instrument}`, td.dataset.status])));
}

function changed(a, b) {
  return Object.keys(a).filter((k) => k in b && a[k] !== b[k]).sort();
}

test('the matrix for 2020-01-01 and for today match the API and differ from each other', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/coverage'));
  await page.locator('.matrix-wrap[data-loaded="true"][data-as-of="today"]').waitFor();

  await page.getByLabel('As of', { exact: true }).fill('2020-01-01');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('.matrix-wrap[data-loaded="true"][data-as-of="2020-01-01"]').waitFor();
  const then = await uiCells(page);
  assert.match(page.url(), /asOf=2020-01-01/);
  await shot(page, 'coverage-2020', { fullPage: true });

  await page.getByRole('button', { name: 'Today' }).click();
  await page.locator('.matrix-wrap[data-loaded="true"][data-as-of="today"]').waitFor();
  const now = await uiCells(page);

  const [apiThen, apiNow] = await Promise.all([apiCells('2020-01-01'), apiCells(null)]);
  assert.deepEqual(then, apiThen, 'every cell on 2020-01-01 is the API\'s');
  assert.deepEqual(now, apiNow, 'every cell today is the API\'s');
  const moved = changed(then, now);
  assert.ok(moved.length > 0, 'at least one state stands elsewhere with a convention today than on 1 January 2020');
  assert.deepEqual(moved, changed(apiThen, apiNow));

  // Columns are the four conventions in order, every status has a legend
  // entry, and each cell says its status in words, not colour alone.
  assert.deepEqual(await page.locator('.matrix thead th[data-instrument]').evaluateAll((ths) => ths.map((th) => th.dataset.instrument)), INSTRUMENTS);
  const legend = await page.locator('.status-legend li').allTextContents();
  for (const word of ['In force', 'Ratified', 'Signed', 'Not signed', 'Unknown']) {
    assert.ok(legend.some((l) => l.startsWith(word)), `the legend explains ${word}`);
  }
  const [key] = moved;
  const [country, instrument] = key.split(' ');
  const cell = page.locator(`td[data-country="${country}"][data-instrument="${instrument}"]`);
  assert.ok((await cell.innerText()).trim().length > 0);
  await shot(page, 'coverage-today', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('the timeline draws the API\'s ratifications per year', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/coverage'));
  for (const instrument of ['ets-185', 'cets-201']) {
    await page.getByLabel('Convention', { exact: true }).selectOption(instrument);
    // Steps without a date are counted beside the chart, not drawn.
    const buckets = (await api(`query ($id: ID!) { timeline(instrument: $id, action: RATIFICATION, interval: YEAR) { period count undated } }`, { id: instrument }))
      .timeline.filter((b) => !b.undated);
    const want = Object.fromEntries(buckets.map((b) => [b.period, b.count]));
    await page.waitForFunction((n) => document.querySelectorAll('.bar-chart .bar').length > 0
      && [...document.querySelectorAll('.bar-chart .bar')].reduce((s, b) => s + Number(b.dataset.count), 0) === n,
    buckets.reduce((s, b) => s + b.count, 0));
    const bars = await page.locator('.bar-chart .bar').evaluateAll((gs) => gs.map((g) => [g.dataset.period, Number(g.dataset.count)]));
    assert.deepEqual(Object.fromEntries(bars.filter(([, n]) => n > 0)), want, `${instrument}: one bar per year with its count`);
    const years = bars.map(([y]) => Number(y));
    assert.deepEqual(years, years.map((_, i) => years[0] + i), 'years without any are drawn as gaps, not skipped');
  }
  assert.deepEqual(problems, []);
});
