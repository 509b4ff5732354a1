// "Copy link" and "Download CSV" for what the page shows. The page's own
// address reopens the same view, which runs the same query with the same
// variables; the CSV is the API's table of that query's answer (GET
// /graphql?format=csv, flattened as the README's "Saved queries" says).
import { h } from './dom.js';
import { currentQuery } from './api.js';

// csvURL is the API address of the CSV of a query and its variables.
export function csvURL({ query, variables }) {
  const params = new URLSearchParams({ query, format: 'csv' });
  if (variables && Object.keys(variables).length) params.set('variables', JSON.stringify(variables));
  return `/graphql?${params}`;
}

// fileName reads the download's name from Content-Disposition.
export function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  return m ? m[1] : fallback;
}

// downloadCSV fetches url and saves the answer; a refusal comes back as the
// API's message.
export async function downloadCSV(url) {
  // The header lets the GET through in production, where a GET without it
  // could be forged across sites.
  const res = await fetch(url, { headers: { 'GraphQL-Require-Preflight': '1', Accept: 'text/csv' } });
  if (!res.ok || !(res.headers.get('Content-Type') || '').startsWith('text/csv')) {
    let msg = `HTTP ${res.status}`;
    try {
      const body = await res.json();
      if (body.errors && body.errors[0]) msg = body.errors[0].message;
    } catch { /* not JSON: the status says it */ }
    throw new Error(msg);
  }
  const blob = await res.blob();
  const a = h('a', { href: URL.createObjectURL(blob), download: fileName(res, 'answer.csv'), hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// mountShareBar adds the two buttons to the header; status tells what
// happened, politely, to screen readers too.
export function mountShareBar(header) {
  const status = h('span', { class: 'share-status', role: 'status', 'aria-live': 'polite' });
  const say = (text) => {
    status.textContent = text;
  };
  const link = h('button', {
    type: 'button', class: 'share-button', 'data-share': 'link',
    onclick: async () => {
      const href = location.href;
      link.dataset.link = href;
      say((await copyText(href)) ? 'Link copied' : `Link: ${href}`);
    },
  }, 'Copy link');
  const csv = h('button', {
    type: 'button', class: 'share-button', 'data-share': 'csv',
    onclick: async () => {
      const q = currentQuery();
      if (!q) {
        say('Nothing to download yet');
        return;
      }
      csv.disabled = true;
      say('Preparing CSV…');
      try {
        await downloadCSV(csvURL(q));
        say('CSV downloaded');
      } catch (err) {
        say(`Download failed: ${err.message}`);
      } finally {
        csv.disabled = false;
      }
    },
  }, 'Download CSV');
  header.append(h('div', { class: 'share-bar' }, link, csv, status));
}
