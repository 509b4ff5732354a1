// History routing under /explore/. The service answers every path below it
// with this page, so a reload or a shared link lands on the same view.
const BASE = '/explore';
const TITLE = 'Child online protection knowledge graph';

export function createRouter({ routes, notFound, outlet, onRender }) {
  let current = null;

  function match(pathname) {
    const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) || '/' : null;
    if (path === null) return null;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (m) return { route, params: (m.groups ? Object.fromEntries(Object.entries(m.groups).map(([k, v]) => [k, v && decodeURIComponent(v)])) : {}) };
    }
    return null;
  }

  function render({ focus }) {
    if (current) {
      current.controller.abort();
      if (typeof current.cleanup === 'function') current.cleanup();
    }
    const found = match(location.pathname);
    const controller = new AbortController();
    outlet.replaceChildren();
    const ctx = {
      outlet,
      params: found ? found.params : {},
      query: new URLSearchParams(location.search),
      signal: controller.signal,
      navigate,
      updateQuery,
      setTitle,
    };
    const view = found ? found.route.view : notFound;
    current = { controller, cleanup: null };
    current.cleanup = view(ctx);
    onRender(found ? found.route.name : null);
    if (focus) {
      // Moving focus to the new heading tells keyboard and screen-reader
      // users the page changed, as a full load would.
      const heading = outlet.querySelector('h1');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      }
      window.scrollTo(0, 0);
    }
  }

  function navigate(url, { replace = false } = {}) {
    const target = new URL(url, location.href);
    if (target.href === location.href && !replace) return;
    history[replace ? 'replaceState' : 'pushState'](null, '', target.pathname + target.search + target.hash);
    render({ focus: !replace });
  }

  // updateQuery changes the address a view shows (its inputs) without
  // rendering the view again.
  function updateQuery(params) {
    const u = new URL(location.href);
    for (const [k, v] of Object.entries(params)) {
      if (v === null || v === undefined || v === '') u.searchParams.delete(k);
      else u.searchParams.set(k, v);
    }
    history.replaceState(null, '', u.pathname + u.search + u.hash);
  }

  function setTitle(text) {
    document.title = text ? `${text} · ${TITLE}` : TITLE;
  }

  function start() {
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const a = event.target.closest('a[href]');
      if (!a || a.target || a.hasAttribute('download') || a.hasAttribute('data-external')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`))) return;
      // A link to a place on this page scrolls, as it would without us.
      if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
      event.preventDefault();
      navigate(url.href);
    });
    window.addEventListener('popstate', () => render({ focus: true }));
    render({ focus: false });
  }

  return { start, navigate, updateQuery };
}
