import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './style.css';
import { examples } from './examples.js';
import { fetcher } from './fetcher.js';

const tabs = examples.map((e) => ({ query: e.query }));

// GraphiQL finds its logo slot by the element's type, so GraphiQL.Logo is
// given directly rather than through a component of ours.
const logo = h(GraphiQL.Logo, null,
  h('a', { className: 'kg-logo', href: '/explore/', title: 'Back to the explorer' },
    h('span', { className: 'kg-logo-name' }, 'Knowledge graph'),
    h('span', { className: 'kg-logo-link' }, ' · Explorer')));

createRoot(document.getElementById('graphiql')).render(
  h(GraphiQL, { fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: true }, logo),
);
