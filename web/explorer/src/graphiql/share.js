// "Copy link" and "Download CSV" in GraphiQL's toolbar, for the query and
// variables in the editors. The link is /graphiql?query=…&variables=…,
// which main.js opens as a tab; the CSV is the API's (GET
// /graphql?format=csv).
import { createElement as h, useState } from 'react';
import { useEditorContext, ToolbarButton } from '@graphiql/react';
import { csvURL, downloadCSV, copyText } from '../explore/share.js';

// linkTo returns the address that reopens query and variables (the
// variables editor's text, JSON).
export function linkTo(query, variables) {
  const params = new URLSearchParams({ query });
  if (variables && variables.trim()) params.set('variables', variables);
  return `${location.origin}/graphiql?${params}`;
}

// sharedTab reads a link's query and variables, or null.
export function sharedTab(search) {
  const params = new URLSearchParams(search);
  const query = params.get('query');
  if (!query) return null;
  return { query, variables: params.get('variables') || undefined };
}

function icon(text) {
  return h('span', { className: 'kg-share-icon', 'aria-hidden': 'true' }, text);
}

export function ShareButtons() {
  const { queryEditor, variableEditor } = useEditorContext({ nonNull: true });
  const [status, setStatus] = useState('');
  const current = () => ({ query: queryEditor ? queryEditor.getValue() : '', variables: variableEditor ? variableEditor.getValue() : '' });
  const copyLink = async () => {
    const { query, variables } = current();
    const href = linkTo(query, variables);
    document.body.dataset.sharedLink = href;
    setStatus((await copyText(href)) ? 'Link copied' : href);
  };
  const download = async () => {
    const { query, variables } = current();
    let vars;
    try {
      vars = variables.trim() ? JSON.parse(variables) : undefined;
    } catch {
      setStatus('The variables are not JSON');
      return;
    }
    setStatus('Preparing CSV…');
    try {
      await downloadCSV(csvURL({ query, variables: vars }));
      setStatus('CSV downloaded');
    } catch (err) {
      setStatus(`Download failed: ${err.message}`);
    }
  };
  return h('div', { className: 'kg-share' },
    h(ToolbarButton, { onClick: copyLink, label: 'Copy link to this query and its variables', 'data-share': 'link' }, icon('Link')),
    h(ToolbarButton, { onClick: download, label: 'Download the answer as CSV', 'data-share': 'csv' }, icon('CSV')),
    h('output', { className: 'kg-share-status', 'aria-live': 'polite' }, status));
}
