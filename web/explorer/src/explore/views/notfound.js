import { h } from '../dom.js';

export function notFoundView({ outlet }) {
  outlet.append(
    h('h1', null, 'Page not found'),
    h('p', null, 'Nothing lives at this address in the explorer. ', h('a', { href: '/explore/' }, 'Search the graph'), ' instead.'),
  );
}
