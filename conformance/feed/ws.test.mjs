// The change feed through graphql-ws, over the graphql-transport-ws
// protocol; the credential goes in connection_init, as a browser sends it.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { feedTests } from './cases.mjs';
import { feedQuery } from './harness.mjs';

feedTests('graphql-ws', (service, { key, origin, variables }) => {
  class Socket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, origin ? { origin } : {});
    }
  }
  const client = createClient({
    url: service.ws,
    webSocketImpl: Socket,
    retryAttempts: 0,
    connectionParams: key ? { Authorization: `Bearer ${key}` } : undefined,
  });
  const iter = client.iterate({ query: feedQuery, variables });
  return {
    iter,
    dispose: async () => {
      await iter.return?.();
      await client.dispose();
    },
  };
});
