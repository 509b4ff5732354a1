// 9. The map: each state's colour is its status with the treaty on the day
// as the API gives it (hatched where the API says not certain), on two days;
// its link reopens the same map; its CSV is the API's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, bodyOverflow, launch, openPage, shot, url, PHONE } from './helpers.mjs';
import { downloadCSV } from './csv.mjs';

// The states the map shows, asked independently of the page: members,
// observers and the former member, and every other state with a step of the
// treaty recorded.
const STATES = `query ($i: ID!, $asOf: Date) {
  coverage(instruments: [$i], asOf: $asOf, countries: { OR: [
    { coeStatus: { in: [MEMBER, OBSERVER, FORMER_MEMBER] } },
    { treaties: { some: { instrument: { id: { eq: $i } } } } }
  ] }) { country { id } cells { status certain possibleStatus } }
}`;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function apiStates(instrument, asOf) {
  const rows = (await api(STATES, { i: instrument, asOf })).coverage;
  return Object.fromEntries(rows.map((r) => [r.country.id, r.cells[0]]));
}

// mapColours reads, for each drawn state, its status and certainty and the
// colour it is actually painted in: the computed fill, or for a hatched
// state the ground colour of its pattern.
function mapColours(page) {
  return page.locator('.world-map path.country').evaluateAll((paths) => Object.fromEntries(paths.map((p) => {
    const fill = getComputedStyle(p).fill;
    const m = /^url\("?#([^")]+)"?\)$/.exec(fill);
    const ground = m ? getComputedStyle(document.getElementById(m[1]).querySelector('rect')).fill : fill;
    return [p.dataset.country, { status: p.dataset.status, certain: p.dataset.certain === 'true', hatched: Boolean(m), colour: ground }];
  })));
}

// legendColours is each status's swatch colour in the legend.
function legendColours(page) {
  return page.locator('.status-legend .swatch:not(.uncertain)').evaluateAll((els) => Object.fromEntries(els.map((el) => {
    const status = [...el.classList].find((c) => c.startsWith('status-')).slice('status-'.length).toUpperCase();
    return [status, getComputedStyle(el).backgroundColor];
  })));
}

async function showMap(page, { asOf }) {
  if (asOf) {
    await page.getByLabel('As of', { exact: true }).fill(asOf);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
  } else {
    await page.getByRole('button', { name: 'Today' }).click();
  }
  await page.locator(`.map-wrap[data-loaded="true"][data-as-of="${asOf || 'today'}"]`).waitFor();
}

function compare(ui, want, legend, day) {
  assert.deepEqual(Object.keys(ui).sort(), Object.keys(want).sort(), `${day}: the map draws exactly the API's states`);
  for (const [id, cell] of Object.entries(want)) {
    const got = ui[id];
    assert.equal(got.status, cell.status, `${day}: ${id}'s status`);
    assert.equal(got.certain, cell.certain, `${day}: ${id}'s certainty`);
    assert.equal(got.colour, legend[cell.status], `${day}: ${id} is painted in the legend's colour for ${cell.status}`);
    assert.equal(got.hatched, !cell.certain && cell.status !== 'UNKNOWN', `${day}: ${id} is hatched exactly when the API says its status is not certain`);
  }
}

test('the map\'s colours are the API\'s statuses on 2015-01-01 and today', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/map'));
  await page.locator('.map-wrap[data-loaded="true"]').waitFor();
  await page.getByLabel('Treaty', { exact: true }).selectOption('cets-201');
  await page.locator('.map-wrap[data-loaded="true"][data-instrument="cets-201"]').waitFor();
  const legend = await legendColours(page);
  assert.equal(new Set(Object.values(legend)).size, 5, 'five statuses, five colours');

  await showMap(page, { asOf: '2015-01-01' });
  const then = await mapColours(page);
  await shot(page, 'map-2015', { fullPage: true });
  await showMap(page, { asOf: null });
  const now = await mapColours(page);
  const [apiThen, apiNow] = await Promise.all([apiStates('cets-201', '2015-01-01'), apiStates('cets-201', null)]);
  compare(then, apiThen, legend, '2015-01-01');
  compare(now, apiNow, legend, 'today');

  const moved = Object.keys(apiNow).filter((id) => apiThen[id] && apiThen[id].status !== apiNow[id].status);
  assert.ok(moved.length > 0, 'some state stands elsewhere with Lanzarote today than on 1 January 2015');
  assert.ok(Object.values(apiThen).some((c) => !c.certain && c.status !== 'UNKNOWN'), 'on 2015-01-01 some status is not certain, so hatching is tested');
  assert.equal(await page.locator('.map-missing').count(), 0, 'every state has a shape on the map');
  assert.deepEqual(problems, []);
});

test('the map\'s link reopens it, and its CSV is the API\'s answer', async () => {
  const { page, context, problems } = await openPage(browser);
  await page.goto(url('/explore/map'));
  await page.locator('.map-wrap[data-loaded="true"]').waitFor();
  await page.getByLabel('Treaty', { exact: true }).selectOption('ets-185');
  await page.getByLabel('Region', { exact: true }).selectOption('europe');
  await showMap(page, { asOf: '2012-06-30' });
  const drawn = await mapColours(page);

  const href = await page.getByRole('link', { name: 'Link to this map' }).getAttribute('href');
  assert.match(href, /^\/explore\/map\?/);
  const params = new URL(href, url('/')).searchParams;
  assert.deepEqual(Object.fromEntries(params), { treaty: 'ets-185', asOf: '2012-06-30', region: 'europe' });
  const again = await context.newPage();
  await again.goto(url(href));
  await again.locator('.map-wrap[data-loaded="true"][data-instrument="ets-185"][data-as-of="2012-06-30"][data-region="europe"]').waitFor();
  assert.equal(await again.getByLabel('Treaty', { exact: true }).inputValue(), 'ets-185');
  assert.equal(await again.getByLabel('As of', { exact: true }).inputValue(), '2012-06-30');
  assert.deepEqual(await mapColours(again), drawn, 'the link draws the same map');

  const csv = await downloadCSV(page);
  assert.equal(csv.filename, 'map-ets-185-2012-06-30.csv');
  const want = await apiStates('ets-185', '2012-06-30');
  assert.deepEqual(
    Object.fromEntries(csv.rows.map((r) => [r.country_id, { status: r.status, certain: r.certain === 'true', possibleStatus: r.possible_status }])),
    want,
    'one CSV line per state, with the API\'s status, certainty and possible status');
  for (const r of csv.rows) {
    assert.equal(r.treaty, 'ets-185');
    assert.equal(r.as_of, '2012-06-30');
  }
  assert.deepEqual(problems, []);
});

test('at phone width the map fits the screen', async () => {
  const { page, problems } = await openPage(browser, PHONE);
  await page.goto(url('/explore/map?region=europe'));
  await page.locator('.map-wrap[data-loaded="true"][data-region="europe"]').waitFor();
  const { scrollWidth, clientWidth } = await bodyOverflow(page);
  assert.ok(scrollWidth <= clientWidth, `the body is ${scrollWidth}px wide in a ${clientWidth}px window`);
  const box = await page.locator('.world-map').boundingBox();
  assert.ok(box.width > 300 && box.x >= 0 && box.x + box.width <= PHONE.width, 'the map spans the screen without overflowing it');
  await shot(page, 'phone-map', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('a treaty\'s page opens its map', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/entity/ets-189'));
  await page.getByRole('link', { name: 'On a map' }).click();
  await page.locator('.map-wrap[data-loaded="true"][data-instrument="ets-189"]').waitFor();
  assert.equal(await page.getByLabel('Treaty', { exact: true }).inputValue(), 'ets-189');
  assert.deepEqual(problems, []);
});
