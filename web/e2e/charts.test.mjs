// 10. The charts: each bar is a group the API's groupBy gives, drawn to its
// count; a chart's link reopens it; its CSV is the API's groups.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url } from './helpers.mjs';
import { downloadCSV } from './csv.mjs';

const INSTRUMENTS = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];

// The expected groups, asked of the API independently of the page.
const RATIFIED_PER_YEAR = `query ($id: ID!, $asOf: Date) {
  instrument(id: $id) { parties(asOf: $asOf) { groupBy(keys: [{ edge: "ratified" }], interval: YEAR, first: 500) { key count } } }
}`;
const PER_FUNDER = `query ($first: Int!) {
  projects { groupBy(keys: [{ related: { type: FUNDED_BY, direction: OUTGOING } }], first: $first, sort: [{ field: COUNT, direction: DESC }, { field: KEY }]) { key count } }
}`;
const PER_STATUS = `query ($id: ID!, $asOf: Date) {
  instrument(id: $id) { participants(asOf: $asOf) { groupBy(keys: [{ status: true }, { certain: true }], first: 50) { key count } } }
}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function bars(page) {
  return page.locator('.plot-chart rect.bar').evaluateAll((rects) => rects.map((r) => {
    const box = r.getBBox();
    return { ...r.dataset, count: Number(r.dataset.count), width: box.width, height: box.height };
  }));
}

async function chartReady(page, chart) {
  await page.locator(`.chart-wrap[data-loaded="true"][data-chart="${chart}"]`).waitFor();
}

async function ratifiedPerYear(id, asOf = null) {
  return (await api(RATIFIED_PER_YEAR, { id, asOf })).instrument.parties.groupBy;
}

// sameScale says every bar is drawn to one scale: its length over its count
// is the same for all of them.
function assertOneScale(drawn, dimension, what) {
  const ratios = drawn.map((b) => b[dimension] / b.count);
  for (const r of ratios) assert.ok(Math.abs(r - ratios[0]) < 0.01 * ratios[0] + 0.5, `${what}: bars are drawn to their counts (${ratios.join(', ')})`);
}

test('the ratifications chart stacks the API\'s groups per treaty and year', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/charts'));
  await chartReady(page, 'ratifications');
  const drawn = await bars(page);
  const want = [];
  const undated = {};
  for (const id of INSTRUMENTS) {
    for (const g of await ratifiedPerYear(id)) {
      if (g.key[0] === null) undated[id] = g.count;
      else want.push(`${id} ${g.key[0]} ${g.count}`);
    }
  }
  assert.ok(want.length > 4, 'the seed graph has ratifications in several years');
  assert.deepEqual(drawn.map((b) => `${b.series} ${b.key} ${b.count}`).sort(), want.sort(), 'one bar segment per treaty and year, with the API\'s count');
  assertOneScale(drawn, 'height', 'ratifications');
  const notes = await page.locator('.chart-undated').evaluateAll((ps) => Object.fromEntries(ps.map((p) => [p.dataset.series, Number(p.dataset.count)])));
  assert.deepEqual(notes, undated, 'the undated groups are said beside the chart');
  await shot(page, 'charts-ratifications', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('the funders chart draws the API\'s top groups, largest first', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/charts?chart=funders&top=20'));
  await chartReady(page, 'funders');
  const drawn = await bars(page);
  const groups = (await api(PER_FUNDER, { first: 21 })).projects.groupBy.filter((g) => g.key[0] !== null).slice(0, 20);
  assert.ok(groups.length >= 3, 'the seed graph has several funders');
  assert.deepEqual(drawn.map((b) => [b.key, b.count]), groups.map((g) => [g.key[0], g.count]), 'one bar per funder, in the API\'s order, with its count');
  assertOneScale(drawn, 'width', 'funders');
  await shot(page, 'charts-funders', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('the statuses chart\'s link reopens it, and its CSV is the API\'s groups', async () => {
  const { page, context, problems } = await openPage(browser);
  await page.goto(url('/explore/charts'));
  await chartReady(page, 'ratifications');
  await page.getByLabel('Chart', { exact: true }).selectOption('statuses');
  await chartReady(page, 'statuses');
  await page.getByLabel('Treaty', { exact: true }).selectOption('ets-185');
  await page.getByLabel('As of', { exact: true }).fill('2012-06-30');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.locator('.chart-wrap[data-loaded="true"][data-chart="statuses"][data-as-of="2012-06-30"]').waitFor();
  const drawn = await bars(page);
  const groups = (await api(PER_STATUS, { id: 'ets-185', asOf: '2012-06-30' })).instrument.participants.groupBy;
  const want = groups.map((g) => `${g.key[0]} ${g.key[1]} ${g.count}`).sort();
  assert.deepEqual(drawn.map((b) => `${b.key} ${b.certain} ${b.count}`).sort(), want, 'one bar segment per status and certainty');
  assertOneScale(drawn, 'height', 'statuses');
  await shot(page, 'charts-statuses', { fullPage: true });

  const href = await page.getByRole('link', { name: 'Link to this chart' }).getAttribute('href');
  assert.deepEqual(Object.fromEntries(new URL(href, url('/')).searchParams), { chart: 'statuses', treaty: 'ets-185', asOf: '2012-06-30' });
  const again = await context.newPage();
  await again.goto(url(href));
  await again.locator('.chart-wrap[data-loaded="true"][data-chart="statuses"][data-as-of="2012-06-30"]').waitFor();
  assert.deepEqual((await bars(again)).map((b) => `${b.key} ${b.certain} ${b.count}`).sort(), want, 'the link draws the same chart');

  const csv = await downloadCSV(page);
  assert.equal(csv.filename, 'statuses-ets-185-2012-06-30.csv');
  assert.deepEqual(csv.header, ['treaty', 'as_of', 'status', 'certain', 'states']);
  assert.deepEqual(csv.rows.map((r) => `${r.status} ${r.certain} ${r.states}`).sort(), want, 'one CSV line per group, with the API\'s count');
  assert.ok(csv.rows.every((r) => r.treaty === 'ets-185' && r.as_of === '2012-06-30'));

  // The ratifications CSV holds the undated group too, as an empty year.
  await page.getByLabel('Chart', { exact: true }).selectOption('ratifications');
  await page.getByLabel('Treaty', { exact: true }).selectOption('cets-201');
  await page.locator('.chart-wrap[data-loaded="true"][data-chart="ratifications"][data-treaty="cets-201"]').waitFor();
  const rat = await downloadCSV(page);
  const ratWant = (await ratifiedPerYear('cets-201', '2012-06-30')).map((g) => `${g.key[0] ?? ''} ${g.count}`).sort();
  assert.deepEqual(rat.rows.map((r) => `${r.year} ${r.ratifications}`).sort(), ratWant);
  assert.deepEqual(problems, []);
});
