import { h } from './dom.js';

// toCSV writes rows as RFC 4180 text: every field quoted when it holds a
// comma, a quote or a line break, lines ended by CRLF, so spreadsheets and
// CSV parsers read back exactly the values the API gave. Null and undefined
// are empty fields.
export function toCSV(columns, rows) {
  const lines = [columns.map(([, title]) => field(title))];
  for (const row of rows) lines.push(columns.map(([key]) => field(row[key])));
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

function field(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// viewTools is the bar under a view: a link that reopens the view as it is
// (its inputs are in the address) and a download of the data it draws.
// update() is called each time the view has drawn new data.
export function viewTools({ label }) {
  const link = h('a', { class: 'view-link', href: location.pathname + location.search, 'data-view-link': '' }, `Link to this ${label}`);
  const copy = h('button', { type: 'button', class: 'link-button copy-link', onclick: copyLink }, 'Copy link');
  const download = h('a', { class: 'button secondary csv-download', download: 'data.csv', hidden: true }, 'Download CSV');
  const status = h('span', { class: 'muted small', role: 'status' });
  let objectURL = null;

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = 'Link copied';
    } catch {
      // Clipboard access needs a secure context or a permission; the link
      // itself still works.
      status.textContent = 'Copy the link above';
    }
  }

  function update({ filename, columns, rows }) {
    link.href = location.pathname + location.search;
    if (objectURL) URL.revokeObjectURL(objectURL);
    objectURL = URL.createObjectURL(new Blob([toCSV(columns, rows)], { type: 'text/csv;charset=utf-8' }));
    download.href = objectURL;
    download.download = filename;
    download.hidden = false;
    download.dataset.rows = String(rows.length);
    status.textContent = '';
  }

  function dispose() {
    if (objectURL) URL.revokeObjectURL(objectURL);
    objectURL = null;
  }

  return {
    element: h('p', { class: 'view-tools' }, link, copy, download, status),
    update,
    dispose,
  };
}
