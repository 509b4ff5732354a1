// The change feed through graphql-sse, in its distinct connections mode
// (one POST with Accept: text/event-stream per subscription).
import { createClient } from 'graphql-sse';

import { feedTests } from './cases.mjs';
import { feedQuery } from './harness.mjs';

feedTests('graphql-sse', (service, { key, origin, variables }) => {
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (origin) headers.Origin = origin;
  const client = createClient({ url: service.graphql, headers, retryAttempts: 0 });
  const iter = client.iterate({ query: feedQuery, variables });
  return {
    iter,
    dispose: async () => {
      await iter.return?.();
      client.dispose();
    },
  };
});
