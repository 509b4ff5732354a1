import { gql, isAbort } from './api.js';
import { h, debounce, uniqueId } from './dom.js';
import { SEARCH } from './queries.js';
import { typeBadge, shortLabel } from './format.js';

// picker is a search-as-you-type combobox (the ARIA 1.2 pattern): type, move
// with the arrow keys, Enter or a click picks. onPick receives the node.
export function picker({ label, name, placeholder = 'Type a name, acronym or number', value = null, onPick }) {
  const inputId = uniqueId(`${name}-input`);
  const listId = uniqueId(`${name}-list`);
  const hintId = uniqueId(`${name}-hint`);
  let options = [];
  let active = -1;
  let controller = null;
  let seq = 0;
  let selected = value;

  const input = h('input', {
    id: inputId, name, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': hintId,
    placeholder, value: value ? value.name : '',
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true, 'aria-label': `${label}: matches` });
  const hint = h('p', { id: hintId, class: 'picker-hint muted small', 'aria-live': 'polite' }, selected ? `Chosen: ${selected.name}` : '');
  const root = h('div', { class: 'picker', 'data-picker': name },
    h('label', { for: inputId }, label),
    h('div', { class: 'picker-box' }, input, list),
    hint);

  function open(show) {
    list.hidden = !show;
    input.setAttribute('aria-expanded', show ? 'true' : 'false');
  }

  function setActive(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i] && list.children[i].getAttribute('role') === 'option') {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function pick(node) {
    selected = node;
    input.value = node.name;
    hint.textContent = `Chosen: ${node.name}`;
    open(false);
    setActive(-1);
    onPick(node);
  }

  function renderOptions(nodes, q) {
    options = nodes;
    list.replaceChildren();
    if (!nodes.length) {
      list.append(h('li', { class: 'picker-empty', role: 'presentation' }, `Nothing matches “${q}”.`));
    }
    nodes.forEach((node, i) => {
      list.append(h('li', {
        id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', 'data-id': node.id,
        onmousedown: (e) => e.preventDefault(),
        onclick: () => pick(node),
      }, typeBadge(node.__typename), ' ', h('span', { class: 'picker-name' }, node.name),
      shortLabel(node) !== node.name ? h('span', { class: 'muted' }, ` (${shortLabel(node)})`) : null));
    });
    open(true);
    setActive(nodes.length ? 0 : -1);
  }

  const lookup = debounce(async (q) => {
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = ++seq;
    list.replaceChildren(h('li', { class: 'picker-empty', role: 'presentation' }, 'Searching…'));
    open(true);
    try {
      const data = await gql(SEARCH, { q, first: 8 }, { signal: controller.signal, track: false });
      if (mine === seq) renderOptions(data.search.edges.map((e) => e.node), q);
    } catch (err) {
      if (isAbort(err) || mine !== seq) return;
      list.replaceChildren(h('li', { class: 'picker-empty', role: 'presentation' }, `Search failed: ${err.message}`));
    }
  }, 200);

  input.addEventListener('input', () => {
    const q = input.value.trim();
    if (selected && input.value !== selected.name) {
      selected = null;
      hint.textContent = '';
    }
    if (!q) {
      lookup.cancel();
      open(false);
      return;
    }
    lookup(q);
  });
  input.addEventListener('keydown', (e) => {
    const n = options.length;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden && input.value.trim()) lookup(input.value.trim());
      else if (n) setActive((active + 1) % n);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (n) setActive((active - 1 + n) % n);
    } else if (e.key === 'Enter') {
      if (!list.hidden && active >= 0 && options[active]) {
        e.preventDefault();
        pick(options[active]);
      }
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        open(false);
      }
    }
  });
  input.addEventListener('blur', () => setTimeout(() => open(false), 100));

  return {
    element: root,
    get value() { return selected; },
    set(node) {
      selected = node;
      input.value = node ? node.name : '';
      hint.textContent = node ? `Chosen: ${node.name}` : '';
    },
    focus() { input.focus(); },
  };
}
