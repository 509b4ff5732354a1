// The charts of group-by results, drawn with Observable Plot: SVG, so every
// bar is an element that carries its group (read back by the browser tests
// and by assistive technology through its title), scales and axes from d3,
// which the map's projection shares.
import * as Plot from '@observablehq/plot';
import { svg } from './dom.js';

const FONT = 'system-ui, "DejaVu Sans", sans-serif';

// tagBars gives each bar of the plot's bar marks the data attributes of its
// datum: Plot binds each rect to its index in the mark's data.
function tagBars(plot, data, attrs) {
  const root = plot.tagName.toLowerCase() === 'svg' ? plot : plot.querySelector('svg[class*="plot"]') || plot.querySelector('svg:last-of-type');
  const rects = [...plot.querySelectorAll('g[aria-label="bar"] rect')];
  for (const rect of rects) {
    const d = data[rect.__data__];
    if (!d) continue;
    rect.classList.add('bar');
    for (const [name, value] of Object.entries(attrs(d))) {
      if (value !== null && value !== undefined) rect.setAttribute(`data-${name}`, String(value));
    }
  }
  return root;
}

// yearsBetween lists every year from the first to the last group, so a year
// with no ratification is a gap on the axis, not a missing column.
function yearsBetween(years) {
  const nums = years.map(Number);
  const out = [];
  for (let y = Math.min(...nums); y <= Math.max(...nums); y += 1) out.push(String(y));
  return out;
}

// ratificationsChart stacks, per year, the ratifications of each treaty.
// `data` is [{ instrument, label, period, count }] for dated groups only.
export function ratificationsChart(data, { width = 860 } = {}) {
  const years = yearsBetween(data.map((d) => d.period));
  const every = Math.ceil(years.length / 14);
  const last = Number(years[years.length - 1]);
  const plot = Plot.plot({
    width,
    height: 320,
    marginLeft: 40,
    style: { fontFamily: FONT, fontSize: '11px' },
    x: { type: 'band', domain: years, label: 'Year', ticks: years.filter((y) => (last - Number(y)) % every === 0), padding: 0.15 },
    y: { grid: true, label: 'Ratifications', tickFormat: 'd' },
    color: { legend: true, domain: [...new Set(data.map((d) => d.label))], scheme: 'tableau10' },
    marks: [
      Plot.barY(data, { x: 'period', y: 'count', fill: 'label', title: (d) => `${d.label}, ${d.period}: ${d.count}` }),
      Plot.ruleY([0]),
    ],
  });
  tagBars(plot, data, (d) => ({ series: d.instrument, key: d.period, count: d.count }));
  return plot;
}

// fundersChart draws the projects per funder, most first. `data` is
// [{ id, label, count }].
export function fundersChart(data, { width = 860, color }) {
  const labels = new Map(data.map((d) => [d.id, d.label]));
  const short = (s) => (s.length > 36 ? `${s.slice(0, 35)}…` : s);
  const plot = Plot.plot({
    width,
    height: Math.max(120, 28 + data.length * 24),
    marginLeft: 220,
    marginRight: 36,
    style: { fontFamily: FONT, fontSize: '11px' },
    x: { grid: true, label: 'Projects', tickFormat: 'd' },
    // By id, so two funders with the same short name keep a bar each.
    y: { label: null, domain: data.map((d) => d.id), tickFormat: (id) => short(labels.get(id)) },
    marks: [
      Plot.barX(data, { y: 'id', x: 'count', fill: color, title: (d) => `${d.label}: ${d.count} projects` }),
      Plot.text(data, { y: 'id', x: 'count', text: (d) => String(d.count), dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
  tagBars(plot, data, (d) => ({ key: d.id, count: d.count }));
  return plot;
}

// statusesChart draws the states per status, the part whose status the
// sources leave open on the day hatched on top of the settled part. `data` is
// [{ status, label, certain, count }]; `colors` maps a status to its colour.
export function statusesChart(data, { width = 640, colors, order }) {
  const domain = order.map((s) => s.label).filter((l) => data.some((d) => d.label === l));
  const plot = Plot.plot({
    width,
    height: 300,
    marginLeft: 40,
    style: { fontFamily: FONT, fontSize: '11px' },
    x: { label: null, domain, padding: 0.25 },
    y: { grid: true, label: 'States', tickFormat: 'd' },
    marks: [
      Plot.barY(data, {
        x: 'label', y: 'count', fill: (d) => colors[d.status], stroke: '#374151', strokeWidth: 0.5,
        order: (d) => (d.certain ? 0 : 1),
        title: (d) => `${d.label}${d.certain ? '' : ' (not certain that day)'}: ${d.count}`,
      }),
      Plot.ruleY([0]),
    ],
  });
  const root = tagBars(plot, data, (d) => ({ key: d.status, certain: d.certain, count: d.count }));
  const defs = svg('defs', null, ...Object.entries(colors).map(([status, color]) => svg('pattern', {
    id: `chart-hatch-${status.toLowerCase()}`, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)',
  }, svg('rect', { width: 6, height: 6, fill: color }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'rgba(0,0,0,0.35)', 'stroke-width': 2.5 }))));
  root.prepend(defs);
  for (const rect of root.querySelectorAll('rect.bar[data-certain="false"]')) {
    rect.setAttribute('fill', `url(#chart-hatch-${rect.dataset.key.toLowerCase()})`);
  }
  return plot;
}
