import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

// The built tree mirrors the URLs the Go service answers, so web.Mount can
// serve it without rewriting: dist/explore/ is /explore/ (hashed files under
// /explore/assets/), dist/graphiql/index.html is /graphiql.
export default defineConfig({
  root: here('.'),
  base: '/',
  build: {
    outDir: here('../dist'),
    emptyOutDir: true,
    assetsDir: 'explore/assets',
    // Both pages share one origin and one Go binary; a single modern target
    // keeps the output small.
    target: 'es2022',
    // Every browser the explorer supports preloads modules natively.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        explore: here('explore/index.html'),
        graphiql: here('graphiql/index.html'),
      },
      // GraphiQL's Radix components mark themselves "use client" for React
      // server rendering, which means nothing in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    // The examples GraphiQL opens with live in web/examples, outside this
    // project.
    fs: { allow: [here('..')] },
    proxy: { '/graphql': process.env.API_URL || 'http://127.0.0.1:8080' },
  },
  preview: {
    proxy: { '/graphql': process.env.API_URL || 'http://127.0.0.1:8080' },
  },
  plugins: [spaFallback()],
});

// spaFallback gives `vite` and `vite preview` what web.Mount does in the
// service: client routes under /explore/ answer with the explorer's page, and
// /graphiql with GraphiQL's.
function spaFallback() {
  const rewrite = (req, _res, next) => {
    const path = (req.url || '').split('?')[0];
    if (path === '/graphiql' || path === '/graphiql/') {
      req.url = '/graphiql/index.html';
    } else if (path === '/') {
      req.url = '/explore/index.html';
    } else if (path.startsWith('/explore/') && !path.startsWith('/explore/assets/') && !/\.[a-z0-9]+$/i.test(path)) {
      req.url = '/explore/index.html';
    }
    next();
  };
  return {
    name: 'explorer-spa-fallback',
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}
