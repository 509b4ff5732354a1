import { h } from './dom.js';

const TITLES = {
  NOT_FOUND: 'Not found',
  BAD_USER_INPUT: 'The request was refused',
  UNAVAILABLE: 'The graph database is not answering',
  INTERNAL: 'Something went wrong in the service',
  UNAUTHENTICATED: 'Sign-in needed',
  FORBIDDEN: 'Not allowed',
  RATE_LIMITED: 'Too many requests',
  COST_LIMIT_EXCEEDED: 'The question is too big',
  GRAPHQL_VALIDATION_FAILED: 'The explorer sent a query the API does not accept',
  GRAPHQL_PARSE_FAILED: 'The explorer sent a query the API could not read',
  NETWORK: 'No connection',
  HTTP: 'Unexpected answer',
};

// errorView says what went wrong in words, with the API's code and the
// request id to quote when reporting it.
export function errorView(err, { retry } = {}) {
  const code = err.code || 'ERROR';
  const title = TITLES[code] || 'Something went wrong';
  return h('div', { class: 'error', role: 'alert', 'data-error-code': code },
    h('p', { class: 'error-title' }, title),
    h('p', null, err.message || String(err)),
    h('p', { class: 'muted small' }, `Code ${code}`, err.requestId ? ` · request ${err.requestId}` : ''),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null);
}
