// The world map of the map view, drawn offline: Natural Earth's 1:50m
// countries as TopoJSON from the world-atlas package, bundled into the
// explorer's assets, projected with d3-geo. No tile server, no CDN.
import { feature } from 'topojson-client';
import { geoConicConformal, geoEqualEarth, geoGraticule10, geoPath } from 'd3-geo';
import isoCountries from 'i18n-iso-countries';
import atlas from 'world-atlas/countries-50m.json';
import { svg } from './dom.js';

const W = 960;
// The world in Equal Earth is about twice as wide as high; Europe, from
// Iceland to the Caucasus, a little less.
const HEIGHTS = { world: 480, europe: 560 };

// world-atlas names each country by its ISO 3166-1 numeric code; the graph
// keeps alpha-2 and alpha-3 codes, and i18n-iso-countries maps one to the
// other (its table is ISO 3166-1's). Natural Earth draws a few territories
// that have no ISO code at all: those are matched by Natural Earth's name,
// for the user-assigned code the graph gives them.
const NAMED = { XK: 'Kosovo' };

// Below this many square pixels a country is hard to see and to point at
// (Malta, Monaco, Mauritius): a dot of its colour marks it too. The world
// view is drawn smaller, so there only the smallest states get one, or the
// dots would cover Western Europe.
const DOTS = { world: { below: 4, r: 2.5 }, europe: { below: 30, r: 4.5 } };

const countries = feature(atlas, atlas.objects.countries).features;

// The two framings a reader can choose. Europe is the Council of Europe's
// members, from Iceland to the Caucasus; the world shows the parties and
// observers beyond it.
const REGIONS = {
  world: (H) => geoEqualEarth().fitExtent([[6, 6], [W - 6, H - 6]], { type: 'Sphere' }),
  europe: (H) => geoConicConformal().rotate([-15, 0]).parallels([40, 65])
    .fitExtent([[0, 0], [W, H]], bbox(-24, 34, 50, 71)),
};

function bbox(w, s, e, n) {
  return { type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[w, s], [e, s], [e, n], [w, n], [(w + e) / 2, n], [(w + e) / 2, s]] } };
}

// findFeature gives the drawn shape of a state of the graph, or null when
// the atlas has none for its code.
export function findFeature(country) {
  const numeric = country.iso2 ? isoCountries.alpha2ToNumeric(country.iso2) : null;
  if (numeric) return countries.find((f) => f.id === numeric) || null;
  const name = NAMED[country.iso2];
  return name ? countries.find((f) => !f.id && f.properties.name === name) || null : null;
}

// drawMap draws every country of the atlas in the land colour, and over it
// each state of `rows` filled as `fill(row)` says: a colour, or a pattern id
// of `patterns` for a status the sources leave open on the day.
// `rows` are { key, country, status, certain, title, href } and each drawn
// state carries them as data attributes, so what the page shows can be read
// back and checked against the API.
export function drawMap({ rows, region, patterns, fill, label, onPick }) {
  if (!REGIONS[region]) region = 'world';
  const H = HEIGHTS[region];
  const projection = REGIONS[region](H);
  const path = geoPath(projection);
  const defs = svg('defs', null, patterns.map((p) => svg('pattern', {
    id: p.id, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)',
  }, svg('rect', { width: 6, height: 6, fill: p.color }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: p.stroke, 'stroke-width': 2.5 }))));

  const drawnIds = new Set();
  const shapes = [];
  const dots = [];
  const missing = [];
  for (const row of rows) {
    const f = findFeature(row.country);
    if (!f) {
      missing.push(row);
      continue;
    }
    drawnIds.add(f);
    const d = path(f);
    if (!d) continue;
    const attrs = {
      'data-country': row.country.id,
      'data-iso2': row.country.iso2,
      'data-status': row.status,
      'data-certain': String(row.certain),
      fill: fill(row),
    };
    const title = svg('title', null, row.title);
    const el = svg('path', { d, class: 'country', ...attrs }, title);
    if (onPick) el.addEventListener('click', () => onPick(row));
    shapes.push(el);
    if (path.area(f) < DOTS[region].below) {
      const [x, y] = path.centroid(f);
      if (Number.isFinite(x) && x > 0 && x < W && y > 0 && y < H) {
        const dot = svg('circle', { cx: x, cy: y, r: DOTS[region].r, class: 'country-dot', ...attrs }, svg('title', null, row.title));
        if (onPick) dot.addEventListener('click', () => onPick(row));
        dots.push(dot);
      }
    }
  }
  const land = countries.filter((f) => !drawnIds.has(f)).map((f) => svg('path', { d: path(f) || '', class: 'land' }));

  const map = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'world-map', role: 'img', 'aria-label': label, 'data-region': region,
  },
  defs,
  svg('path', { d: path({ type: 'Sphere' }), class: 'sphere' }),
  svg('path', { d: path(geoGraticule10()), class: 'graticule' }),
  ...land,
  ...shapes,
  ...dots);
  return { element: map, missing };
}
