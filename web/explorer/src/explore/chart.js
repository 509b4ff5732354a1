import { h, svg } from './dom.js';
import { capitalise, formatDate } from './format.js';

const W = 640;
const H = 260;
const M = { top: 14, right: 10, bottom: 34, left: 38 };

// Below this width a bar has no room for its count above it; the count is
// still in the bar's title and in the table.
const MIN_BAND_FOR_VALUE = 14;

// barChart draws counts per year or per month as SVG bars, the periods
// without any filled in with zero so gaps read as gaps. Every bucket must
// have the interval's precision: counts that cannot be placed on the axis
// (undated, or dated only to the year under months) are the caller's to say
// beside the chart, and come in as extraRows for the table. The numbers are
// also in a table for screen readers and for copying.
export function barChart(buckets, { title, unit, interval = 'YEAR', extraRows = [] }) {
  const series = interval === 'MONTH' ? months(buckets) : years(buckets);
  const max = Math.max(1, ...series.map((s) => s.count));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const band = innerW / series.length;
  const barW = Math.max(1, band * 0.72);
  const yOf = (v) => M.top + innerH - (v / top) * innerH;
  const total = series.reduce((n, s) => n + s.count, 0);
  const first = series[0].label;
  const last = series[series.length - 1].label;

  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(svg('line', { x1: M.left, x2: W - M.right, y1: yOf(v), y2: yOf(v), class: v ? 'grid' : 'axis' }));
    grid.push(svg('text', { x: M.left - 6, y: yOf(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(v)));
  }
  const bars = series.map((s, i) => {
    const x = M.left + i * band + (band - barW) / 2;
    return svg('g', { class: 'bar', 'data-period': s.period, 'data-count': s.count },
      svg('rect', { x, y: yOf(s.count), width: barW, height: Math.max(0, M.top + innerH - yOf(s.count)), rx: barW > 3 ? 1 : 0 },
        svg('title', null, `${s.label}: ${s.count} ${unit}`)),
      s.count && band >= MIN_BAND_FOR_VALUE
        ? svg('text', { x: x + barW / 2, y: yOf(s.count) - 3, 'text-anchor': 'middle', class: 'value' }, String(s.count))
        : null,
      s.tick ? svg('text', { x: x + barW / 2, y: H - M.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, s.tick) : null);
  });

  const per = interval === 'MONTH' ? 'month' : 'year';
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'bar-chart', role: 'img', 'data-interval': interval,
    'aria-label': `${title}: ${total} ${unit} from ${first} to ${last}`,
  }, ...grid, ...bars);
  return h('figure', { class: 'chart' },
    chart,
    h('figcaption', { class: 'muted small' }, `${title}. ${total} ${unit} dated to the ${per}, ${first}–${last}.`),
    h('details', null,
      h('summary', null, 'The numbers'),
      h('table', { class: 'compact-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, capitalise(per)), h('th', { scope: 'col' }, 'Count'))),
        h('tbody', null,
          series.filter((s) => s.count).map((s) => h('tr', null, h('td', null, s.label), h('td', null, String(s.count)))),
          extraRows.map(([label, count]) => h('tr', { class: 'extra' }, h('td', null, label), h('td', null, String(count))))))));
}

// years fills every year from the first to the last; labels count back from
// the last year, so the latest always shows.
function years(buckets) {
  const counts = new Map(buckets.map((b) => [Number(b.period), b.count]));
  const first = Math.min(...counts.keys());
  const last = Math.max(...counts.keys());
  const every = Math.ceil((last - first + 1) / 12);
  const series = [];
  for (let y = first; y <= last; y += 1) {
    series.push({ period: String(y), label: String(y), count: counts.get(y) || 0, tick: (last - y) % every === 0 ? String(y) : null });
  }
  return series;
}

// months fills every month from the first to the last. Ticks name the year
// at its January, at most about twelve of them, counting back from the last.
function months(buckets) {
  const index = (p) => {
    const [y, m] = p.split('-').map(Number);
    return y * 12 + (m - 1);
  };
  const counts = new Map(buckets.map((b) => [index(b.period), b.count]));
  const first = Math.min(...counts.keys());
  const last = Math.max(...counts.keys());
  const lastYear = Math.floor(last / 12);
  const every = Math.ceil((lastYear - Math.floor(first / 12) + 1) / 12);
  const series = [];
  for (let i = first; i <= last; i += 1) {
    const y = Math.floor(i / 12);
    const period = `${y}-${String((i % 12) + 1).padStart(2, '0')}`;
    const january = i % 12 === 0;
    series.push({ period, label: formatDate(period), count: counts.get(i) || 0, tick: january && (lastYear - y) % every === 0 ? String(y) : null });
  }
  // A span without a January still says which year it is in.
  if (!series.some((s) => s.tick)) series[0].tick = series[0].label;
  return series;
}

function niceStep(max) {
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100]) if (max / s <= 6) return s;
  return Math.ceil(max / 6);
}
