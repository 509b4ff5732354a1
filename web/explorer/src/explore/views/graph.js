import cytoscape from 'cytoscape';
import { gql, isAbort } from '../api.js';
import { h, debounce, fill, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { NEIGHBOURHOOD, NODE_NAME } from '../queries.js';
import {
  TYPES, entityHref, relationName, shortLabel, truncate, typeBadge, typeColor, typeLabel,
} from '../format.js';
import { picker } from '../picker.js';

const LIMIT = 200;
const FIRST_YEAR = 2000;

export function graphView(ctx) {
  if (!ctx.params.id) return chooseRoot(ctx);
  return drawGraph(ctx);
}

function chooseRoot({ outlet, navigate }) {
  const p = picker({ label: 'Entity to start from', name: 'graph-root', onPick: (node) => navigate(`/explore/graph/${encodeURIComponent(node.id)}`) });
  outlet.append(
    h('h1', null, 'Graph'),
    h('p', null, 'Draw the entities around one node of the graph, then expand any of them.'),
    h('div', { class: 'panel' }, p.element),
    h('p', { class: 'muted' }, 'Or start from ',
      [['glacy-plus', 'GLACY+'], ['cets-201', 'the Lanzarote Convention'], ['country-mu', 'Mauritius']].map(([id, label], i) => [
        i ? (i === 2 ? ' or ' : ', ') : '', h('a', { href: `/explore/graph/${id}` }, label)]),
      '.'),
  );
  p.focus();
}

function drawGraph({ outlet, params, query, signal, navigate, updateQuery, setTitle }) {
  const rootId = params.id;
  const thisYear = new Date().getFullYear();
  const state = {
    expanded: [rootId],
    nodes: new Map(),
    edges: new Map(),
    truncated: new Set(),
    hiddenTypes: new Set((query.get('hide') || '').split(',').filter(Boolean)),
    asOf: /^\d{4}-\d{2}-\d{2}$/.test(query.get('asOf') || '') ? query.get('asOf') : null,
    selected: rootId,
  };
  let cy = null;
  let loads = 0;

  const heading = h('h1', null, 'Graph');
  const statusLine = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, '');
  const problem = h('div', { class: 'graph-problem' });
  const canvasId = uniqueId('cy');
  const helpId = uniqueId('cy-help');
  const canvas = h('div', {
    id: canvasId, class: 'cy', tabindex: '0', role: 'application', 'aria-roledescription': 'graph drawing',
    'aria-label': 'Graph drawing', 'aria-describedby': helpId, 'data-loaded': 'false',
  });
  const help = h('p', { id: helpId, class: 'muted small' },
    'Click a node, or focus the drawing and use the arrow keys to move between nodes, Enter to expand one. Every entity is also in the list below the drawing.');
  const legend = h('ul', { class: 'legend', 'aria-label': 'Kinds of entity' });
  const typeBoxes = h('div', { class: 'type-filters' });
  const selectedPanel = h('div', { class: 'selected-panel', 'aria-live': 'polite' });
  const nodeList = h('ul', { class: 'graph-nodes' });

  // The as-of slider: one step per year, the last step is today.
  const sliderId = uniqueId('asof');
  const slider = h('input', {
    id: sliderId, type: 'range', min: FIRST_YEAR, max: thisYear + 1, step: 1,
    value: state.asOf ? Number(state.asOf.slice(0, 4)) : thisYear + 1, 'aria-describedby': `${sliderId}-out`,
  });
  const sliderOut = h('output', { id: `${sliderId}-out`, for: sliderId, class: 'asof-label' });
  function sliderDate() {
    const v = Number(slider.value);
    return v > thisYear ? null : `${v}-01-01`;
  }
  function showSlider() {
    const d = sliderDate();
    sliderOut.textContent = d ? `As of 1 January ${d.slice(0, 4)}` : 'As of today';
    slider.setAttribute('aria-valuetext', sliderOut.textContent);
  }
  showSlider();
  const applySlider = debounce(() => {
    state.asOf = sliderDate();
    updateQuery({ asOf: state.asOf });
    reload();
  }, 350);
  slider.addEventListener('input', () => { showSlider(); applySlider(); });

  const rootPicker = picker({ label: 'Start from another entity', name: 'graph-root', onPick: (node) => navigate(`/explore/graph/${encodeURIComponent(node.id)}`) });

  outlet.append(
    heading,
    h('div', { class: 'graph-layout' },
      h('div', { class: 'graph-main' },
        statusLine, problem,
        canvas, help,
        legend),
      h('section', { class: 'graph-list', 'aria-labelledby': 'graph-list-heading' },
        h('h2', { id: 'graph-list-heading' }, 'Entities in the drawing'),
        nodeList),
      h('aside', { class: 'graph-side', 'aria-label': 'Graph controls' },
        selectedPanel,
        h('div', { class: 'panel' },
          h('label', { for: sliderId }, 'Date'),
          slider, sliderOut,
          h('p', { class: 'muted small' }, 'Facts that were not yet true on that date are hidden.')),
        h('fieldset', { class: 'panel' }, h('legend', null, 'Relationship types'), typeBoxes),
        h('div', { class: 'panel buttons' },
          h('button', { type: 'button', class: 'button secondary', onclick: () => { state.expanded = [rootId]; reload(); } }, 'Collapse to the start'),
          h('button', { type: 'button', class: 'button secondary', onclick: () => cy && cy.fit(cy.elements(':visible'), 30) }, 'Fit to view')),
        h('div', { class: 'panel' }, rootPicker.element))),
  );

  cy = cytoscape({
    container: canvas,
    style: graphStyle(),
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    autounselectify: true,
  });
  // Tests and the curious read the drawing from here.
  window.__cy = cy;

  cy.on('tap', 'node', (e) => {
    select(e.target.id());
    expand(e.target.id());
  });
  canvas.addEventListener('keydown', (e) => {
    const order = visibleNodes();
    if (!order.length) return;
    const i = Math.max(0, order.findIndex((n) => n.id() === state.selected));
    if (['ArrowRight', 'ArrowDown'].includes(e.key)) {
      e.preventDefault();
      select(order[(i + 1) % order.length].id(), { center: true });
    } else if (['ArrowLeft', 'ArrowUp'].includes(e.key)) {
      e.preventDefault();
      select(order[(i - 1 + order.length) % order.length].id(), { center: true });
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      expand(state.selected);
    }
  });

  async function fetchAround(id) {
    const data = await gql(NEIGHBOURHOOD, { id, asOf: state.asOf, limit: LIMIT }, { signal });
    return data.neighbourhood;
  }

  function merge(sub, id) {
    for (const n of sub.nodes) state.nodes.set(n.id, n);
    for (const e of sub.edges) state.edges.set(e.key, e);
    if (sub.truncated) state.truncated.add(id);
  }

  async function reload() {
    const mine = ++loads;
    busy(`Loading the graph${state.asOf ? ` as of ${state.asOf}` : ''}…`);
    let subs;
    try {
      subs = await Promise.all(state.expanded.map((id) => fetchAround(id).then((sub) => [id, sub])));
    } catch (err) {
      if (isAbort(err) || mine !== loads) return;
      failed(err, reload);
      return;
    }
    if (mine !== loads) return;
    state.nodes = new Map();
    state.edges = new Map();
    state.truncated = new Set();
    for (const [id, sub] of subs) merge(sub, id);
    // A node expanded earlier may not exist on the new date.
    state.expanded = state.expanded.filter((id) => state.nodes.has(id) || id === rootId);
    sync({ relayout: true });
  }

  async function expand(id) {
    if (state.expanded.includes(id)) {
      say(`${nameOf(id)} is already expanded.`);
      return;
    }
    const mine = ++loads;
    busy(`Expanding ${nameOf(id)}…`);
    let sub;
    try {
      sub = await fetchAround(id);
    } catch (err) {
      if (isAbort(err) || mine !== loads) return;
      failed(err, () => expand(id));
      return;
    }
    if (mine !== loads) return;
    state.expanded.push(id);
    const before = state.nodes.size;
    merge(sub, id);
    sync({ relayout: true, around: id, added: state.nodes.size - before });
  }

  function sync({ relayout, around, added }) {
    problem.replaceChildren();
    const root = state.nodes.get(rootId);
    if (root) {
      heading.textContent = `Graph around ${root.name}`;
      setTitle(`Graph: ${shortLabel(root)}`);
    }
    // New nodes start beside the node they hang on (or the root), so the
    // layout moves the drawing a little rather than reshuffling it.
    const fresh = cy.nodes().length === 0;
    const anchor = cy.getElementById(around && cy.getElementById(around).nonempty() ? around : rootId);
    const origin = !fresh && anchor.nonempty() ? { ...anchor.position() } : null;
    cy.batch(() => {
      cy.nodes().filter((n) => !state.nodes.has(n.id())).remove();
      cy.edges().filter((e) => !state.edges.has(e.id())).remove();
      for (const n of state.nodes.values()) {
        const data = { id: n.id, label: truncate(shortLabel(n), 26), name: n.name, type: n.__typename, color: typeColor(n.__typename) };
        const existing = cy.getElementById(n.id);
        if (existing.nonempty()) existing.data(data);
        else cy.add({ group: 'nodes', data, position: origin ? { x: origin.x + (Math.random() - 0.5) * 80, y: origin.y + (Math.random() - 0.5) * 80 } : undefined });
      }
      for (const e of state.edges.values()) {
        if (cy.getElementById(e.key).nonempty()) continue;
        if (!state.nodes.has(e.from) || !state.nodes.has(e.to)) continue;
        cy.add({ group: 'edges', data: { id: e.key, source: e.from, target: e.to, type: e.type, label: e.type.toLowerCase().replace(/_/g, ' ') } });
      }
      cy.nodes().forEach((n) => {
        n.toggleClass('root', n.id() === rootId);
        n.toggleClass('expanded', state.expanded.includes(n.id()));
      });
    });
    applyFilter();
    renderTypeBoxes();
    renderLegend();
    if (relayout) layout(fresh);
    if (!state.nodes.has(state.selected)) state.selected = rootId;
    select(state.selected);
    renderList();
    const shown = visibleNodes().length;
    const cut = state.truncated.size ? ` The service cut ${state.truncated.size === 1 ? 'one neighbourhood' : `${state.truncated.size} neighbourhoods`} at ${LIMIT} entities.` : '';
    const note = added !== undefined ? `${added} new ${added === 1 ? 'entity' : 'entities'}. ` : '';
    if (!root) {
      say(`Nothing is recorded for “${rootId}”${state.asOf ? ` as of ${state.asOf}` : ''}.`);
    } else {
      say(`${note}${shown} ${shown === 1 ? 'entity' : 'entities'} and ${cy.edges(':visible').length} relationships shown; ${state.expanded.length} expanded.${cut}`);
    }
    canvas.dataset.loaded = 'true';
    canvas.dataset.nodeCount = String(cy.nodes().length);
  }

  function layout(randomize) {
    const visible = cy.elements(':visible');
    if (!visible.length) return;
    visible.layout({
      name: 'cose', animate: false, randomize, fit: true, padding: 30,
      nodeRepulsion: () => 40000, idealEdgeLength: () => 90, edgeElasticity: () => 80, nodeOverlap: 20,
      gravity: 0.6, numIter: 2000, componentSpacing: 60,
    }).run();
  }

  function applyFilter() {
    cy.batch(() => {
      cy.edges().forEach((e) => e.toggleClass('hidden', state.hiddenTypes.has(e.data('type'))));
      // A node stays when it still hangs on a shown relationship, or when
      // the reader expanded it.
      cy.nodes().forEach((n) => {
        const keep = state.expanded.includes(n.id()) || n.connectedEdges().some((e) => !e.hasClass('hidden'));
        n.toggleClass('hidden', !keep);
      });
    });
  }

  function renderTypeBoxes() {
    const counts = new Map();
    for (const e of state.edges.values()) counts.set(e.type, (counts.get(e.type) || 0) + 1);
    const types = [...counts.keys()].sort();
    fill(typeBoxes,
      types.length ? null : h('p', { class: 'muted small' }, 'No relationship drawn yet.'),
      types.map((t) => {
        const id = `${canvasId}-type-${t}`;
        return h('div', { class: 'check' },
          h('input', {
            type: 'checkbox', id, value: t, checked: !state.hiddenTypes.has(t), 'data-relation-type': t,
            onchange: (e) => {
              if (e.target.checked) state.hiddenTypes.delete(t);
              else state.hiddenTypes.add(t);
              updateQuery({ hide: [...state.hiddenTypes].join(',') });
              applyFilter();
              renderList();
              cy.fit(cy.elements(':visible'), 30);
              const shown = visibleNodes().length;
              say(`${relationName(t)} ${e.target.checked ? 'shown' : 'hidden'}: ${shown} entities and ${cy.edges(':visible').length} relationships shown.`);
            },
          }),
          h('label', { for: id }, relationName(t), h('span', { class: 'muted' }, ` (${counts.get(t)})`)));
      }));
  }

  function renderLegend() {
    const present = new Set([...state.nodes.values()].map((n) => n.__typename));
    legend.replaceChildren(...Object.keys(TYPES).filter((t) => present.has(t)).map((t) => h('li', null,
      h('span', { class: 'swatch', style: { background: typeColor(t) }, 'aria-hidden': 'true' }), typeLabel(t))));
  }

  function renderList() {
    const nodes = [...state.nodes.values()].sort((a, b) => (a.id === rootId ? -1 : b.id === rootId ? 1 : a.name.localeCompare(b.name)));
    nodeList.replaceChildren(...nodes.map((n) => {
      const el = cy.getElementById(n.id);
      const hidden = el.nonempty() && el.hasClass('hidden');
      const expanded = state.expanded.includes(n.id);
      return h('li', { 'data-node-id': n.id, 'data-type': n.__typename, hidden: hidden || undefined },
        typeBadge(n.__typename), ' ',
        h('a', { href: entityHref(n.id) }, n.name), ' ',
        expanded
          ? h('span', { class: 'muted small' }, n.id === rootId ? '(start, expanded)' : '(expanded)')
          : h('button', { type: 'button', class: 'link-button', onclick: () => { select(n.id); expand(n.id); } }, `Expand`, h('span', { class: 'visually-hidden' }, ` ${n.name}`)));
    }));
  }

  function visibleNodes() {
    return cy.nodes(':visible').sort((a, b) => a.data('name').localeCompare(b.data('name')));
  }

  function select(id, { center = false } = {}) {
    state.selected = id;
    cy.nodes('.selected').removeClass('selected');
    const el = cy.getElementById(id);
    if (el.empty()) return;
    el.addClass('selected');
    if (center) cy.animate({ center: { eles: el }, duration: 150 });
    canvas.setAttribute('aria-label', `Graph drawing. Selected: ${el.data('name')} (${typeLabel(el.data('type'))}).`);
    const n = state.nodes.get(id);
    const expanded = state.expanded.includes(id);
    selectedPanel.replaceChildren(
      h('h2', null, 'Selected'),
      h('p', null, typeBadge(n.__typename)),
      h('p', { class: 'selected-name' }, n.name),
      h('p', { class: 'buttons' },
        h('a', { class: 'button', href: entityHref(id) }, 'Open its page'),
        expanded ? h('span', { class: 'muted small' }, 'Expanded') : h('button', { type: 'button', class: 'button secondary', onclick: () => expand(id) }, 'Expand')));
  }

  function nameOf(id) {
    const n = state.nodes.get(id);
    return n ? n.name : id;
  }

  function busy(text) {
    canvas.dataset.loaded = 'false';
    statusLine.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
  }

  function say(text) {
    statusLine.replaceChildren(text);
  }

  function failed(err, retry) {
    canvas.dataset.loaded = 'error';
    statusLine.replaceChildren('');
    problem.replaceChildren(errorView(err, { retry }));
  }

  // The heading names the root as soon as possible, before the drawing.
  gql(NODE_NAME, { id: rootId }, { signal }).then((d) => {
    if (d.node && !state.nodes.has(rootId)) heading.textContent = `Graph around ${d.node.name}`;
  }).catch(() => {});
  reload();

  return () => {
    applySlider.cancel();
    if (window.__cy === cy) delete window.__cy;
    cy.destroy();
  };
}

function graphStyle() {
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(color)', label: 'data(label)', width: 22, height: 22,
        'font-size': 10, 'font-family': 'system-ui, sans-serif', color: '#111827',
        'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'ellipsis', 'text-max-width': 120,
        'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 1,
        'border-width': 1, 'border-color': '#ffffff',
      },
    },
    { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#111827' } },
    { selector: 'node.root', style: { width: 36, height: 36, 'font-size': 12, 'font-weight': 'bold', 'border-width': 4, 'border-style': 'double', 'border-color': '#111827' } },
    { selector: 'node.selected', style: { 'overlay-color': '#f59e0b', 'overlay-opacity': 0.35, 'overlay-padding': 6 } },
    {
      selector: 'edge',
      style: {
        width: 1.5, 'line-color': '#94a3b8', 'target-arrow-color': '#94a3b8', 'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8, 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, 'min-zoomed-font-size': 10,
        color: '#475569', 'text-rotation': 'autorotate', 'text-background-color': '#ffffff', 'text-background-opacity': 0.7,
      },
    },
    { selector: '.hidden', style: { display: 'none' } },
  ];
}
