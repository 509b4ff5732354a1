import { gql, isAbort } from '../api.js';
import { h, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { CHART_FUNDERS, CHART_RATIFICATIONS, CHART_STATUSES } from '../queries.js';
import { STATUSES, formatDate, statusInfo, todayISO } from '../format.js';
import { viewTools } from '../csv.js';

const INSTRUMENTS = [
  ['cets-201', 'CETS 201 · Lanzarote'],
  ['ets-185', 'ETS 185 · Budapest'],
  ['ets-189', 'ETS 189 · Budapest, first protocol'],
  ['cets-224', 'CETS 224 · Budapest, second protocol'],
];

const CHARTS = [
  ['ratifications', 'Ratifications per year'],
  ['funders', 'Projects per funder'],
  ['statuses', 'States per status'],
];

const TOPS = [10, 20, 50];

// chartsView draws one group-by of the API at a time: ratifications per year
// per treaty, projects per funder, states per status on a day. Its inputs are
// in the address, so the link under the chart reopens it as it is, and the
// CSV is the groups the chart draws.
export function chartsView({ outlet, query, signal, updateQuery }) {
  const ids = {
    chart: uniqueId('chart-kind'), treaty: uniqueId('chart-treaty'), date: uniqueId('chart-date'), top: uniqueId('chart-top'),
  };
  const pick = (v, list, dflt) => (list.some((x) => String(x[0] ?? x) === v) ? v : dflt);
  const chartSelect = h('select', { id: ids.chart, name: 'chart' },
    CHARTS.map(([v, label]) => h('option', { value: v, selected: pick(query.get('chart'), CHARTS, 'ratifications') === v }, label)));
  const treatyChoice = query.get('treaty');
  const treatySelect = h('select', { id: ids.treaty, name: 'treaty' });
  const date = h('input', { id: ids.date, type: 'date', name: 'asOf', value: valid(query.get('asOf')) || '', min: '1949-05-05', max: todayISO() });
  const topSelect = h('select', { id: ids.top, name: 'top' },
    TOPS.map((n) => h('option', { value: n, selected: Number(query.get('top') || 10) === n }, `Top ${n}`)));
  const treatyField = h('div', { class: 'field' }, h('label', { for: ids.treaty }, 'Treaty'), treatySelect);
  const topField = h('div', { class: 'field' }, h('label', { for: ids.top }, 'Show'), topSelect);
  const body = h('div', { class: 'chart-wrap', 'aria-live': 'polite' });
  const tools = viewTools({ label: 'chart' });

  outlet.append(
    h('h1', null, 'Charts'),
    h('p', null, 'Counts the API groups for you: ratifications per year, projects per funder, states per status on a day.'),
    h('form', { class: 'panel inline-form', onsubmit: (e) => { e.preventDefault(); load(); } },
      h('div', { class: 'field' }, h('label', { for: ids.chart }, 'Chart'), chartSelect),
      treatyField,
      topField,
      h('div', { class: 'field' }, h('label', { for: ids.date }, 'As of'), date),
      h('button', { type: 'submit', class: 'button' }, 'Show'),
      h('button', { type: 'button', class: 'button secondary', onclick: () => { date.value = ''; load(); } }, 'Today')),
    body,
    tools.element,
  );

  // The ratifications chart can stack all four treaties; the statuses chart
  // reads one.
  function fillTreaties() {
    const all = chartSelect.value === 'ratifications';
    const current = treatySelect.value || treatyChoice || (all ? 'all' : 'cets-201');
    const options = [...(all ? [['all', 'All four']] : []), ...INSTRUMENTS];
    const value = options.some(([v]) => v === current) ? current : options[0][0];
    treatySelect.replaceChildren(...options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
    treatyField.hidden = chartSelect.value === 'funders';
    topField.hidden = chartSelect.value !== 'funders';
  }
  fillTreaties();
  chartSelect.addEventListener('change', () => { fillTreaties(); load(); });
  treatySelect.addEventListener('change', load);
  topSelect.addEventListener('change', load);

  let seq = 0;
  async function load() {
    const chart = chartSelect.value;
    const asOf = valid(date.value);
    const treaty = treatySelect.value;
    const top = Number(topSelect.value);
    updateQuery({
      chart: chart === 'ratifications' ? null : chart,
      treaty: chart === 'funders' ? null : treaty,
      top: chart === 'funders' && top !== 10 ? top : null,
      asOf,
    });
    const mine = ++seq;
    body.dataset.loaded = 'false';
    body.replaceChildren(loading('the chart'));
    try {
      const [plots, drawn] = await Promise.all([
        import('../plotcharts.js'),
        CHART_LOADERS[chart]({ treaty, top, asOf, signal }),
      ]);
      if (mine !== seq) return;
      const day = asOf || todayISO();
      body.replaceChildren(...[drawn.render(plots), drawn.rows.length ? numbers(drawn.columns, drawn.rows) : null].filter(Boolean));
      body.dataset.loaded = 'true';
      body.dataset.chart = chart;
      body.dataset.treaty = chart === 'funders' ? '' : treaty;
      body.dataset.asOf = asOf || 'today';
      tools.update({ filename: `${chart}${chart === 'funders' ? '' : `-${treaty}`}-${day}.csv`, columns: drawn.columns, rows: drawn.rows });
    } catch (err) {
      if (isAbort(err) || mine !== seq) return;
      body.dataset.loaded = 'error';
      body.replaceChildren(errorView(err, { retry: load }));
    }
  }

  load();
  return () => tools.dispose();
}

const CHART_LOADERS = {
  // Per treaty, its parties on the day grouped by the year of ratification;
  // a party whose ratification has no recorded date is in the null group,
  // said beside the chart.
  async ratifications({ treaty, asOf, signal }) {
    const wanted = treaty === 'all' ? INSTRUMENTS.map(([id]) => id) : [treaty];
    const data = await gql(CHART_RATIFICATIONS, { instruments: wanted, count: wanted.length, asOf }, { signal });
    const byId = new Map(data.instruments.edges.map((e) => [e.node.id, e.node]));
    const rows = [];
    for (const id of wanted) {
      const inst = byId.get(id);
      if (!inst) continue;
      const label = `${inst.number}${inst.shortName ? ` · ${inst.shortName}` : ''}`;
      for (const g of inst.parties.groupBy) rows.push({ instrument: id, label, period: g.key[0], count: g.count });
    }
    const dated = rows.filter((r) => r.period !== null);
    const undated = rows.filter((r) => r.period === null);
    const total = dated.reduce((n, r) => n + r.count, 0);
    return {
      columns: [['instrument', 'treaty'], ['period', 'year'], ['count', 'ratifications']],
      rows,
      render: (plots) => h('div', { class: 'chart-body' },
        h('h2', null, 'Ratifications per year'),
        dated.length
          ? h('figure', { class: 'chart plot-chart', 'data-chart': 'ratifications' },
            plots.ratificationsChart(dated),
            h('figcaption', { class: 'muted small' }, `${total} ratifications (or accessions, acceptances, approvals) of the parties ${asOf ? `on ${formatDate(asOf)}` : 'today'}, by year of deposit.`))
          : h('p', { class: 'empty' }, `No dated ratification ${asOf ? `by ${formatDate(asOf)}` : 'is recorded'}.`),
        undated.length
          ? h('div', { class: 'chart-notes' }, undated.map((r) => h('p', { class: 'chart-undated', dataset: { series: r.instrument, count: r.count } },
            h('strong', null, `+ ${r.count} undated`), ` ${r.label}: parties whose ratification the sources record without a date, so not drawn`)))
          : null),
    };
  },

  // The projects grouped by funder, largest groups first; projects with no
  // funder recorded form the null group, said beside the chart.
  async funders({ top, asOf, signal }) {
    const data = await gql(CHART_FUNDERS, { first: top + 1, asOf }, { signal });
    const groups = data.projects.groupBy;
    const none = groups.find((g) => g.key[0] === null);
    const funded = groups.filter((g) => g.key[0] !== null).slice(0, top);
    const rows = funded.map((g) => ({ id: g.key[0], label: funderLabel(g.keyNode, g.key[0]), count: g.count }));
    const color = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#1d4ed8';
    return {
      columns: [['id', 'funder_id'], ['label', 'funder'], ['count', 'projects']],
      rows,
      render: (plots) => h('div', { class: 'chart-body' },
        h('h2', null, 'Projects per funder'),
        rows.length
          ? h('figure', { class: 'chart plot-chart', 'data-chart': 'funders' },
            plots.fundersChart(rows, { color }),
            h('figcaption', { class: 'muted small' }, `The ${rows.length} funders with the most projects, of ${data.projects.aggregate.count} projects${asOf ? ` on ${formatDate(asOf)}` : ''}; a project with several funders counts for each.`))
          : h('p', { class: 'empty' }, 'No project has a funder recorded.'),
        none ? h('div', { class: 'chart-notes' }, h('p', { class: 'chart-undated', dataset: { count: none.count } },
          h('strong', null, `+ ${none.count} without a funder`), ' recorded, so not drawn')) : null),
    };
  },

  // The states with a step of the treaty recorded, grouped by their status on
  // the day and by whether the sources settle it.
  async statuses({ treaty, asOf, signal }) {
    const data = await gql(CHART_STATUSES, { instrument: treaty, asOf }, { signal });
    const inst = data.instrument;
    const rows = inst.participants.groupBy.map((g) => ({
      instrument: inst.id, status: g.key[0], label: statusInfo(g.key[0]).label, certain: g.key[1] === 'true', count: g.count, asOf: asOf || todayISO(),
    }));
    const order = STATUSES.map((s) => ({ status: s.value, label: s.label }));
    rows.sort((a, b) => order.findIndex((o) => o.status === a.status) - order.findIndex((o) => o.status === b.status) || Number(b.certain) - Number(a.certain));
    const style = getComputedStyle(document.documentElement);
    const colors = Object.fromEntries(STATUSES.map((s) => [s.value, style.getPropertyValue(`--status-${s.value.toLowerCase()}`).trim()]));
    const total = rows.reduce((n, r) => n + r.count, 0);
    const open = rows.filter((r) => !r.certain).reduce((n, r) => n + r.count, 0);
    return {
      columns: [['instrument', 'treaty'], ['asOf', 'as_of'], ['status', 'status'], ['certain', 'certain'], ['count', 'states']],
      rows,
      render: (plots) => h('div', { class: 'chart-body' },
        h('h2', null, `States per status: ${inst.number}${inst.shortName ? ` · ${inst.shortName}` : ''}`),
        rows.length
          ? h('figure', { class: 'chart plot-chart', 'data-chart': 'statuses' },
            plots.statusesChart(rows, { colors, order }),
            h('figcaption', { class: 'muted small' }, `${total} states with a step recorded, ${asOf ? `on ${formatDate(asOf)}` : 'today'}${open ? `; ${open} not certain that day (hatched)` : ''}.`))
          : h('p', { class: 'empty' }, `No state has a step of the treaty recorded ${asOf ? `by ${formatDate(asOf)}` : 'yet'}.`)),
    };
  },
};

// numbers gives the groups the chart draws as a table, for screen readers
// and for reading off exact values: the same columns as the CSV.
function numbers(columns, rows) {
  return h('details', { class: 'chart-numbers' },
    h('summary', null, 'The numbers'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'compact-table' },
      h('thead', null, h('tr', null, columns.map(([, title]) => h('th', { scope: 'col' }, title.replace(/_/g, ' '))))),
      h('tbody', null, rows.map((r) => h('tr', null, columns.map(([key]) => h('td', null, r[key] === null || r[key] === undefined ? '—' : String(r[key])))))))));
}

function funderLabel(node, id) {
  if (!node) return id;
  return node.name || node.shortName || id;
}

function valid(d) {
  return d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}
