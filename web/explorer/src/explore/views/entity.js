import { gql, isAbort } from '../api.js';
import { h, loading } from '../dom.js';
import { errorView } from '../errors.js';
import { feedCursor, liveSection } from '../live.js';
import {
  COUNTRY_TREATIES, ENTITY, INSTRUMENT_PARTICIPANTS, relationsQuery,
} from '../queries.js';
import {
  entityLink, formatDate, humanKey, propertyValue, relationName, relationPhrase, shortLabel, sourceList, statusInfo,
  stepDate, typeBadge,
} from '../format.js';

// Typed fields worth a line of their own, in reading order.
const FIELDS = [
  ['number', 'Treaty number'],
  ['opened', 'Opened for signature', 'date'],
  ['openedPlace', 'Opened in'],
  ['entryIntoForce', 'Entry into force', 'date'],
  ['iso2', 'ISO code'],
  ['iso3', 'ISO 3166-1 alpha-3'],
  ['coeStatus', 'Council of Europe status', 'enum'],
  ['coeAccession', 'Joined the Council of Europe', 'date'],
  ['coeLeft', 'Left the Council of Europe', 'date'],
  ['startDate', 'Start', 'date'],
  ['endDate', 'End', 'date'],
  ['published', 'Published', 'date'],
];

// Relationship properties that date a fact come first in its line.
const DATE_KEYS = ['date', 'startDate', 'from', 'since', 'entryIntoForce', 'endDate', 'until', 'to'];

// The steps of a treaty whose date a relationship carries as `date`; one
// without it is recorded, but its date is unknown to the sources.
const DATED_STEPS = ['SIGNED', 'RATIFIED'];

// A country's treaties and a treaty's states, read through the typed
// connections that give each step's date or window.
const TREATY_TABLES = {
  Country: {
    query: COUNTRY_TREATIES, field: 'country', connection: 'treaties',
    heading: 'Treaties', column: 'Treaty', empty: 'No signature or ratification is recorded for this state.',
  },
  Instrument: {
    query: INSTRUMENT_PARTICIPANTS, field: 'instrument', connection: 'participants',
    heading: 'Signatures and ratifications', column: 'State', empty: 'No state is recorded as having signed or ratified this treaty.',
  },
};

// The treaties the map and the charts offer, whose page links to them.
const MAPPED = ['cets-201', 'ets-185', 'ets-189', 'cets-224'];

// Pages of relationships to read at most (500 each): enough for the largest
// node in the graph, bounded so a runaway graph cannot hang the page.
const MAX_PAGES = 10;

export function entityView({ outlet, params, signal, setTitle }) {
  const id = params.id;
  const body = h('div', { class: 'entity' });
  outlet.append(h('h1', { class: 'visually-hidden' }, 'Entity'), body);
  body.append(loading(id));
  setTitle(id);

  // Each load follows the feed anew, from a cursor read before its data.
  let live = null;
  signal.addEventListener('abort', () => live?.abort(), { once: true });

  async function load() {
    live?.abort();
    live = new AbortController();
    const cursor = feedCursor(live.signal).catch(() => null);
    body.replaceChildren(loading(id));
    let node;
    try {
      node = (await gql(ENTITY, { id }, { signal })).node;
    } catch (err) {
      if (isAbort(err)) return;
      outlet.querySelector('h1').classList.remove('visually-hidden');
      outlet.querySelector('h1').textContent = `Entity “${id}”`;
      body.replaceChildren(errorView(err, { retry: load }));
      return;
    }
    outlet.querySelector('h1').remove();
    setTitle(node.name);
    const relations = h('section', { class: 'relations', 'aria-labelledby': 'rel-heading' },
      h('h2', { id: 'rel-heading' }, 'Relationships'), loading('relationships'));
    const spec = TREATY_TABLES[node.__typename];
    const treaties = spec
      ? h('section', { class: 'treaties', 'aria-labelledby': 'treaties-heading', 'data-loaded': 'false' },
        h('h2', { id: 'treaties-heading' }, spec.heading), loading(spec.heading.toLowerCase()))
      : null;
    const head = header(node);
    const sources = sourcesSection(node);
    // replaceChildren would show an absent section as the text "null".
    body.replaceChildren(...[head, facts(node), sources, treaties, relations].filter(Boolean));
    const from = await cursor;
    if (from && !live.signal.aborted) sources.after(liveSection({ entity: node.id, cursor: from, signal: live.signal, header: head, reload: () => location.reload() }));
    const heading = body.querySelector('h1');
    if (document.activeElement === document.body || document.activeElement === outlet) heading.focus({ preventScroll: true });
    if (spec) loadTreaties(node, spec, treaties);
    loadRelations(node, relations);
  }

  async function loadTreaties(node, spec, section) {
    const edges = [];
    let after = null;
    let truncated = false;
    try {
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const data = await gql(spec.query, { id: node.id, after }, { signal });
        const conn = data[spec.field][spec.connection];
        edges.push(...conn.edges);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
        truncated = page === MAX_PAGES - 1;
      }
    } catch (err) {
      if (isAbort(err)) return;
      section.dataset.loaded = 'error';
      section.replaceChildren(h('h2', { id: 'treaties-heading' }, spec.heading), errorView(err, { retry: () => loadTreaties(node, spec, section) }));
      return;
    }
    section.replaceChildren(h('h2', { id: 'treaties-heading' }, `${spec.heading} `, h('span', { class: 'count' }, String(edges.length))));
    if (truncated) section.append(h('p', { class: 'muted' }, `Showing the first ${edges.length}.`));
    if (MAPPED.includes(node.id)) {
      const treaty = encodeURIComponent(node.id);
      section.append(h('p', { class: 'view-links' },
        h('a', { href: `/explore/map?treaty=${treaty}` }, 'On a map'), ' · ',
        h('a', { href: `/explore/charts?chart=statuses&treaty=${treaty}` }, 'States per status'), ' · ',
        h('a', { href: `/explore/charts?treaty=${treaty}` }, 'Ratifications per year')));
    }
    section.append(edges.length ? treatyTable(edges, spec) : h('p', { class: 'empty' }, spec.empty));
    section.dataset.loaded = 'true';
  }

  async function loadRelations(node, section) {
    const edges = [];
    let after = null;
    let total = 0;
    let truncated = false;
    try {
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const data = await gql(relationsQuery(node.__typename), { id: node.id, after }, { signal });
        const conn = data.node.relations;
        total = conn.totalCount;
        edges.push(...conn.edges);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
        truncated = page === MAX_PAGES - 1;
      }
    } catch (err) {
      if (isAbort(err)) return;
      section.replaceChildren(h('h2', { id: 'rel-heading' }, 'Relationships'), errorView(err, { retry: () => loadRelations(node, section) }));
      return;
    }
    section.replaceChildren(h('h2', { id: 'rel-heading' }, 'Relationships ', h('span', { class: 'count' }, String(total))));
    if (!edges.length) {
      section.append(h('p', { class: 'empty' }, 'No relationship is recorded for this entity.'));
      return;
    }
    if (truncated) section.append(h('p', { class: 'muted' }, `Showing the first ${edges.length} of ${total}.`));
    const groups = groupRelations(edges);
    section.append(h('nav', { class: 'toc', 'aria-label': 'Relationship types' }, h('ul', null,
      groups.map((g) => h('li', null, h('a', { href: `#${g.anchor}` }, `${capitalise(relationPhrase(g.type, g.direction))} (${g.edges.length})`))))));
    for (const g of groups) section.append(groupSection(g));
  }

  load();
}

function header(node) {
  const also = [];
  if (node.acronym && node.acronym !== node.name) also.push(node.acronym);
  if (node.number && node.number !== node.acronym) also.push(node.number);
  if (node.shortName && node.shortName !== node.name) also.push(node.shortName);
  return h('header', { class: 'entity-header', 'data-entity': node.id, 'data-type': node.__typename },
    h('p', { class: 'entity-kind' }, typeBadge(node.__typename), h('code', { class: 'muted' }, node.id)),
    h('h1', { tabindex: '-1' }, node.name),
    also.length ? h('p', { class: 'entity-also' }, also.join(' · ')) : null,
    node.nameFr ? h('p', { class: 'entity-fr' }, h('span', { class: 'muted' }, 'French: '), h('span', { lang: 'fr' }, node.nameFr)) : null,
    h('p', { class: 'actions' },
      h('a', { class: 'button', href: `/explore/graph/${encodeURIComponent(node.id)}` }, 'Draw its graph'),
      h('a', { class: 'button secondary', href: `/explore/path?from=${encodeURIComponent(node.id)}` }, 'Find a path from here')));
}

function facts(node) {
  const rows = [];
  for (const [key, label, kind] of FIELDS) {
    const v = node[key];
    if (v === undefined || v === null || v === '') continue;
    rows.push([label, kind === 'date' ? formatDate(v) : kind === 'enum' ? humanKey(v.toLowerCase()) : v]);
  }
  const aliases = (node.aliases || []).filter((a) => a !== node.name && a !== node.acronym);
  if (aliases.length) rows.push(['Also known as', aliases.join(', ')]);
  for (const [key, v] of Object.entries(node.properties || {})) rows.push([humanKey(key), propertyValue(v)]);
  if (!rows.length) return null;
  return h('section', { class: 'facts', 'aria-labelledby': 'facts-heading' },
    h('h2', { id: 'facts-heading' }, 'Properties'),
    h('dl', { class: 'props' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])));
}

function sourcesSection(node) {
  return h('section', { class: 'entity-sources', 'aria-labelledby': 'sources-heading' },
    h('h2', { id: 'sources-heading' }, 'Sources ', h('span', { class: 'count' }, String(node.sources.length))),
    sourceList(node.sources));
}

// treatyTable lists each state's steps with a treaty as the sources give
// them: a date at its precision, "date unknown" with the window for a step
// recorded without one, a dash for a step not recorded.
function treatyTable(edges, spec) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'treaty-table' },
    h('thead', null, h('tr', null,
      [spec.column, 'Status', 'Signed', 'Ratified', 'In force', 'Sources'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, edges.map((e) => {
      const s = statusInfo(e.status);
      const open = !e.certain && e.status !== 'UNKNOWN';
      return h('tr', { 'data-id': e.node.id, 'data-status': e.status, 'data-certain': String(e.certain) },
        h('th', { scope: 'row' }, rowName(e.node)),
        h('td', { 'data-step': 'status' },
          h('span', { class: ['status-badge', `status-${e.status.toLowerCase()}`, open && 'uncertain'], title: s.help }, s.label),
          !e.certain ? h('span', { class: 'status-note' }, e.statusNote) : null),
        stepCell('signed', e.signed, e.signedWindow),
        stepCell('ratified', e.ratified, e.ratifiedWindow, e.action && e.action !== 'ratification' ? e.action : null),
        stepCell('entryIntoForce', e.entryIntoForce, e.entryIntoForceWindow),
        h('td', { class: 'relation-sources' }, sourceList(e.sources, { compact: true })));
    }))));
}

// rowName keeps a treaty's row short: its usual name and number, the full
// title on hover and on its own page.
function rowName(node) {
  if (node.__typename !== 'Instrument' || !node.shortName) return entityLink(node);
  const link = entityLink(node, node.shortName);
  link.title = node.name;
  return [link, node.number ? h('span', { class: 'muted small' }, ` ${node.number}`) : null];
}

function stepCell(step, date, window, how) {
  const shown = stepDate(date, window);
  return h('td', { 'data-step': step },
    shown || h('span', { class: 'muted', title: 'Not recorded' }, '—'),
    shown && how ? h('span', { class: 'muted' }, ` (${how})`) : null);
}

function groupRelations(edges) {
  const byKey = new Map();
  for (const e of edges) {
    const key = `${e.type}:${e.direction}`;
    if (!byKey.has(key)) byKey.set(key, { type: e.type, direction: e.direction, anchor: `rel-${e.type}-${e.direction}`.toLowerCase(), edges: [] });
    byKey.get(key).edges.push(e);
  }
  return [...byKey.values()].sort((a, b) => a.type.localeCompare(b.type) || a.direction.localeCompare(b.direction));
}

function groupSection(g) {
  return h('section', { class: 'relation-group', id: g.anchor, 'data-type': g.type, 'data-direction': g.direction },
    h('h3', null, capitalise(relationPhrase(g.type, g.direction)), ' ',
      h('span', { class: 'count' }, String(g.edges.length)), ' ',
      h('code', { class: 'rel-type', title: `${relationName(g.type)}, ${g.direction === 'INCOMING' ? 'towards' : 'from'} this entity` }, g.type),
      h('span', { class: 'visually-hidden' }, g.direction === 'INCOMING' ? ' (incoming)' : ' (outgoing)')),
    h('ul', { class: 'relation-list' }, g.edges.map(relationItem)));
}

function relationItem(e) {
  const props = Object.entries(e.properties || {});
  if (DATED_STEPS.includes(e.type) && !props.some(([k]) => k === 'date')) props.push(['date', null]);
  props.sort(([a], [b]) => rank(a) - rank(b));
  const label = shortLabel(e.node) !== e.node.name ? `${e.node.name} (${shortLabel(e.node)})` : e.node.name;
  return h('li', { class: 'relation', 'data-id': e.node.id, 'data-type': e.type, 'data-direction': e.direction },
    h('div', { class: 'relation-main' }, entityLink(e.node, label), ' ', typeBadge(e.node.__typename)),
    props.length ? h('p', { class: 'relation-props' }, props.map(([k, v], i) => [i ? ' · ' : '',
      h('span', { class: DATE_KEYS.includes(k) ? 'date-prop' : 'muted' }, `${humanKey(k)} `), propertyValue(v)])) : null,
    h('div', { class: 'relation-sources' }, sourceList(e.sources, { compact: true })));
}

function rank(key) {
  const i = DATE_KEYS.indexOf(key);
  return i < 0 ? DATE_KEYS.length : i;
}

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
