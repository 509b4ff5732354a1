import { gql, isAbort } from '../api.js';
import { h, debounce, loading, uniqueId } from '../dom.js';
import { errorView } from '../errors.js';
import { SEARCH } from '../queries.js';
import { TYPES, entityHref, formatDate, typeBadge } from '../format.js';

const EXAMPLES = ['GLACY+', 'T-CY', 'CETS 224', 'Lanzarote', 'Mauritius', 'grooming', 'Manuel pour les décideurs'];
const PAGE = 20;

export function searchView({ outlet, query, signal, updateQuery }) {
  const inputId = uniqueId('q');
  const typeId = uniqueId('type');
  const input = h('input', {
    id: inputId, type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false', value: query.get('q') || '',
    placeholder: 'GLACY+, Lanzarote, CETS 224, Mauritius…', 'aria-describedby': `${inputId}-help`,
  });
  const typeSelect = h('select', { id: typeId, name: 'type' },
    h('option', { value: '' }, 'All kinds'),
    Object.values(TYPES).map((t) => h('option', { value: t.enum, selected: query.get('type') === t.enum }, t.plural)));
  const results = h('div', { class: 'results', 'aria-live': 'polite', 'aria-busy': 'false' });

  outlet.append(
    h('h1', null, 'Search the graph'),
    h('form', { role: 'search', class: 'search-form', onsubmit: (e) => { e.preventDefault(); run.cancel(); search(); } },
      h('div', { class: 'field grow' },
        h('label', { for: inputId }, 'Name, acronym, treaty number or alias'),
        input,
        h('p', { id: `${inputId}-help`, class: 'muted small' }, 'Results appear as you type. English and French names both work.')),
      h('div', { class: 'field' }, h('label', { for: typeId }, 'Kind'), typeSelect)),
    results,
  );

  let controller = null;
  let seq = 0;

  async function search({ after = null, list = null } = {}) {
    const q = input.value.trim();
    const type = typeSelect.value;
    updateQuery({ q, type });
    if (controller) controller.abort();
    if (!q) {
      results.replaceChildren(examples());
      return;
    }
    controller = new AbortController();
    const mine = ++seq;
    if (!after) results.replaceChildren(loading('results'));
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await gql(SEARCH, { q, types: type ? [type] : null, first: PAGE, after }, { signal: controller.signal });
      if (mine !== seq) return;
      render(q, data.search, list);
    } catch (err) {
      if (isAbort(err) || mine !== seq) return;
      results.replaceChildren(errorView(err, { retry: () => search() }));
    } finally {
      if (mine === seq) results.setAttribute('aria-busy', 'false');
    }
  }

  function render(q, conn, list) {
    const first = !list;
    if (first) {
      if (!conn.edges.length) {
        results.replaceChildren(h('div', { class: 'empty' },
          h('p', null, `Nothing matches “${q}”.`),
          h('p', { class: 'muted' }, 'Try fewer words, an acronym (T-CY), a treaty number (CETS 201) or the French name.')));
        return;
      }
      list = h('ol', { class: 'result-list', 'data-total': conn.totalCount });
      results.replaceChildren(
        h('p', { class: 'muted', role: 'status' }, `${conn.totalCount} ${conn.totalCount === 1 ? 'result' : 'results'} for “${q}”`),
        list);
    }
    for (const { node, score } of conn.edges) {
      list.append(resultItem(node, score));
    }
    const old = results.querySelector('.more');
    if (old) old.remove();
    if (conn.pageInfo.hasNextPage) {
      results.append(h('button', {
        type: 'button', class: 'button more',
        onclick: (e) => { e.currentTarget.disabled = true; e.currentTarget.textContent = 'Loading…'; search({ after: conn.pageInfo.endCursor, list }); },
      }, 'More results'));
    }
  }

  function examples() {
    return h('div', { class: 'empty' },
      h('p', null, 'Try one of these:'),
      h('ul', { class: 'chips' }, EXAMPLES.map((x) => h('li', null, h('button', {
        type: 'button', class: 'chip',
        onclick: () => { input.value = x; search(); input.focus(); },
      }, x)))));
  }

  const run = debounce(() => search(), 250);
  input.addEventListener('input', run);
  typeSelect.addEventListener('change', () => search());
  signal.addEventListener('abort', () => {
    run.cancel();
    if (controller) controller.abort();
  });

  search();
  if (!query.get('q')) input.focus();
}

function resultItem(node, score) {
  const extra = [];
  if (node.acronym && node.acronym !== node.name) extra.push(node.acronym);
  if (node.number) extra.push(node.number);
  if (node.shortName && node.shortName !== node.name) extra.push(node.shortName);
  if (node.iso2) extra.push(node.iso2);
  const when = node.opened || node.startDate || node.published;
  return h('li', { class: 'result', 'data-id': node.id, 'data-type': node.__typename },
    h('a', { href: entityHref(node.id), class: 'result-link' },
      h('span', { class: 'result-head' }, typeBadge(node.__typename), extra.length ? h('span', { class: 'result-extra' }, extra.join(' · ')) : null),
      h('span', { class: 'result-name' }, node.name),
      h('span', { class: 'muted small' }, node.id, when ? ` · ${formatDate(when)}` : '', node.coeStatus ? ` · ${node.coeStatus.toLowerCase().replace('_', ' ')}` : '', ` · score ${score.toFixed(1)}`)));
}
