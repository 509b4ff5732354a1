import { h, svg } from './dom.js';

const W = 640;
const H = 260;
const M = { top: 14, right: 10, bottom: 34, left: 38 };

// barChart draws counts per year as SVG bars, years without any filled in
// with zero so gaps read as gaps. The numbers are also in a table for
// screen readers and for copying.
export function barChart(buckets, { title, unit }) {
  const counts = new Map(buckets.map((b) => [Number(b.period), b.count]));
  const years = [...counts.keys()];
  const first = Math.min(...years);
  const last = Math.max(...years);
  const series = [];
  for (let y = first; y <= last; y += 1) series.push({ year: y, count: counts.get(y) || 0 });
  const max = Math.max(1, ...series.map((s) => s.count));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const band = innerW / series.length;
  const barW = Math.max(2, band * 0.72);
  const yOf = (v) => M.top + innerH - (v / top) * innerH;
  // Year labels count back from the last year, so the latest always shows.
  const labelEvery = Math.ceil(series.length / 12);
  const total = series.reduce((n, s) => n + s.count, 0);

  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(svg('line', { x1: M.left, x2: W - M.right, y1: yOf(v), y2: yOf(v), class: v ? 'grid' : 'axis' }));
    grid.push(svg('text', { x: M.left - 6, y: yOf(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(v)));
  }
  const bars = series.map((s, i) => {
    const x = M.left + i * band + (band - barW) / 2;
    return svg('g', { class: 'bar', 'data-period': s.year, 'data-count': s.count },
      svg('rect', { x, y: yOf(s.count), width: barW, height: Math.max(0, M.top + innerH - yOf(s.count)), rx: 1 },
        svg('title', null, `${s.year}: ${s.count} ${unit}`)),
      s.count ? svg('text', { x: x + barW / 2, y: yOf(s.count) - 3, 'text-anchor': 'middle', class: 'value' }, String(s.count)) : null,
      (series.length - 1 - i) % labelEvery === 0
        ? svg('text', { x: x + barW / 2, y: H - M.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, String(s.year))
        : null);
  });

  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'bar-chart', role: 'img', 'aria-label': `${title}: ${total} ${unit} from ${first} to ${last}` },
    ...grid, ...bars);
  return h('figure', { class: 'chart' },
    chart,
    h('figcaption', { class: 'muted small' }, `${title}. ${total} ${unit} in all, ${first}–${last}.`),
    h('details', null,
      h('summary', null, 'The numbers'),
      h('table', { class: 'compact-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Year'), h('th', { scope: 'col' }, 'Count'))),
        h('tbody', null, series.filter((s) => s.count).map((s) => h('tr', null, h('td', null, String(s.year)), h('td', null, String(s.count))))))));
}

function niceStep(max) {
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100]) if (max / s <= 6) return s;
  return Math.ceil(max / 6);
}
