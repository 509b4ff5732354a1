// 5. Dates as the sources give them: a status the sources leave open on a
// day is shown as such with its window, undated steps are counted beside the
// timeline, and a step recorded without a date says "date unknown".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, launch, openPage, shot, url } from './helpers.mjs';

const INSTRUMENTS = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];
const ACTIONS = ['RATIFICATION', 'SIGNATURE', 'ENTRY_INTO_FORCE'];
const STEP_FIELDS = `signed ratified entryIntoForce
  signedWindow { from to } ratifiedWindow { from to } entryIntoForceWindow { from to }`;
const COVERAGE = `query ($instruments: [ID!]!, $asOf: Date) {
  coverage(instruments: $instruments, asOf: $asOf) {
    country { id }
    cells { instrument { id } status possibleStatus certain statusNote window { from to } ${STEP_FIELDS} }
  }
}`;
const TIMELINE = `query ($id: ID!, $action: TreatyAction!, $interval: TimeInterval!) {
  timeline(instrument: $id, action: $action, interval: $interval) { period count precision undated }
}`;
const TREATIES = `query ($id: ID!) {
  country(id: $id) { treaties(first: 500) { edges { node { id } ${STEP_FIELDS} } } }
}`;
const PARTICIPANTS = `query ($id: ID!) {
  instrument(id: $id) { participants(first: 500) { edges { node { id } ${STEP_FIELDS} } } }
}`;
// The three steps of a treaty edge: the page's data-step, the API's date and
// window fields.
const STEPS = [['signed', 'signed', 'signedWindow'], ['ratified', 'ratified', 'ratifiedWindow'],
  ['entryIntoForce', 'entryIntoForce', 'entryIntoForceWindow']];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function coverage(asOf) {
  const rows = (await api(COVERAGE, { instruments: INSTRUMENTS, asOf })).coverage;
  return rows.flatMap((r) => r.cells.map((c) => ({ country: r.country.id, ...c })));
}

// An open cell: the day lies inside a step's window, so the status may be
// higher than the one the sources settle. UNKNOWN is a status of its own.
const isOpen = (c) => !c.certain && c.status !== 'UNKNOWN';

function midpoint({ from, to }) {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor((b - a) / 2 / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

// A day on which the API reports open cells, found from the API: the middle
// of a window wider than a day that some step of today's matrix has.
async function dayWithOpenCells() {
  const today = await coverage(null);
  const windows = today.flatMap((c) => [c.signedWindow, c.ratifiedWindow, c.entryIntoForceWindow])
    .filter((w) => w && w.from !== w.to);
  const days = [...new Set(windows.map(midpoint))].sort();
  assert.ok(days.length > 0, 'the seed graph has steps dated to less than the day, or not at all');
  for (const day of days) {
    const cells = await coverage(day);
    if (cells.some(isOpen)) return { day, cells };
  }
  assert.fail(`no day in the middle of a step's window (${days.join(', ')}) has an open cell in the API's coverage`);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// How a date reads at the precision it has: "2010", "October 2007",
// "25 October 2007"; never a month or year as its first day.
function inWords(date) {
  const [y, m, d] = date.split('-');
  if (!m) return y;
  if (!d) return `${MONTHS[Number(m) - 1]} ${y}`;
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

test('an open cell is hatched and its tooltip gives its window as the API states it', async () => {
  const { day, cells } = await dayWithOpenCells();
  const open = cells.filter(isOpen);
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/coverage'));
  await page.getByLabel('As of', { exact: true }).fill(day);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator(`.matrix-wrap[data-loaded="true"][data-as-of="${day}"]`).waitFor();

  const hatched = await page.locator('.matrix td.uncertain').evaluateAll((tds) => tds.map((td) => `${td.dataset.country} ${td.dataset.instrument}`));
  assert.deepEqual(hatched.sort(), open.map((c) => `${c.country} ${c.instrument.id}`).sort(),
    `on ${day} the hatched cells are those the API says are not certain`);
  for (const c of open) {
    assert.ok(c.window, `the API gives ${c.country} ${c.instrument.id} a window on ${day}`);
    const td = page.locator(`.matrix td[data-country="${c.country}"][data-instrument="${c.instrument.id}"]`);
    const title = await td.getAttribute('title');
    const where = `${c.country} ${c.instrument.id} on ${day}: "${title}"`;
    assert.ok(title.toLowerCase().includes(c.statusNote.toLowerCase()), `${where} gives the API's reading "${c.statusNote}"`);
    assert.ok(title.includes(c.window.from) && title.includes(c.window.to), `${where} gives the window ${c.window.from} to ${c.window.to}`);
    // Screen readers get the same words as the tooltip.
    const row = page.locator(`.matrix tr[data-country="${c.country}"]`);
    assert.equal(await row.getByRole('cell', { name: title, exact: true }).count(), 1, `${where} is the cell's accessible name`);
    // And the page says it in words, not by colour or pattern alone.
    const possible = c.possibleStatus.toLowerCase().replace('_', ' ');
    assert.match(await td.innerText(), new RegExp(`or ${possible}\\?`), `${where} says what else it may be`);
  }
  for (const c of cells.filter((x) => x.certain)) {
    const title = await page.locator(`.matrix td[data-country="${c.country}"][data-instrument="${c.instrument.id}"]`).getAttribute('title');
    assert.ok(!/may have/.test(title), `${c.country} ${c.instrument.id} is certain on ${day} and its tooltip says so: "${title}"`);
  }
  assert.match(await page.locator('.matrix-summary').textContent(), new RegExp(`${open.length} statuses? not certain`));
  await shot(page, 'coverage-open-cells', { fullPage: true });
  assert.deepEqual(problems, []);
});

test('the count of undated steps beside the timeline is the API\'s undated bucket', async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(url('/explore/coverage'));
  const timeline = page.locator('.timeline');
  let undatedSeen = 0;
  let yearOnlySeen = 0;
  for (const interval of ['YEAR', 'MONTH']) {
    await page.getByLabel('Per', { exact: true }).selectOption(interval);
    for (const instrument of INSTRUMENTS) {
      await page.getByLabel('Convention', { exact: true }).selectOption(instrument);
      for (const action of ACTIONS) {
        await page.getByLabel('Count', { exact: true }).selectOption(action);
        await page.locator(`.timeline[data-loaded="true"][data-instrument="${instrument}"][data-action="${action}"][data-interval="${interval}"]`).waitFor();
        const buckets = (await api(TIMELINE, { id: instrument, action, interval })).timeline;
        const where = `timeline(instrument: ${instrument}, action: ${action}, interval: ${interval})`;
        const sum = (bs) => bs.reduce((n, b) => n + b.count, 0);
        const undated = sum(buckets.filter((b) => b.undated));
        const yearOnly = interval === 'MONTH' ? sum(buckets.filter((b) => !b.undated && b.precision === 'YEAR')) : 0;
        const drawn = buckets.filter((b) => !b.undated && b.precision === interval);

        const note = timeline.locator('.timeline-undated');
        if (undated) {
          assert.match(await note.innerText(), new RegExp(`^\\+ ${undated} undated\\b`), `${where}: the API counts ${undated} undated`);
          undatedSeen += 1;
        } else {
          assert.equal(await note.count(), 0, `${where}: the API has no undated bucket, the page no undated count`);
        }
        const yearNote = timeline.locator('.timeline-year-only');
        if (yearOnly) {
          assert.match(await yearNote.innerText(), new RegExp(`^\\+ ${yearOnly} dated only to the year\\b`), `${where}: ${yearOnly} only to the year`);
          yearOnlySeen += 1;
        } else {
          assert.equal(await yearNote.count(), 0, `${where}: nothing dated only to the year`);
        }
        const bars = await timeline.locator('.bar-chart .bar').evaluateAll((gs) => gs.map((g) => [g.dataset.period, Number(g.dataset.count)]));
        assert.deepEqual(Object.fromEntries(bars.filter(([, n]) => n > 0)), Object.fromEntries(drawn.map((b) => [b.period, b.count])),
          `${where}: one bar per ${interval.toLowerCase()} the API dates to it, and no other`);
        assert.ok(bars.every(([p]) => (interval === 'YEAR' ? /^\d{4}$/ : /^\d{4}-\d{2}$/).test(p)), `${where}: every bar is a ${interval.toLowerCase()}`);
      }
    }
  }
  assert.ok(undatedSeen > 0, 'the API has undated steps for at least one convention and step');
  assert.ok(yearOnlySeen > 0, 'under months, the API has steps dated only to the year for at least one convention and step');
  await shot(page, 'timeline-month', { fullPage: true });
  assert.deepEqual(problems, []);
});

// A state with a step the API records without a date, found from the API;
// one that also has a date known only to the month or year when there is.
async function stateWithUndatedStep() {
  const cells = await coverage(null);
  const undated = (c) => STEPS.some(([, date, window]) => !c[date] && c[window]);
  const partial = (c) => STEPS.some(([, date]) => c[date] && c[date].length < 10);
  const withUndated = cells.filter(undated);
  assert.ok(withUndated.length > 0, 'the API records some step without a date');
  return withUndated.find((c) => cells.some((o) => o.country === c.country && partial(o))) || withUndated[0];
}

// checkSteps compares each row's step cells with the API's edge: the date at
// its precision, "date unknown" with the window, or nothing recorded.
async function checkSteps(page, edges, where) {
  let unknown = 0;
  for (const e of edges) {
    for (const [step, date, window] of STEPS) {
      const td = page.locator(`.treaties tr[data-id="${e.node.id}"] td[data-step="${step}"]`);
      const text = (await td.innerText()).trim();
      const times = await td.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
      const at = `${where}, ${e.node.id} ${step}`;
      if (e[date]) {
        assert.deepEqual(times, [e[date]], `${at}: the date as the API gives it, at its precision`);
        assert.ok(text.startsWith(inWords(e[date])), `${at}: "${text}" reads ${inWords(e[date])}`);
      } else if (e[window]) {
        assert.equal(text, `date unknown (between ${inWords(e[window].from)} and ${inWords(e[window].to)})`, at);
        assert.deepEqual(times, [e[window].from, e[window].to], `${at}: the window as the API gives it`);
        unknown += 1;
      } else {
        assert.equal(text, '—', `${at}: no such step is recorded`);
      }
    }
  }
  return unknown;
}

test('an entity page says "date unknown", with the window, for a step the API records without a date', async () => {
  const cell = await stateWithUndatedStep();
  const { page, problems } = await openPage(browser);

  await page.goto(url(`/explore/entity/${cell.country}`));
  await page.locator('.treaties[data-loaded="true"]').waitFor();
  const treaties = (await api(TREATIES, { id: cell.country })).country.treaties.edges;
  const rows = await page.locator('.treaties tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(rows, treaties.map((e) => e.node.id), `${cell.country}: one row per treaty the API lists, in its order`);
  assert.ok(await checkSteps(page, treaties, cell.country) > 0, `${cell.country}: the page shows a step without a date`);
  await shot(page, 'entity-date-unknown', { fullPage: true });

  // The treaty's page says the same of that state.
  await page.goto(url(`/explore/entity/${cell.instrument.id}`));
  await page.locator('.treaties[data-loaded="true"]').waitFor();
  const participants = (await api(PARTICIPANTS, { id: cell.instrument.id })).instrument.participants.edges;
  const mine = participants.filter((e) => e.node.id === cell.country);
  assert.equal(mine.length, 1, `${cell.instrument.id} lists ${cell.country} among its participants`);
  assert.ok(await checkSteps(page, mine, cell.instrument.id) > 0, `${cell.instrument.id}: ${cell.country}'s step without a date`);
  assert.equal(await page.locator('.treaties tbody tr').count(), participants.length, `${cell.instrument.id}: one row per participant`);
  assert.deepEqual(problems, []);
});
