// The entity page's live changes: the change feed (Subscription.changes)
// read over Server-Sent Events, the graphql-sse protocol's distinct
// connections mode, with fetch so no client library is needed. A stream
// that ends (the service restarted, the network dropped) is opened again
// after the cursor of the last change received, so nothing is missed or
// shown twice.
import { gql, isAbort } from './api.js';
import { h } from './dom.js';
import { humanKey, sourceList } from './format.js';

const CHANGES = `subscription EntityChanges($after: Cursor, $entity: ID) {
  changes(after: $after, entity: $entity) {
    cursor
    change { seq at actor action entityId relationType from to before after sources { title url } }
  }
}`;

// feedCursor reads the feed's position now; read before the page's data,
// the feed may repeat a change the page already shows but skips none.
export function feedCursor(signal) {
  return gql('query FeedCursor { changeFeedCursor }', {}, { signal, track: false }).then((d) => d.changeFeedCursor);
}

// follow calls onChange with each change of entity after cursor until
// signal aborts, and onStatus with 'live', 'reconnecting' or an error.
export async function follow({ entity, cursor, signal, onChange, onStatus }) {
  let after = cursor;
  let wait = 1000;
  while (!signal.aborted) {
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify({ query: CHANGES, variables: { after, entity } }),
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onStatus('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (!data) continue;
          const msg = JSON.parse(data);
          if (msg.errors?.length) {
            // A refusal (no reader role, too many streams) is not retried.
            onStatus({ error: msg.errors[0].message, code: msg.errors[0].extensions?.code });
            return;
          }
          const ev = msg.data?.changes;
          if (ev) {
            after = ev.cursor;
            wait = 1000;
            onChange(ev.change);
          }
        }
      }
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
    }
    onStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 30000);
  }
}

const ACTIONS = {
  CREATE_ENTITY: 'created',
  UPDATE_ENTITY: 'changed',
  DELETE_ENTITY: 'deleted',
  LINK: 'linked',
  UPDATE_LINK: 'relationship changed',
  UNLINK: 'unlinked',
};

// changedKeys names what a change touched, from its before and after.
function changedKeys(before, after) {
  const b = before || {};
  const a = after || {};
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]) && !['version', 'sources'].includes(k));
}

// changeItem renders one change for the list.
export function changeItem(c) {
  const what = c.relationType ? `${ACTIONS[c.action] || c.action}: ${c.from} ${c.relationType} ${c.to}` : ACTIONS[c.action] || c.action;
  const keys = changedKeys(c.before, c.after);
  const at = new Date(c.at);
  return h('li', { class: 'live-change', 'data-seq': String(c.seq), 'data-action': c.action },
    h('p', null, h('strong', null, what), ' ',
      h('time', { datetime: c.at, class: 'muted' }, at.toLocaleString()), h('span', { class: 'muted' }, ` by ${c.actor}`)),
    keys.length ? h('p', { class: 'muted small' }, keys.map(humanKey).join(', ')) : null,
    h('div', { class: 'relation-sources' }, sourceList(c.sources, { compact: true })));
}

// liveSection is the entity page's "Live changes" section: it follows the
// feed for entity from cursor, lists each change as it comes, and marks the
// page's header "Updated" with a link to reload what it shows.
export function liveSection({ entity, cursor, signal, header, reload }) {
  const status = h('p', { class: 'muted small live-status', role: 'status', 'aria-live': 'polite' }, 'Connecting to the change feed…');
  const list = h('ol', { class: 'live-changes', reversed: true });
  const section = h('section', { class: 'live', 'aria-labelledby': 'live-heading', 'data-live': 'connecting' },
    h('h2', { id: 'live-heading' }, 'Live changes'), status, list);
  let mark = null;
  follow({
    entity,
    cursor,
    signal,
    onStatus(s) {
      if (s === 'live') {
        section.dataset.live = 'live';
        status.textContent = list.children.length ? 'Following changes to this entity.' : 'Following changes to this entity; none since the page opened.';
      } else if (s === 'reconnecting') {
        section.dataset.live = 'reconnecting';
        status.textContent = 'The change feed was interrupted; reconnecting…';
      } else {
        section.dataset.live = 'off';
        status.textContent = `Live changes are not available: ${s.error}`;
      }
    },
    onChange(c) {
      list.prepend(changeItem(c));
      status.textContent = 'Following changes to this entity.';
      if (!mark) {
        mark = h('p', { class: 'updated-mark', role: 'status' },
          h('span', { class: 'updated-badge' }, 'Updated'), ' ',
          h('span', { class: 'updated-when' }), ' ',
          h('button', { type: 'button', class: 'button secondary', onclick: reload }, 'Show the new version'));
        header.append(mark);
      }
      mark.querySelector('.updated-when').textContent = `since you opened this page (${list.children.length} change${list.children.length === 1 ? '' : 's'}, last at ${new Date(c.at).toLocaleTimeString()})`;
      header.dataset.updated = String(c.seq);
    },
  });
  return section;
}
