// The explorer speaks only the public GraphQL API, on its own origin.
const ENDPOINT = '/graphql';

// ApiError carries what the API says of a failure: its extensions.code, the
// message, and the request id the service logged it under.
export class ApiError extends Error {
  constructor(message, code, { requestId, status } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.requestId = requestId;
    this.status = status;
  }
}

// The page's current query is the first one a view runs under its signal
// (each view, and each new search or matrix, has its own), kept with the
// variables of its latest run: share.js links to it and downloads its
// answer. Lookups such as the picker's pass track: false.
let current = null;

export function currentQuery() {
  return current && { query: current.query, variables: current.variables };
}

export async function gql(query, variables = {}, { signal, track = true } = {}) {
  if (track) {
    if (!current || current.signal !== signal) current = { signal, query, variables };
    else if (current.query === query) current.variables = variables;
  }
  let res;
  try {
    res = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('The service could not be reached. Check the connection and try again.', 'NETWORK');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The service answered HTTP ${res.status} without a GraphQL answer.`, 'HTTP', { status: res.status });
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const ext = first.extensions || {};
    throw new ApiError(first.message, ext.code || 'ERROR', { requestId: ext.requestId, status: res.status });
  }
  return body.data;
}

export function isAbort(err) {
  return err && err.name === 'AbortError';
}
