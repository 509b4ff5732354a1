import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './style.css';
import { examples } from './examples.js';
import { fetcher } from './fetcher.js';
import { ShareButtons, sharedTab } from './share.js';

// A shared link (share.js) opens first, in a tab of its own, before the
// worked examples.
const shared = sharedTab(location.search);
const tabs = [...(shared ? [shared] : []), ...examples.map((e) => ({ query: e.query }))];
const opened = shared ? { query: shared.query, variables: shared.variables } : {};

// GraphiQL finds its logo slot by the element's type, so GraphiQL.Logo is
// given directly rather than through a component of ours.
const logo = h(GraphiQL.Logo, null,
  h('a', { className: 'kg-logo', href: '/explore/', title: 'Back to the explorer' },
    h('span', { className: 'kg-logo-name' }, 'Knowledge graph'),
    h('span', { className: 'kg-logo-link' }, ' · Explorer')));

createRoot(document.getElementById('graphiql')).render(
  h(GraphiQL, { fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: true, toolbar: { additionalComponent: ShareButtons }, ...opened }, logo),
);
