import { gql, isAbort } from '../api.js';
import { h, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { COVERAGE, TIMELINE } from '../queries.js';
import {
  STATUSES, capitalise, entityHref, formatDate, statusInfo, stepDateText, todayISO,
} from '../format.js';
import { barChart } from '../chart.js';

// The conventions the matrix shows, in treaty order: Lanzarote, Budapest and
// its two protocols.
const INSTRUMENTS = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];

const ACTIONS = [
  ['RATIFICATION', 'Ratifications and accessions', 'ratifications'],
  ['SIGNATURE', 'Signatures', 'signatures'],
  ['ENTRY_INTO_FORCE', 'Entries into force', 'entries into force'],
];

const INTERVALS = [
  ['YEAR', 'Year'],
  ['MONTH', 'Month'],
];

const PARTY = ['RATIFIED', 'IN_FORCE'];

export function coverageView({ outlet, query, signal, updateQuery }) {
  const dateId = uniqueId('cov-date');
  const date = h('input', { id: dateId, type: 'date', name: 'asOf', value: valid(query.get('asOf')) || '', min: '1949-05-05', max: todayISO() });
  const matrix = h('div', { class: 'matrix-wrap', 'aria-live': 'polite' });
  const timeline = h('div', { class: 'timeline' });
  const instSelectId = uniqueId('tl-inst');
  const actionSelectId = uniqueId('tl-action');
  const instSelect = h('select', { id: instSelectId, name: 'timeline' });
  const actionSelect = h('select', { id: actionSelectId, name: 'action' },
    ACTIONS.map(([v, label]) => h('option', { value: v, selected: (query.get('action') || 'RATIFICATION') === v }, label)));
  const intervalSelectId = uniqueId('tl-interval');
  const intervalSelect = h('select', { id: intervalSelectId, name: 'interval' },
    INTERVALS.map(([v, label]) => h('option', { value: v, selected: (query.get('interval') || 'year').toUpperCase() === v }, label)));
  const names = new Map();

  outlet.append(
    h('h1', null, 'Treaty coverage'),
    h('p', null, 'Where each Council of Europe member state stands with the Lanzarote Convention, the Budapest Convention and its two protocols.'),
    h('form', { class: 'panel inline-form', onsubmit: (e) => { e.preventDefault(); loadMatrix(); } },
      h('div', { class: 'field' }, h('label', { for: dateId }, 'As of'), date),
      h('button', { type: 'submit', class: 'button' }, 'Show'),
      h('button', { type: 'button', class: 'button secondary', onclick: () => { date.value = ''; loadMatrix(); } }, 'Today')),
    legend(),
    matrix,
    h('section', { class: 'timeline-section', 'aria-labelledby': 'tl-heading' },
      h('h2', { id: 'tl-heading' }, 'Over time'),
      h('form', { class: 'panel inline-form', onsubmit: (e) => { e.preventDefault(); loadTimeline(); } },
        h('div', { class: 'field' }, h('label', { for: instSelectId }, 'Convention'), instSelect),
        h('div', { class: 'field' }, h('label', { for: actionSelectId }, 'Count'), actionSelect),
        h('div', { class: 'field' }, h('label', { for: intervalSelectId }, 'Per'), intervalSelect)),
      timeline),
  );

  function fillInstruments() {
    const chosen = instSelect.value || query.get('timeline') || 'ets-185';
    instSelect.replaceChildren(...INSTRUMENTS.map((id) => h('option', { value: id, selected: id === chosen }, names.get(id) || id)));
  }
  fillInstruments();
  instSelect.addEventListener('change', loadTimeline);
  actionSelect.addEventListener('change', loadTimeline);
  intervalSelect.addEventListener('change', loadTimeline);

  let matrixSeq = 0;
  async function loadMatrix() {
    const asOf = valid(date.value);
    updateQuery({ asOf });
    const mine = ++matrixSeq;
    matrix.dataset.loaded = 'false';
    matrix.replaceChildren(loading(`the matrix${asOf ? ` as of ${formatDate(asOf)}` : ''}`));
    try {
      const data = await gql(COVERAGE, { instruments: INSTRUMENTS, asOf }, { signal });
      if (mine !== matrixSeq) return;
      for (const { node } of data.instruments.edges) names.set(node.id, instrumentLabel(node));
      fillInstruments();
      const instruments = INSTRUMENTS.map((id) => data.instruments.edges.find((e) => e.node.id === id)?.node || { id, number: id, name: id });
      matrix.replaceChildren(
        h('p', { class: 'matrix-summary muted', 'aria-hidden': 'true' }, summary(data.coverage, asOf)),
        table(data.coverage, instruments, asOf));
      matrix.dataset.loaded = 'true';
      matrix.dataset.asOf = asOf || 'today';
    } catch (err) {
      if (isAbort(err) || mine !== matrixSeq) return;
      matrix.dataset.loaded = 'error';
      matrix.replaceChildren(errorView(err, { retry: loadMatrix }));
    }
  }

  let timelineSeq = 0;
  async function loadTimeline() {
    const instrument = instSelect.value;
    const [action, , unit] = ACTIONS.find(([v]) => v === actionSelect.value);
    const interval = intervalSelect.value;
    updateQuery({
      timeline: instrument === 'ets-185' ? null : instrument,
      action: action === 'RATIFICATION' ? null : action,
      interval: interval === 'YEAR' ? null : interval.toLowerCase(),
    });
    const mine = ++timelineSeq;
    timeline.dataset.loaded = 'false';
    timeline.replaceChildren(loading('the timeline'));
    try {
      const data = await gql(TIMELINE, { instrument, action, interval }, { signal });
      if (mine !== timelineSeq) return;
      const inst = data.instrument;
      names.set(inst.id, instrumentLabel(inst));
      timeline.replaceChildren(timelineBody(data.timeline, { interval, unit, name: names.get(instrument) || instrument }));
      timeline.dataset.loaded = 'true';
      timeline.dataset.instrument = instrument;
      timeline.dataset.action = action;
      timeline.dataset.interval = interval;
    } catch (err) {
      if (isAbort(err) || mine !== timelineSeq) return;
      timeline.dataset.loaded = 'error';
      timeline.replaceChildren(errorView(err, { retry: loadTimeline }));
    }
  }

  loadMatrix();
  loadTimeline();
}

// timelineBody draws the buckets of the chosen precision and says beside
// the chart what it cannot place on its axis: steps recorded without a date,
// and under months those the sources date only to the year.
function timelineBody(buckets, { interval, unit, name }) {
  const drawn = buckets.filter((b) => !b.undated && b.precision === interval);
  const yearOnly = interval === 'MONTH' ? buckets.filter((b) => !b.undated && b.precision === 'YEAR') : [];
  const undated = buckets.filter((b) => b.undated).reduce((n, b) => n + b.count, 0);
  const yearOnlyCount = yearOnly.reduce((n, b) => n + b.count, 0);
  const per = interval === 'MONTH' ? 'month' : 'year';

  const notes = [];
  if (yearOnlyCount) {
    notes.push(h('p', { class: 'timeline-year-only', dataset: { count: yearOnlyCount } },
      h('strong', null, `+ ${yearOnlyCount} dated only to the year`),
      h('span', { class: 'muted small' }, ` (${yearOnly.map((b) => `${b.period}: ${b.count}`).join(', ')}), not drawn as months`)));
  }
  if (undated) {
    notes.push(h('p', { class: 'timeline-undated', dataset: { count: undated } },
      h('strong', null, `+ ${undated} undated`),
      h('span', { class: 'muted small' }, ` ${undated === 1 ? 'is' : 'are'} recorded without a date, so not drawn`)));
  }
  const chart = drawn.length
    ? barChart(drawn, {
      title: `${capitalise(unit)} of ${name} per ${per}`,
      unit,
      interval,
      extraRows: [
        ...yearOnly.map((b) => [`${b.period} (month unknown)`, b.count]),
        ...(undated ? [['Undated', undated]] : []),
      ],
    })
    : h('p', { class: 'empty' }, `No ${unit} of ${name} are dated to the ${per}.`);
  return h('div', { class: 'timeline-body' },
    chart,
    notes.length ? h('div', { class: 'timeline-notes', 'aria-label': 'Not drawn' }, notes) : null);
}

// A cell whose status the sources leave open on that day: a step's window
// holds the day, so the state may or may not have taken it yet. UNKNOWN is
// its own status, already shown as such.
function isOpen(cell) {
  return !cell.certain && cell.status !== 'UNKNOWN';
}

// cellText is a cell's tooltip and the words a screen reader gives it: the
// API's reading of the day (with the window when open) and the steps' dates.
function cellText(cell) {
  const steps = [
    ['signed', cell.signed, cell.signedWindow],
    ['ratified', cell.ratified, cell.ratifiedWindow],
    ['in force', cell.entryIntoForce, cell.entryIntoForceWindow],
  ].map(([what, date, window]) => {
    const t = stepDateText(date, window);
    if (!t) return null;
    return date ? `${what} ${t}` : `${what}, ${t}`;
  }).filter(Boolean).join('; ');
  const reading = isOpen(cell) ? capitalise(cell.statusNote) : statusInfo(cell.status).label;
  return steps ? `${reading} — ${steps}` : reading;
}

function table(rows, instruments, asOf) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, `No member state is recorded${asOf ? ` on ${formatDate(asOf)}` : ''}.`);
  }
  const parties = instruments.map((_, i) => rows.filter((r) => PARTY.includes(r.cells[i].status)).length);
  const maybe = instruments.map((_, i) => rows.filter((r) => isOpen(r.cells[i]) && PARTY.includes(r.cells[i].possibleStatus)
    && !PARTY.includes(r.cells[i].status)).length);
  return h('table', { class: 'matrix', 'data-as-of': asOf || 'today' },
    h('caption', { class: 'visually-hidden' }, summary(rows, asOf)),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'State'),
      instruments.map((inst) => h('th', { scope: 'col', 'data-instrument': inst.id },
        h('a', { href: entityHref(inst.id), title: inst.name }, inst.number || inst.id),
        inst.shortName ? h('span', { class: 'col-sub' }, inst.shortName) : null)))),
    h('tbody', null, rows.map((row) => h('tr', { 'data-country': row.country.id },
      h('th', { scope: 'row' }, h('a', { href: entityHref(row.country.id) }, row.country.name)),
      row.cells.map((cell) => {
        const s = statusInfo(cell.status);
        const open = isOpen(cell);
        const text = cellText(cell);
        return h('td', {
          class: ['cell', `status-${cell.status.toLowerCase()}`, open && 'uncertain'],
          'data-country': row.country.id,
          'data-instrument': cell.instrument.id,
          'data-status': cell.status,
          'data-certain': String(cell.certain),
          title: text,
        },
        h('span', { 'aria-hidden': 'true' }, s.short),
        open ? h('span', { class: 'maybe', 'aria-hidden': 'true' }, `or ${statusInfo(cell.possibleStatus).label.toLowerCase()}?`) : null,
        h('span', { class: 'visually-hidden' }, text));
      })))),
    h('tfoot', null, h('tr', null,
      h('th', { scope: 'row' }, 'Parties'),
      parties.map((n, i) => h('td', null, String(n),
        maybe[i] ? h('span', { class: 'maybe', title: `${maybe[i]} more may have been parties on that day` }, ` +${maybe[i]}?`) : null)))));
}

function summary(rows, asOf) {
  const open = rows.reduce((n, r) => n + r.cells.filter(isOpen).length, 0);
  const day = asOf ? `on ${formatDate(asOf)}` : 'today';
  return `${rows.length} member states ${day}${open ? `; ${open} ${open === 1 ? 'status' : 'statuses'} not certain that day (hatched)` : ''}`;
}

export function legend() {
  return h('ul', { class: 'legend status-legend', 'aria-label': 'Statuses' },
    STATUSES.map((s) => h('li', { title: s.help },
      h('span', { class: `swatch status-${s.value.toLowerCase()}`, 'aria-hidden': 'true' }),
      h('span', null, s.label), h('span', { class: 'muted small legend-help' }, ` — ${s.help}`))),
    h('li', { class: 'legend-uncertain', title: UNCERTAIN_HELP },
      h('span', { class: 'swatch status-signed uncertain', 'aria-hidden': 'true' }),
      h('span', null, 'Not certain'), h('span', { class: 'muted small legend-help' }, ` — ${UNCERTAIN_HELP}`)));
}

const UNCERTAIN_HELP = 'Hatched, with what it may also be: the sources date a step only to the month or year, or not at all, '
  + 'and the day falls within its window; a cell\'s tooltip gives the window';

function instrumentLabel(inst) {
  return inst.shortName ? `${inst.number} · ${inst.shortName}` : inst.number || inst.name;
}

function valid(d) {
  return d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}
