import { gql, isAbort } from '../api.js';
import { h, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { NODE_NAME, SHORTEST_PATH } from '../queries.js';
import {
  entityLink, formatDate, humanKey, propertyValue, relationPhrase, shortLabel, sourceList, typeBadge,
} from '../format.js';
import { picker } from '../picker.js';

export function pathView({ outlet, query, signal, updateQuery }) {
  const fromPicker = picker({ label: 'From', name: 'path-from', onPick: () => {} });
  const toPicker = picker({ label: 'To', name: 'path-to', onPick: () => {} });
  const hopsId = uniqueId('hops');
  const dateId = uniqueId('path-date');
  const hops = h('select', { id: hopsId, name: 'maxHops' },
    [1, 2, 3, 4, 5, 6].map((n) => h('option', { value: n, selected: n === Number(query.get('maxHops') || 4) }, `${n} ${n === 1 ? 'step' : 'steps'}`)));
  const date = h('input', { id: dateId, type: 'date', name: 'asOf', value: query.get('asOf') || '', min: '1949-01-01' });
  const result = h('div', { class: 'path-result', 'aria-live': 'polite' });

  const form = h('form', { class: 'path-form panel', onsubmit: (e) => { e.preventDefault(); find(); } },
    h('div', { class: 'path-pickers' }, fromPicker.element,
      h('button', { type: 'button', class: 'button secondary swap', title: 'Swap the two ends', onclick: swap }, '⇅', h('span', { class: 'visually-hidden' }, 'Swap from and to')),
      toPicker.element),
    h('div', { class: 'path-options' },
      h('div', { class: 'field' }, h('label', { for: hopsId }, 'At most'), hops),
      h('div', { class: 'field' }, h('label', { for: dateId }, 'As of (optional)'), date),
      h('button', { type: 'submit', class: 'button' }, 'Find the path')));

  outlet.append(
    h('h1', null, 'Path finder'),
    h('p', null, 'The shortest chain of relationships between two entities, in either direction, with the source of each step.'),
    form,
    result,
  );

  function swap() {
    const a = fromPicker.value;
    fromPicker.set(toPicker.value);
    toPicker.set(a);
  }

  async function find() {
    const from = fromPicker.value;
    const to = toPicker.value;
    if (!from || !to) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Choose ${!from ? 'where the path starts' : 'where it ends'} from the list of matches first.`));
      (!from ? fromPicker : toPicker).focus();
      return;
    }
    const maxHops = Number(hops.value);
    const asOf = date.value || null;
    updateQuery({ from: from.id, to: to.id, maxHops: maxHops === 4 ? null : maxHops, asOf });
    result.replaceChildren(loading('the shortest path'));
    try {
      const data = await gql(SHORTEST_PATH, { from: from.id, to: to.id, maxHops, asOf }, { signal });
      render(data.shortestPath, from, to, maxHops, asOf);
    } catch (err) {
      if (isAbort(err)) return;
      result.replaceChildren(errorView(err, { retry: find }));
    }
  }

  function render(path, from, to, maxHops, asOf) {
    if (!path) {
      result.replaceChildren(h('div', { class: 'empty', 'data-path': 'none' },
        h('p', null, `No path of at most ${maxHops} ${maxHops === 1 ? 'step' : 'steps'} joins ${from.name} and ${to.name}${asOf ? ` as of ${formatDate(asOf)}` : ''}.`),
        maxHops < 6 ? h('p', { class: 'muted' }, 'Allow more steps to look further.') : null));
      return;
    }
    const chain = h('ol', { class: 'path-chain', 'data-length': path.length });
    path.nodes.forEach((node, i) => {
      chain.append(h('li', { class: 'path-node', 'data-node-id': node.id, 'data-index': i },
        typeBadge(node.__typename), ' ', entityLink(node), shortLabel(node) !== node.name ? h('span', { class: 'muted' }, ` (${shortLabel(node)})`) : null));
      const e = path.edges[i];
      if (e) chain.append(hop(e, node, path.nodes[i + 1], i));
    });
    result.replaceChildren(
      h('p', { class: 'path-summary' }, `${path.nodes[0].name} → ${path.nodes[path.nodes.length - 1].name}: `,
        h('strong', null, `${path.length} ${path.length === 1 ? 'step' : 'steps'}`), asOf ? ` as of ${formatDate(asOf)}` : ''),
      chain);
  }

  // Pre-filled from the address: a shared link shows the same path.
  async function restore() {
    const ids = [query.get('from'), query.get('to')];
    if (!ids[0] && !ids[1]) {
      fromPicker.focus();
      return;
    }
    try {
      const nodes = await Promise.all(ids.map((id) => (id ? gql(NODE_NAME, { id }, { signal }).then((d) => d.node) : null)));
      if (nodes[0]) fromPicker.set(nodes[0]);
      if (nodes[1]) toPicker.set(nodes[1]);
      if (nodes[0] && nodes[1]) find();
    } catch (err) {
      if (isAbort(err)) return;
      result.replaceChildren(errorView(err));
    }
  }
  restore();
}

// hop shows one relationship of the path as a sentence read in its own
// direction, which may run against the path's.
function hop(e, here, next, i) {
  const forward = e.from === here.id;
  const [start, end] = forward ? [here, next] : [next, here];
  const props = Object.entries(e.properties || {});
  return h('li', {
    class: 'hop', 'data-index': i, 'data-from': e.from, 'data-to': e.to, 'data-type': e.type, 'data-direction': forward ? 'forward' : 'backward',
  },
  h('p', { class: 'hop-line' },
    h('span', { class: 'hop-arrow', 'aria-hidden': 'true' }, forward ? '↓' : '↑'), ' ',
    h('span', { class: 'hop-sentence' }, `${shortLabel(start)} ${relationPhrase(e.type, 'OUTGOING')} ${shortLabel(end)}`), ' ',
    h('code', { class: 'rel-type' }, e.type),
    forward ? null : h('span', { class: 'muted small' }, ' (against the path)')),
  props.length ? h('p', { class: 'relation-props' }, props.map(([k, v], j) => [j ? ' · ' : '', h('span', { class: 'muted' }, `${humanKey(k)} `), propertyValue(v)])) : null,
  h('div', { class: 'hop-sources' }, h('span', { class: 'muted small' }, 'Sources: '), sourceList(e.sources)));
}
