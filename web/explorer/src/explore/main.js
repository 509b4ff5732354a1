import './style.css';
import { createRouter } from './router.js';
import { searchView } from './views/search.js';
import { entityView } from './views/entity.js';
import { graphView } from './views/graph.js';
import { pathView } from './views/path.js';
import { coverageView } from './views/coverage.js';
import { mapView } from './views/map.js';
import { chartsView } from './views/charts.js';
import { notFoundView } from './views/notfound.js';
import { mountShareBar } from './share.js';

const outlet = document.getElementById('main');
const navLinks = [...document.querySelectorAll('[data-nav]')];

const titles = {
  search: 'Search',
  graph: 'Graph',
  path: 'Path finder',
  coverage: 'Treaty coverage',
  map: 'Map',
  charts: 'Charts',
};

const router = createRouter({
  outlet,
  routes: [
    { name: 'search', pattern: /^\/?$/, view: searchView },
    { name: 'entity', pattern: /^\/entity\/(?<id>[^/]+)\/?$/, view: entityView },
    { name: 'graph', pattern: /^\/graph(?:\/(?<id>[^/]+))?\/?$/, view: graphView },
    { name: 'path', pattern: /^\/path\/?$/, view: pathView },
    { name: 'coverage', pattern: /^\/coverage\/?$/, view: coverageView },
    { name: 'map', pattern: /^\/map\/?$/, view: mapView },
    { name: 'charts', pattern: /^\/charts\/?$/, view: chartsView },
  ],
  notFound: notFoundView,
  onRender(name) {
    // The entity page is reached from search; the nav marks where a reader
    // came from so "Search" stays lit.
    const section = name === 'entity' ? 'search' : name;
    for (const a of navLinks) {
      if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (name !== 'entity') document.title = `${titles[name] || 'Not found'} · Child online protection knowledge graph`;
  },
});

router.start();
mountShareBar(document.querySelector('.site-header'));

// GraphiQL is served only in development mode: the link appears when the
// service serves it, so a production page offers no query IDE at all.
const graphiqlLink = navLinks.find((a) => a.dataset.nav === 'graphiql');
fetch('/graphiql', { method: 'HEAD' })
  .then((res) => {
    if (res.ok) {
      graphiqlLink.textContent = 'GraphiQL';
      graphiqlLink.closest('li').hidden = false;
    } else {
      graphiqlLink.closest('li').remove();
    }
  })
  .catch(() => graphiqlLink.closest('li').remove());
