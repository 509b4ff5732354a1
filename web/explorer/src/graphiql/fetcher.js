// A plain POST fetcher: the API takes one JSON operation per request on the
// same origin, and has no subscriptions, so GraphiQL's toolkit (and its
// WebSocket client) is not needed.
export async function fetcher(params, opts = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts.headers || {}) },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    // Shown in the response pane, so a proxy's HTML error page is readable.
    return { errors: [{ message: `HTTP ${res.status}: the answer is not JSON`, extensions: { body: text.slice(0, 500) } }] };
  }
}
