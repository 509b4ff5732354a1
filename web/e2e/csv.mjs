// parseCSV reads RFC 4180 text (quoted fields, doubled quotes, CRLF or LF)
// into objects keyed by the header line: the browser tests' own reader, so a
// download is checked by a parser that is not the page's writer.
export function parseCSV(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { record.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed');
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  const [header, ...rows] = records;
  for (const [i, r] of rows.entries()) {
    if (r.length !== header.length) throw new Error(`CSV: line ${i + 2} has ${r.length} fields, the header ${header.length}`);
  }
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((k, i) => [k, r[i]]))) };
}

// downloadCSV clicks the view's download and parses what the browser saved.
export async function downloadCSV(page) {
  const link = page.getByRole('link', { name: 'Download CSV' });
  await link.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { filename: download.suggestedFilename(), ...parseCSV(Buffer.concat(chunks).toString('utf8')) };
}
