// morgue serve: the page. Every view is drawn from the URL (the API's parameter names), with
// DOM calls only: archive text is set as text nodes, never parsed as HTML.
'use strict';

// Hits per page: the URL's `limit` (as the API names it), else 20.
const PAGE_SIZE_DEFAULT = 20;
const FILTERS = ['from', 'to', 'include_undated', 'outlet', 'entity', 'meta', 'author'];
// Metadata keys offered as facets: those with 2 to this many distinct values, at most MAX_KEYS.
const MAX_KEY_VALUES = 200;
const MAX_KEYS = 5;
const url = new URL(location.href);
const P = url.searchParams;
const PAGE_SIZE = Math.min(100, Math.max(1, parseInt(P.get('limit') || '', 10) || PAGE_SIZE_DEFAULT));

// el('a', {href: '/'}, 'text', child…): an element; strings become text nodes.
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
}
function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.setAttribute('class', v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(e, attrs);
  for (const k of kids) e.append(k);
  return e;
}

// Text with [start, end) character ranges wrapped in <mark>.
function marked(text, ranges) {
  const chars = Array.from(text || '');
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of (ranges || []).slice().sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    out.append(chars.slice(at, s).join(''), el('mark', {}, chars.slice(s, e).join('')));
    at = e;
  }
  out.append(chars.slice(at).join(''));
  return out;
}

// Only http(s) URLs of the archive become links.
function safeHref(u) {
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch (_) { return null; }
}
function originalLink(u) {
  if (!u) return null;
  const href = safeHref(u);
  return href ? el('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank' }, u) : el('span', {}, u);
}

// A URL of this page: `base` with `params` ([name, value] pairs; null values dropped).
function link(base, params) {
  const u = new URLSearchParams();
  for (const [k, v] of params) if (v !== null && v !== undefined && v !== '') u.append(k, v);
  const s = u.toString();
  return s ? `${base}?${s}` : base;
}
// The current state's pairs, less `drop` names, plus `add`.
function state(drop = [], add = []) {
  const keep = [...P.entries()].filter(([k]) => !drop.includes(k));
  return [...keep, ...add];
}
function filterPairs(names = FILTERS) {
  return [...P.entries()].filter(([k]) => names.includes(k));
}

async function api(path, params) {
  const res = await fetch(link(path, params), { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) {
    const err = new Error((body && body.error && body.error.message) || `HTTP ${res.status}`);
    err.status = res.status;
    err.column = body && body.error ? body.error.column : undefined;
    throw err;
  }
  return body;
}

const main = document.getElementById('main');
function show(...kids) { main.replaceChildren(...kids); }
function fail(where, e) { where.replaceChildren(el('p', { class: 'error' }, e.message)); }
function dateText(d) { return d || 'undated'; }
function plural(n, one, many) { return `${n.toLocaleString('en')} ${n === 1 ? one : many}`; }
// A query term for `field:"name"`, or null when the name cannot be quoted.
function fieldTerm(field, name) { return name.includes('"') ? null : `${field}:"${name}"`; }

function showQueryError(q, e) {
  const box = document.getElementById('query-error');
  box.hidden = false;
  const kids = [el('span', {}, e.message + (e.column ? ` (column ${e.column})` : ''))];
  if (e.column) kids.push(el('pre', {}, q + '\n' + ' '.repeat(Math.max(0, e.column - 1)) + '^'));
  box.replaceChildren(...kids);
}

// ---------------------------------------------------------------- search view

async function searchView() {
  const q = P.get('q') || '';
  document.getElementById('q').value = q;
  if (!q.trim()) return homeView();
  document.title = `${q} · morgue`;
  const page = Math.max(1, parseInt(P.get('page') || '1', 10) || 1);
  const filters = el('aside', { 'aria-label': 'Filters' }, el('p', { class: 'muted' }, 'Loading filters…'));
  const summary = el('p', { class: 'summary' });
  const timeline = el('div', { class: 'timeline' });
  const hits = el('ol', { class: 'hits' });
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  const sort = el('select', { id: 'sort', 'aria-label': 'Sort', onchange: (ev) => location.assign(link('/', state(['sort', 'page'], [['sort', ev.target.value]]))) },
    ...[['relevance', 'Most relevant'], ['-date', 'Newest first'], ['date', 'Oldest first']].map(([v, t]) =>
      el('option', { value: v, selected: (P.get('sort') || 'relevance') === v }, t)));
  const exportPairs = [['q', q], ...filterPairs()];
  const tools = el('div', { class: 'tools' }, sort,
    el('a', { href: link('/api/export', [...exportPairs, ['format', 'csv']]), id: 'export-csv', download: 'morgue-export.csv' }, 'Export CSV'),
    el('a', { href: link('/api/export', [...exportPairs, ['format', 'jsonl']]), download: 'morgue-export.jsonl' }, 'Export JSON Lines'),
    el('a', { href: link('/api/export/meta', exportPairs) }, 'Export provenance'));
  show(el('div', { class: 'layout' }, filters, el('section', { 'aria-label': 'Results' }, chips(), summary, timeline, tools, hits, pager)));

  const pairs = [['q', q], ...filterPairs(), ['all_copies', P.get('all_copies')], ['sort', P.get('sort')]];
  api('/api/search', [...pairs, ['limit', PAGE_SIZE], ['offset', (page - 1) * PAGE_SIZE]])
    .then((r) => drawHits(r, page, summary, hits, pager))
    .catch((e) => {
      if (e.status === 400 && e.column) showQueryError(q, e);
      fail(hits, e);
    });
  drawTimeline(timeline, q).catch((e) => fail(timeline, e));
  drawFilters(filters, q).catch((e) => fail(filters, e));
}

// The active filters as chips, each with a link that removes it.
function chips() {
  const out = el('div', { class: 'chips' });
  for (const [k, v] of P.entries()) {
    if (!FILTERS.includes(k) && k !== 'all_copies') continue;
    const rest = [...P.entries()].filter(([k2, v2]) => !(k2 === k && v2 === v) && k2 !== 'page');
    const label = k === 'include_undated' ? 'undated included' : k === 'all_copies' ? 'all copies' : `${k}: ${v}`;
    out.append(el('span', { class: 'chip' }, label, el('a', { href: link('/', rest), 'aria-label': `Remove ${label}` }, '×')));
  }
  return out;
}

function drawHits(r, page, summary, list, pager) {
  const parts = [plural(r.total, 'story', 'stories')];
  if (r.copies) parts.push(`${plural(r.copies, 'copy', 'copies')} folded into their stories`);
  if (r.undated) parts.push(`${plural(r.undated, 'undated article', 'undated articles')} left out by the dates`);
  summary.replaceChildren(parts.join(' · ') + ` · query: ${r.parsed}`);
  const q = P.get('q');
  list.replaceChildren(...r.hits.map((h) => {
    const meta = el('div', { class: 'meta' },
      h.outlet || 'unknown outlet', ' · ', el('time', {}, dateText(h.date)), ' · ', el('span', { class: 'muted' }, h.article_id));
    const item = el('li', { class: 'hit' },
      el('h3', {}, el('a', { href: link(`/article/${h.article_id}`, [['q', q]]) }, marked(h.title || '(untitled)', h.title_highlights))),
      meta,
      ...h.passages.map((p) => el('p', { class: 'passage' }, marked(p.text, p.highlights))));
    if (h.copies.length) {
      item.append(el('details', { class: 'copies' },
        el('summary', {}, `+${plural(h.copies.length, 'copy', 'copies')}`),
        el('ul', {}, ...h.copies.map((c) => el('li', {},
          el('a', { href: link(`/article/${c.article_id}`, [['q', q]]) }, c.outlet || 'unknown outlet'), ` · ${dateText(c.date)}`)))));
    }
    return item;
  }));
  if (!r.hits.length) list.append(el('li', { class: 'muted' }, r.total ? 'No more hits.' : 'Nothing matches.'));
  const pages = Math.ceil(r.total / PAGE_SIZE);
  pager.replaceChildren();
  if (pages <= 1) return;
  const to = (n) => link('/', state(['page'], n > 1 ? [['page', n]] : []));
  if (page > 1) pager.append(el('a', { href: to(page - 1), rel: 'prev' }, '‹ Previous'));
  const shown = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
  let last = 0;
  for (const n of [...shown].sort((a, b) => a - b)) {
    if (n > last + 1) pager.append('…');
    pager.append(n === page ? el('span', { class: 'cur', 'aria-current': 'page' }, String(n)) : el('a', { href: to(n) }, String(n)));
    last = n;
  }
  if (page < pages) pager.append(el('a', { href: to(page + 1), rel: 'next' }, 'Next ›'));
}

async function drawFilters(box, q) {
  const noOutlet = FILTERS.filter((f) => f !== 'outlet');
  const [outlets, entities, keys] = await Promise.all([
    api('/api/outlets', [['q', q], ...filterPairs(noOutlet)]),
    api('/api/entities', [['q', q], ...filterPairs(), ['top', 15], ['all_copies', P.get('all_copies')]]),
    api('/api/keys', []),
  ]);
  // Metadata facets (bias, topic, author…): counted without that key's own filter, so that more
  // values can be OR-ed in, as for outlets.
  const metaKeys = keys.keys.filter((k) => k.values >= 2 && (k.values <= MAX_KEY_VALUES || k.key === 'author')).slice(0, MAX_KEYS);
  const metaFacets = await Promise.all(metaKeys.map((k) => {
    const others = filterPairs(FILTERS.filter((f) => f !== 'meta')).concat(
      P.getAll('meta').filter((m) => !m.startsWith(`${k.key}=`)).map((m) => ['meta', m]));
    return api('/api/facet', [['key', k.key], ['q', q], ['top', 10], ...others]);
  }));
  const toggle = (name, label) => {
    const on = P.has(name);
    return el('li', {}, el('a', { href: link('/', on ? state([name, 'page']) : state(['page'], [[name, '1']])), role: 'switch', 'aria-checked': String(on) },
      `${on ? '☑' : '☐'} ${label}`));
  };
  const dateForm = el('form', { class: 'dates', onsubmit: (ev) => {
    ev.preventDefault();
    const from = ev.target.elements.from.value, to = ev.target.elements.to.value;
    location.assign(link('/', state(['from', 'to', 'page'], [['from', from], ['to', to]])));
  } },
  el('label', { for: 'from' }, 'From'), el('input', { type: 'text', id: 'from', name: 'from', value: P.get('from') || '', placeholder: 'YYYY[-MM[-DD]]', size: 10 }),
  el('label', { for: 'to' }, 'To'), el('input', { type: 'text', id: 'to', name: 'to', value: P.get('to') || '', placeholder: 'YYYY[-MM[-DD]]', size: 10 }),
  el('span'), el('button', { type: 'submit' }, 'Apply dates'));
  const facet = (rows, field, param, nameOf, paramOf = (n) => n) => el('ul', { class: 'facet' }, ...rows.map((row) => {
    const name = nameOf(row);
    if (name === null) return el('li', { class: 'muted' }, el('span', { class: 'name' }, 'unknown'), el('span', { class: 'count' }, String(row.articles)));
    const term = fieldTerm(field, name);
    return el('li', {},
      el('a', { class: 'name', href: link('/', state(['page'], [[param, paramOf(name)]])), title: `Only ${name}` }, name),
      el('span', { class: 'count' }, String(row.articles)),
      term && el('a', { class: 'x', href: link('/', state(['q', 'page'], [['q', `${q} -${term}`]])), title: `Exclude ${name}`, 'aria-label': `Exclude ${name}` }, '✕'));
  }));
  box.replaceChildren(
    el('section', {}, el('h2', {}, 'Dates'), dateForm),
    el('section', {}, el('h2', {}, 'Options'), el('ul', { class: 'facet' }, toggle('include_undated', 'Keep undated articles'), toggle('all_copies', 'Every copy as its own hit'))),
    el('section', { id: 'outlets' }, el('h2', {}, 'Outlets'), facet(outlets.outlets.slice(0, 25), 'outlet', 'outlet', (r) => r.outlet)),
    el('section', { id: 'entities' }, el('h2', {}, 'Entities'), facet(entities.entities, 'entity', 'entity', (r) => r.name)),
    ...metaFacets.filter((f) => f.values > 0).map((f) => el('section', { class: 'meta-facet', 'data-key': f.key }, el('h2', {}, f.key),
      facet(f.rows, `meta.${f.key}`, 'meta', (r) => r.value, (v) => `${f.key}=${v}`))));
}

// ---------------------------------------------------------------- timeline

const PERIODS = ['year', 'month', 'week', 'day'];
async function drawTimeline(box, q) {
  const pairs = [['q', q], ...filterPairs(), ['all_copies', P.get('all_copies')]];
  let by = PERIODS.includes(P.get('by')) ? P.get('by') : null;
  let t;
  if (by) {
    t = await api('/api/timeline', [...pairs, ['by', by]]);
  } else {
    // Chosen from the span: the coarsest period that gives more than a few bars.
    for (by of PERIODS) {
      t = await api('/api/timeline', [...pairs, ['by', by]]);
      if (t.rows.length > 3 || by === 'day' || (by === 'month' && t.rows.length > 1)) break;
    }
  }
  const select = el('select', { 'aria-label': 'Timeline period', onchange: (ev) => location.assign(link('/', state(['by'], [['by', ev.target.value]]))) },
    ...PERIODS.map((p) => el('option', { value: p, selected: p === by }, `by ${p}`)));
  const rows = t.rows;
  const max = Math.max(1, ...rows.map((r) => r.cells[0].count));
  const W = 1000, H = 100, gap = rows.length > 60 ? 0 : 2, bw = rows.length ? W / rows.length : W;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'group', 'aria-label': 'Matches per period' });
  let dragFrom = null;
  const bars = rows.map((r, i) => {
    const h = r.cells[0].count ? Math.max(2, (r.cells[0].count / max) * (H - 4)) : 0;
    const bar = svg('rect', { class: 'bar', x: i * bw + gap / 2, y: H - h, width: Math.max(1, bw - gap), height: h, tabindex: 0, role: 'button',
      'aria-label': `${r.period}: ${r.cells[0].count}`, 'data-period': r.period }, svg('title', {}, `${r.period}: ${r.cells[0].count}`));
    bar.addEventListener('pointerdown', (ev) => { dragFrom = i; ev.preventDefault(); });
    bar.addEventListener('pointerenter', () => { if (dragFrom !== null) highlight(dragFrom, i); });
    bar.addEventListener('pointerup', () => { if (dragFrom !== null) setDates(dragFrom, i); });
    bar.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); setDates(i, i); } });
    return bar;
  });
  // A tall transparent rect keeps the whole column clickable for short bars.
  rows.forEach((r, i) => {
    const hit = svg('rect', { x: i * bw, y: 0, width: bw, height: H, fill: 'transparent' });
    hit.addEventListener('pointerdown', (ev) => { dragFrom = i; ev.preventDefault(); });
    hit.addEventListener('pointerenter', () => { if (dragFrom !== null) highlight(dragFrom, i); });
    hit.addEventListener('pointerup', () => { if (dragFrom !== null) setDates(dragFrom, i); });
    chart.append(hit);
  });
  chart.append(...bars);
  function highlight(a, b) {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    bars.forEach((bar, i) => bar.classList.toggle('sel', i >= lo && i <= hi));
  }
  function setDates(a, b) {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    dragFrom = null;
    location.assign(link('/', state(['from', 'to', 'page', 'by'], [['from', bound(rows[lo], false)], ['to', bound(rows[hi], true)]])));
  }
  function bound(row, end) {
    if (by !== 'week') return row.period;
    const d = new Date(row.start + 'T00:00:00Z');
    if (end) d.setUTCDate(d.getUTCDate() + 6);
    return d.toISOString().slice(0, 10);
  }
  const first = rows.length ? rows[0].period : '', last = rows.length ? rows[rows.length - 1].period : '';
  box.replaceChildren(chart, el('div', { class: 'legend' },
    el('span', {}, first), el('span', {}, `${plural(t.total, 'dated match', 'dated matches')} · ${plural(t.undated, 'undated', 'undated')} (not drawn) · click or drag to set the dates `, select),
    el('span', {}, last)));
}

// ---------------------------------------------------------------- home, article, entity

async function homeView() {
  document.title = 'morgue';
  const box = el('div', { class: 'cols' }, el('p', { class: 'muted' }, 'Loading…'));
  show(el('h1', {}, 'Search the archive'), box);
  try {
    const [s, o, e] = await Promise.all([api('/api/stats', []), api('/api/outlets', []), api('/api/entities', [['top', 20]])]);
    box.replaceChildren(
      el('section', { class: 'panel' }, el('h2', {}, 'The index'), el('table', { class: 'kv' },
        ...[['Articles', s.articles], ['Passages', s.passages], ['Outlets', s.outlets], ['Dates', `${s.first_date || '—'} to ${s.last_date || '—'}`],
          ['Undated', s.undated], ['Entities', s.entities]].map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v)))))),
      el('section', { class: 'panel' }, el('h2', {}, 'Outlets'), el('ul', { class: 'facet' }, ...o.outlets.slice(0, 20).map((r) => {
        const term = r.outlet === null ? null : fieldTerm('outlet', r.outlet);
        return el('li', {}, term ? el('a', { class: 'name', href: link('/', [['q', term]]) }, r.outlet) : el('span', { class: 'name' }, r.outlet || 'unknown'),
          el('span', { class: 'count' }, String(r.articles)));
      }))),
      el('section', { class: 'panel' }, el('h2', {}, 'Entities'), el('ul', { class: 'facet' }, ...e.entities.map((r) =>
        el('li', {}, el('a', { class: 'name', href: link('/entity', [['name', r.name]]) }, r.name), el('span', { class: 'count' }, String(r.articles)))))));
  } catch (err) { fail(box, err); }
}

async function articleView(id) {
  const q = P.get('q') || '';
  document.getElementById('q').value = q;
  const box = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  show(box);
  let a, c;
  try {
    [a, c] = await Promise.all([api(`/api/article/${encodeURIComponent(id)}`, [['q', q]]), api(`/api/copies/${encodeURIComponent(id)}`, [])]);
  } catch (e) { return fail(box, e); }
  document.title = `${a.title.value} · morgue`;
  const found = (f) => (f ? [f.value, el('span', { class: 'src' }, `from ${f.source}`)] : ['—']);
  const row = (k, ...v) => el('tr', {}, el('th', {}, k), el('td', {}, ...v));
  const ents = el('ul', { class: 'facet' }, ...a.entities.map((e) => el('li', {},
    el('a', { class: 'name', href: link('/entity', [['name', e.name]]) }, e.name),
    el('span', { class: 'count' }, `${e.type} · ${e.count}×`),
    q ? el('a', { class: 'x', href: link('/', [['q', q], ['entity', e.name]]), title: `Filter the search by ${e.name}` }, '+filter') : null)));
  const copies = c.copies.filter((x) => x.article_id !== a.article_id);
  box.replaceChildren(
    el('h1', {}, a.title.value),
    el('table', { class: 'kv' },
      row('Title', ...found(a.title)),
      row('Outlet', ...found(a.outlet)),
      row('Date', ...found(a.date)),
      row('URL', a.url ? originalLink(a.url) : '—'),
      row('Found at', a.paths.join(', ')),
      row('Article id', a.article_id),
      row('Words', String(a.words))),
    el('div', { class: 'cols' },
      el('section', { class: 'panel' }, el('h2', {}, 'Entities'), a.entities.length ? ents : el('p', { class: 'muted' }, 'none')),
      el('section', { class: 'panel', id: 'copies' }, el('h2', {}, 'Copies of this story'), copies.length
        ? el('ul', {}, ...c.copies.map((x) => el('li', {}, x.article_id === a.article_id ? el('strong', {}, 'this article') : el('a', { href: link(`/article/${x.article_id}`, [['q', q]]) }, x.outlet || 'unknown outlet'),
          ` · ${dateText(x.date)}${x.original ? ' · original' : x.similarity !== null ? ` · J≈${x.similarity.toFixed(2)}` : ''}`)))
        : el('p', { class: 'muted' }, 'no near-duplicate copies'))),
    el('h2', {}, 'Passages'),
    el('ol', { class: 'passages', start: 0 }, ...a.passages.map((p) => el('li', { value: p.number, id: `p${p.number}` }, marked(p.text, p.highlights)))));
}

async function entityView() {
  const name = P.get('name') || '';
  const box = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  show(box);
  let r;
  try { r = await api('/api/entity', [['name', name], ['limit', 50]]); } catch (e) { return fail(box, e); }
  document.title = `${r.name} · morgue`;
  const term = fieldTerm('entity', r.name);
  box.replaceChildren(
    el('h1', {}, r.name), el('p', { class: 'meta' }, `${r.type}${r.ambiguous ? ' (several entities share this name)' : ''} · ${plural(r.articles, 'story', 'stories')} · ${plural(r.mentions, 'mention', 'mentions')} · ${r.first_date || '—'} to ${r.last_date || '—'}`),
    term ? el('p', {}, el('a', { href: link('/', [['q', term]]) }, `Search its stories`)) : null,
    el('div', { class: 'cols' },
      el('section', { class: 'panel' }, el('h2', {}, 'Written as'), el('ul', { class: 'facet' }, ...r.variants.map((v) => el('li', {}, el('span', { class: 'name' }, v.name), el('span', { class: 'count' }, String(v.articles)))))),
      el('section', { class: 'panel' }, el('h2', {}, 'Outlets'), el('ul', { class: 'facet' }, ...r.outlets.map((o) => el('li', {}, el('span', { class: 'name' }, o.outlet), el('span', { class: 'count' }, String(o.articles)))))),
      el('section', { class: 'panel' }, el('h2', {}, 'Mentioned with'), el('ul', { class: 'facet' }, ...r.co_mentioned.map((m) => el('li', {}, el('a', { class: 'name', href: link('/entity', [['name', m.name]]) }, m.name), el('span', { class: 'count' }, String(m.articles))))))),
    el('h2', {}, 'Stories, newest first'),
    el('ul', {}, ...r.article_list.map((x) => el('li', {}, el('a', { href: `/article/${x.article_id}` }, x.title || '(untitled)'), ` · ${x.outlet || 'unknown outlet'} · ${dateText(x.date)}`))));
}

// ---------------------------------------------------------------- start

document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = document.getElementById('q').value;
  // A new query keeps the filters and starts at its first page.
  location.assign(link('/', [['q', q], ...filterPairs(), ['all_copies', P.get('all_copies')], ['sort', P.get('sort')]]));
});
const articleMatch = location.pathname.match(/^\/article\/([^/]+)$/);
if (articleMatch) articleView(decodeURIComponent(articleMatch[1]));
else if (location.pathname === '/entity') entityView();
else searchView();
