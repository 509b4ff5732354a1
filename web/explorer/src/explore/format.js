import { h } from './dom.js';

export const TYPES = {
  Instrument: { label: 'Instrument', plural: 'Instruments', enum: 'INSTRUMENT', color: '#1d4ed8' },
  Body: { label: 'Body', plural: 'Bodies', enum: 'BODY', color: '#7c3aed' },
  Project: { label: 'Project', plural: 'Projects', enum: 'PROJECT', color: '#c2410c' },
  Country: { label: 'Country', plural: 'Countries', enum: 'COUNTRY', color: '#047857' },
  Resource: { label: 'Resource', plural: 'Resources', enum: 'RESOURCE', color: '#0e7490' },
  Event: { label: 'Event', plural: 'Events', enum: 'EVENT', color: '#be123c' },
  MonitoringRound: { label: 'Monitoring round', plural: 'Monitoring rounds', enum: 'MONITORING_ROUND', color: '#a16207' },
  Topic: { label: 'Topic', plural: 'Topics', enum: 'TOPIC', color: '#4b5563' },
};

export function typeLabel(typename) {
  return (TYPES[typename] && TYPES[typename].label) || typename;
}

export function typeColor(typename) {
  return (TYPES[typename] && TYPES[typename].color) || '#4b5563';
}

export function typeBadge(typename) {
  return h('span', { class: 'badge', style: { '--badge': typeColor(typename) } }, typeLabel(typename));
}

// Each relationship type read from its start node and from its end node, so a
// list under "Mauritius" says "ratified" and one under the treaty "ratified by".
const PHRASES = {
  ADDRESSES: ['addresses', 'addressed by'],
  ADOPTED_AT: ['adopted at', 'saw the adoption of'],
  ADOPTED_BY: ['adopted by', 'adopted'],
  ADVISES: ['advises', 'advised by'],
  BASED_ON: ['based on', 'basis of'],
  COMPLEMENTS: ['complements', 'complemented by'],
  COVERS: ['covers', 'covered by'],
  CO_OPERATES_WITH: ['co-operates with', 'co-operated with by'],
  DEROGATES_FROM: ['derogates from', 'derogated from by'],
  DISCUSSED_AT: ['discussed at', 'discussed'],
  ESTABLISHED_BY: ['established by', 'established'],
  EVALUATED: ['evaluated', 'evaluated in'],
  FUNDED_BY: ['funded by', 'funds'],
  HELD_IN: ['held in', 'hosted'],
  IMPLEMENTED_BY: ['implemented by', 'implements'],
  INTERPRETS: ['interprets', 'interpreted by'],
  LAUNCHED_IN: ['launched in', 'place of launch of'],
  LOCATED_IN: ['located in', 'seat of'],
  MEMBER_OF: ['member of', 'has member'],
  MONITORS: ['monitors', 'monitored by'],
  ORGANISED_BY: ['organised by', 'organises'],
  PARTICIPATED_IN: ['took part in', 'had taking part'],
  PARTY_TO: ['party to', 'has party'],
  PART_OF: ['part of', 'has part'],
  PREPARED_BY: ['prepared by', 'prepared'],
  PRESENTED_AT: ['presented at', 'saw the presentation of'],
  PUBLISHED_BY: ['published by', 'published'],
  RATIFIED: ['ratified', 'ratified by'],
  REPORTS_TO: ['reports to', 'reported to by'],
  SIGNED: ['signed', 'signed by'],
  STATUS_UNKNOWN: ['status unknown with', 'status unknown for'],
  SUCCEEDS: ['succeeds', 'succeeded by'],
  SUPPLEMENTS: ['supplements', 'supplemented by'],
  SUPPORTS: ['supports', 'supported by'],
  TARGETS: ['targets', 'targeted by'],
};

export function relationPhrase(type, direction) {
  const p = PHRASES[type];
  if (!p) return type.toLowerCase().replace(/_/g, ' ');
  return direction === 'INCOMING' ? p[1] : p[0];
}

export function relationName(type) {
  const s = type.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const STATUSES = [
  { value: 'IN_FORCE', label: 'In force', short: 'In force', help: 'Ratified, and in force for the state' },
  { value: 'RATIFIED', label: 'Ratified', short: 'Ratified', help: 'Ratified (or acceded, accepted, approved); not yet in force or date not known' },
  { value: 'SIGNED', label: 'Signed', short: 'Signed', help: 'Signed, not ratified' },
  { value: 'NOT_SIGNED', label: 'Not signed', short: '—', help: 'No signature or ratification recorded by that day' },
  { value: 'UNKNOWN', label: 'Unknown', short: '?', help: 'The sources disagree or are silent' },
];

export function statusInfo(value) {
  return STATUSES.find((s) => s.value === value) || { value, label: value, short: value, help: '' };
}

// shortLabel is what fits on a graph node or a chip: the acronym or number
// when there is one.
export function shortLabel(node) {
  return node.acronym || node.number || node.shortName || node.name || node.id;
}

export function truncate(s, n) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// formatDate keeps the precision the sources gave ("2016-10" stays a month).
export function formatDate(value) {
  if (!value || typeof value !== 'string') return value;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d] = m;
  if (!mo) return y;
  const month = MONTHS[Number(mo) - 1];
  if (!d) return `${month} ${y}`;
  return `${Number(d)} ${month} ${y}`;
}

// dateElement is a date as the sources give it, in words, with the machine
// form beside it: "October 2007" reads as a month, never as its first day.
export function dateElement(value) {
  return h('time', { datetime: value }, formatDate(value));
}

// stepDate shows when a treaty step happened: its date, or, for a step the
// sources record without one, "date unknown" with the days it may fall in.
// Null when no such step is recorded.
export function stepDate(date, window) {
  if (date) return h('span', { class: 'step-date' }, dateElement(date));
  if (window) {
    return h('span', { class: 'date-unknown', dataset: { from: window.from, to: window.to } },
      'date unknown (between ', dateElement(window.from), ' and ', dateElement(window.to), ')');
  }
  return null;
}

// stepDateText is stepDate for a tooltip, which takes text only.
export function stepDateText(date, window) {
  if (date) return formatDate(date);
  if (window) return `date unknown (between ${formatDate(window.from)} and ${formatDate(window.to)})`;
  return null;
}

// statusText says a status in words and, when the sources leave it open on
// that day, what else it may have been and within which days.
export function statusText(edge) {
  const label = statusInfo(edge.status).label;
  if (edge.certain || edge.status === 'UNKNOWN' || !edge.statusNote) return label;
  return capitalise(edge.statusNote);
}

export function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function todayISO() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function humanKey(key) {
  const s = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function entityHref(id) {
  return `/explore/entity/${encodeURIComponent(id)}`;
}

export function entityLink(node, text) {
  return h('a', { href: entityHref(node.id), class: 'entity-link', 'data-entity-id': node.id }, text || node.name);
}

// sourceList shows where facts come from: a link when the source has an
// address, its title otherwise.
export function sourceList(sources, { compact = false } = {}) {
  if (!sources || !sources.length) return h('p', { class: 'muted' }, 'No source recorded.');
  return h('ul', { class: compact ? 'sources compact' : 'sources' },
    sources.map((s, i) => h('li', null,
      s.url
        ? h('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank', class: 'source-link', title: s.title !== s.url ? s.url : undefined },
          compact ? `source ${i + 1}` : sourceTitle(s), h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'))
        : h('span', { class: 'source-title' }, compact ? `source ${i + 1}: ${truncate(s.title, 40)}` : s.title),
      !compact && s.retrieved ? h('span', { class: 'muted' }, ` · read ${formatDate(s.retrieved)}`) : null)));
}

function sourceTitle(s) {
  if (s.title && s.title !== s.url) return s.title;
  try {
    const u = new URL(s.url);
    return `${u.hostname.replace(/^www\./, '')}${truncate(u.pathname, 60)}`;
  } catch {
    return s.url;
  }
}

// value renders a property value of any JSON shape readably.
export function propertyValue(v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'unknown');
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => formatScalar(x)).join(', ');
    return h('ul', { class: 'plain' }, v.map((x) => h('li', null, propertyValue(x))));
  }
  if (typeof v === 'object') {
    return h('span', { class: 'inline-props' }, Object.entries(v).map(([k, x], i) => [i ? '; ' : '', h('span', { class: 'muted' }, `${humanKey(k)}: `), propertyValue(x)]));
  }
  if (typeof v === 'string' && /^https?:\/\//.test(v)) {
    return h('a', { href: v, rel: 'noopener noreferrer', target: '_blank' }, truncate(v, 80));
  }
  return formatScalar(v);
}

function formatScalar(x) {
  if (typeof x === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(x)) return formatDate(x);
  if (typeof x === 'boolean') return x ? 'yes' : 'no';
  return String(x);
}
