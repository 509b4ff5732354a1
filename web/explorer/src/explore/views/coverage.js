import { gql, isAbort } from '../api.js';
import { h, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { COVERAGE, TIMELINE } from '../queries.js';
import { STATUSES, entityHref, formatDate, statusInfo, todayISO } from '../format.js';
import { barChart } from '../chart.js';

// The conventions the matrix shows, in treaty order: Lanzarote, Budapest and
// its two protocols.
const INSTRUMENTS = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];

const ACTIONS = [
  ['RATIFICATION', 'Ratifications and accessions', 'ratifications'],
  ['SIGNATURE', 'Signatures', 'signatures'],
  ['ENTRY_INTO_FORCE', 'Entries into force', 'entries into force'],
];

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
      h('h2', { id: 'tl-heading' }, 'Per year'),
      h('form', { class: 'panel inline-form', onsubmit: (e) => { e.preventDefault(); loadTimeline(); } },
        h('div', { class: 'field' }, h('label', { for: instSelectId }, 'Convention'), instSelect),
        h('div', { class: 'field' }, h('label', { for: actionSelectId }, 'Count'), actionSelect)),
      timeline),
  );

  function fillInstruments() {
    const chosen = instSelect.value || query.get('timeline') || 'ets-185';
    instSelect.replaceChildren(...INSTRUMENTS.map((id) => h('option', { value: id, selected: id === chosen }, names.get(id) || id)));
  }
  fillInstruments();
  instSelect.addEventListener('change', loadTimeline);
  actionSelect.addEventListener('change', loadTimeline);

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
    updateQuery({ timeline: instrument === 'ets-185' ? null : instrument, action: action === 'RATIFICATION' ? null : action });
    const mine = ++timelineSeq;
    timeline.replaceChildren(loading('the timeline'));
    try {
      const data = await gql(TIMELINE, { instrument, action }, { signal });
      if (mine !== timelineSeq) return;
      const inst = data.instrument;
      names.set(inst.id, instrumentLabel(inst));
      const buckets = data.timeline.filter((b) => /^\d{4}$/.test(b.period));
      if (!buckets.length) {
        timeline.replaceChildren(h('p', { class: 'empty' }, `No dated ${unit} are recorded for ${names.get(instrument) || instrument}.`));
        return;
      }
      timeline.replaceChildren(barChart(buckets, { title: `${capitalise(unit)} of ${names.get(instrument) || instrument} per year`, unit }));
    } catch (err) {
      if (isAbort(err) || mine !== timelineSeq) return;
      timeline.replaceChildren(errorView(err, { retry: loadTimeline }));
    }
  }

  loadMatrix();
  loadTimeline();
}

function table(rows, instruments, asOf) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, `No member state is recorded${asOf ? ` on ${formatDate(asOf)}` : ''}.`);
  }
  const parties = instruments.map((_, i) => rows.filter((r) => ['RATIFIED', 'IN_FORCE'].includes(r.cells[i].status)).length);
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
        const detail = [
          cell.signed ? `signed ${formatDate(cell.signed)}` : null,
          cell.ratified ? `ratified ${formatDate(cell.ratified)}` : null,
          cell.entryIntoForce ? `in force ${formatDate(cell.entryIntoForce)}` : null,
        ].filter(Boolean).join('; ');
        return h('td', {
          class: `cell status-${cell.status.toLowerCase()}`, 'data-country': row.country.id, 'data-instrument': cell.instrument.id,
          'data-status': cell.status, title: detail ? `${s.label}: ${detail}` : s.label,
        }, h('span', { 'aria-hidden': s.short !== s.label ? 'true' : undefined }, s.short),
        s.short !== s.label ? h('span', { class: 'visually-hidden' }, s.label) : null,
        detail ? h('span', { class: 'visually-hidden' }, ` (${detail})`) : null);
      })))),
    h('tfoot', null, h('tr', null,
      h('th', { scope: 'row' }, 'Parties'),
      parties.map((n) => h('td', null, String(n))))));
}

function summary(rows, asOf) {
  return `${rows.length} member states ${asOf ? `on ${formatDate(asOf)}` : 'today'}`;
}

function legend() {
  return h('ul', { class: 'legend status-legend', 'aria-label': 'Statuses' },
    STATUSES.map((s) => h('li', { title: s.help },
      h('span', { class: `swatch status-${s.value.toLowerCase()}`, 'aria-hidden': 'true' }),
      h('span', null, s.label), h('span', { class: 'muted small legend-help' }, ` — ${s.help}`))));
}

function instrumentLabel(inst) {
  return inst.shortName ? `${inst.number} · ${inst.shortName}` : inst.number || inst.name;
}

function valid(d) {
  return d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
