import { gql, isAbort } from '../api.js';
import { h, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { MAP_COVERAGE } from '../queries.js';
import { capitalise, entityHref, formatDate, statusInfo, todayISO } from '../format.js';
import { viewTools } from '../csv.js';
import { legend } from './coverage.js';

const INSTRUMENTS = [
  ['cets-201', 'CETS 201 · Lanzarote Convention'],
  ['ets-185', 'ETS 185 · Budapest Convention'],
  ['ets-189', 'ETS 189 · First Additional Protocol (Budapest)'],
  ['cets-224', 'CETS 224 · Second Additional Protocol (Budapest)'],
];
const DEFAULT_INSTRUMENT = 'cets-201';
const REGIONS = [['world', 'World'], ['europe', 'Europe']];
const STATUS_KEYS = ['IN_FORCE', 'RATIFIED', 'SIGNED', 'NOT_SIGNED', 'UNKNOWN'];

const CSV_COLUMNS = [
  ['countryId', 'country_id'], ['country', 'country'], ['iso2', 'iso2'], ['iso3', 'iso3'], ['coeStatus', 'coe_status'],
  ['treaty', 'treaty'], ['asOf', 'as_of'], ['status', 'status'], ['certain', 'certain'], ['possibleStatus', 'possible_status'],
  ['windowFrom', 'window_from'], ['windowTo', 'window_to'], ['statusNote', 'status_note'],
];

// mapView colours the member and observer states, and the treaty's parties
// elsewhere, by where they stand with one treaty on one day. The treaty, the
// day and the framing are in the address, so a link reopens the same map.
export function mapView({ outlet, query, signal, updateQuery, navigate }) {
  const instId = uniqueId('map-inst');
  const dateId = uniqueId('map-date');
  const regionId = uniqueId('map-region');
  const chosen = INSTRUMENTS.some(([id]) => id === query.get('treaty')) ? query.get('treaty') : DEFAULT_INSTRUMENT;
  const instSelect = h('select', { id: instId, name: 'treaty' },
    INSTRUMENTS.map(([id, label]) => h('option', { value: id, selected: id === chosen }, label)));
  const date = h('input', { id: dateId, type: 'date', name: 'asOf', value: valid(query.get('asOf')) || '', min: '1949-05-05', max: todayISO() });
  const regionSelect = h('select', { id: regionId, name: 'region' },
    REGIONS.map(([v, label]) => h('option', { value: v, selected: (query.get('region') || 'world') === v }, label)));
  const body = h('div', { class: 'map-wrap', 'aria-live': 'polite' });
  const tools = viewTools({ label: 'map' });

  outlet.append(
    h('h1', null, 'Map'),
    h('p', null, 'Where the member and observer states of the Council of Europe, and the treaty\'s parties beyond it, stand with a treaty on a day.'),
    h('form', { class: 'panel inline-form', onsubmit: (e) => { e.preventDefault(); load(); } },
      h('div', { class: 'field' }, h('label', { for: instId }, 'Treaty'), instSelect),
      h('div', { class: 'field' }, h('label', { for: dateId }, 'As of'), date),
      h('div', { class: 'field' }, h('label', { for: regionId }, 'Region'), regionSelect),
      h('button', { type: 'submit', class: 'button' }, 'Show'),
      h('button', { type: 'button', class: 'button secondary', onclick: () => { date.value = ''; load(); } }, 'Today')),
    legend(),
    body,
    tools.element,
  );
  instSelect.addEventListener('change', load);
  regionSelect.addEventListener('change', load);

  let seq = 0;
  async function load() {
    const instrument = instSelect.value;
    const asOf = valid(date.value);
    const region = regionSelect.value;
    updateQuery({ treaty: instrument === DEFAULT_INSTRUMENT ? null : instrument, asOf, region: region === 'world' ? null : region });
    const mine = ++seq;
    body.dataset.loaded = 'false';
    body.replaceChildren(loading(`the map${asOf ? ` as of ${formatDate(asOf)}` : ''}`));
    try {
      // The atlas is a module of its own, fetched once when a map is first
      // drawn, so the other views do not carry it.
      const [{ drawMap }, data] = await Promise.all([
        import('../worldmap.js'),
        gql(MAP_COVERAGE, { instrument, asOf }, { signal }),
      ]);
      if (mine !== seq) return;
      const inst = data.instrument || { id: instrument, number: instrument, name: instrument };
      const rows = data.coverage.map((r) => toRow(r, inst, asOf));
      const colors = statusColors();
      const patterns = STATUS_KEYS.map((s) => ({ id: `map-hatch-${s.toLowerCase()}`, color: colors[s], stroke: s === 'IN_FORCE' ? 'rgba(255,255,255,0.6)' : 'rgba(0,0,0,0.35)' }));
      const day = asOf ? `on ${formatDate(asOf)}` : 'today';
      const { element, missing } = drawMap({
        rows,
        region,
        patterns,
        fill: (row) => (isOpen(row) ? `url(#map-hatch-${row.status.toLowerCase()})` : colors[row.status]),
        label: `${inst.number || inst.id}: ${summary(rows)} ${day}`,
        onPick: (row) => navigate(entityHref(row.country.id)),
      });
      body.replaceChildren(...[
        h('p', { class: 'muted map-summary' }, `${inst.number || inst.id}${inst.shortName ? ` (${inst.shortName})` : ''} ${day}: ${summary(rows)}.`),
        h('div', { class: 'map-frame' }, element),
        missing.length
          ? h('p', { class: 'muted small map-missing' }, `Not on the map (no shape for their code): ${missing.map((r) => `${r.country.name} (${statusInfo(r.status).label.toLowerCase()})`).join(', ')}.`)
          : null,
        statesTable(rows)].filter(Boolean));
      body.dataset.loaded = 'true';
      body.dataset.instrument = instrument;
      body.dataset.asOf = asOf || 'today';
      body.dataset.region = region;
      tools.update({
        filename: `map-${instrument}-${asOf || todayISO()}.csv`,
        columns: CSV_COLUMNS,
        rows: rows.map((r) => ({
          countryId: r.country.id, country: r.country.name, iso2: r.country.iso2, iso3: r.country.iso3, coeStatus: r.country.coeStatus,
          treaty: instrument, asOf: asOf || todayISO(), status: r.status, certain: r.certain, possibleStatus: r.possibleStatus,
          windowFrom: r.window?.from, windowTo: r.window?.to, statusNote: r.statusNote,
        })),
      });
    } catch (err) {
      if (isAbort(err) || mine !== seq) return;
      body.dataset.loaded = 'error';
      body.replaceChildren(errorView(err, { retry: load }));
    }
  }

  load();
  return () => tools.dispose();
}

function toRow(r, inst, asOf) {
  const cell = r.cells[0];
  const row = { key: r.country.id, country: r.country, ...cell };
  const reading = isOpen(row) ? capitalise(cell.statusNote) : statusInfo(cell.status).label;
  row.title = `${r.country.name}: ${reading} (${inst.number || inst.id}, ${asOf ? formatDate(asOf) : 'today'})`;
  return row;
}

// As in the coverage matrix: a status the sources leave open on the day is
// hatched; UNKNOWN is a status of its own.
function isOpen(row) {
  return !row.certain && row.status !== 'UNKNOWN';
}

// statusColors reads the status colours the stylesheet defines, so the map,
// the matrix and the legend cannot drift apart.
function statusColors() {
  const style = getComputedStyle(document.documentElement);
  return Object.fromEntries(STATUS_KEYS.map((s) => [s, style.getPropertyValue(`--status-${s.toLowerCase()}`).trim()]));
}

function summary(rows) {
  const counts = STATUS_KEYS.map((s) => [s, rows.filter((r) => r.status === s).length]).filter(([, n]) => n);
  const open = rows.filter(isOpen).length;
  return `${rows.length} states — ${counts.map(([s, n]) => `${n} ${statusInfo(s).label.toLowerCase()}`).join(', ')}${open ? `; ${open} not certain that day (hatched)` : ''}`;
}

// statesTable says in words what the map says in colour, for screen
// readers, keyboards and anyone checking a small state.
function statesTable(rows) {
  const sorted = [...rows].sort((a, b) => a.country.name.localeCompare(b.country.name));
  return h('details', { class: 'map-table' },
    h('summary', null, 'The states in a table'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'treaty-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Status'))),
      h('tbody', null, sorted.map((r) => h('tr', { 'data-country': r.country.id },
        h('th', { scope: 'row' }, h('a', { href: entityHref(r.country.id) }, r.country.name)),
        h('td', null, h('span', { class: ['status-badge', `status-${r.status.toLowerCase()}`, isOpen(r) && 'uncertain'] },
          isOpen(r) ? capitalise(r.statusNote) : statusInfo(r.status).label))))))));
}

function valid(d) {
  return d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}
