// The alert queue (live, keyboard-driven triage) and the alert detail page.
import {get, post, patch, qs} from './api.js';
import {h, clear, sevBadge, statusBadge, fmtTime, timeAgo, toast, formDialog} from './dom.js';
import {can} from './roles.js';

export const POLL_MS = 3000;

// Filters survive navigation within the session (not across reloads).
const filters = {status: 'new,updated', severity: '', source: '', q: ''};

const STATUS_CHOICES = [
  ['new,updated', 'Queue (new + updated)'], ['new', 'New'], ['updated', 'Updated'],
  ['ignored', 'Ignored'], ['imported', 'Imported'], ['', 'All'],
];

export async function renderQueue(main, me) {
  const triage = can(me, 'triage');
  let alerts = [];
  let nextCursor = null;
  let extraPages = 0;  // "load more" pages kept on refresh
  const selected = new Set();
  let focusedId = null;
  let stopped = false;
  let timer = null;

  const tbody = h('tbody');
  const count = h('span.muted');
  const notice = h('div.notice', {hidden: true});
  const live = h('span.live', 'live');
  const more = h('button', {type: 'button', hidden: true}, 'Load more');

  const statusSel = h('select#f-status', {'aria-label': 'Status'},
    STATUS_CHOICES.map(([v, l]) => h('option', {value: v}, l)));
  statusSel.value = filters.status;
  const sevSel = h('select#f-severity', {'aria-label': 'Severity'},
    [['', 'Any severity'], ['critical', 'Critical'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']]
      .map(([v, l]) => h('option', {value: v}, l)));
  sevSel.value = filters.severity;
  const sourceIn = h('input#f-source', {placeholder: 'source', value: filters.source, 'aria-label': 'Source'});
  const qIn = h('input#f-q', {placeholder: 'search title/description', value: filters.q, 'aria-label': 'Search'});
  const filterForm = h('form.filters', statusSel, sevSel, sourceIn, qIn, h('button', {type: 'submit'}, 'Filter'));
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(filters, {status: statusSel.value, severity: sevSel.value, source: sourceIn.value.trim(), q: qIn.value.trim()});
    extraPages = 0;
    selected.clear();
    refresh();
  });
  for (const s of [statusSel, sevSel]) s.addEventListener('change', () => filterForm.requestSubmit());

  const btn = (label, key, fn, cls) => h('button' + (cls || ''), {type: 'button', title: `${label} (${key})`, on: {click: fn}},
    label, ' ', h('kbd', key));
  const actions = triage ? h('div.actions.toolbar',
    btn('Promote', 'p', () => act('promote')), btn('Ignore', 'i', () => act('ignore')),
    btn('Merge…', 'm', () => act('merge')), count) : h('div.toolbar', count);

  const table = h('table.grid.queue', h('thead', h('tr',
    h('th.cb', triage ? h('input#select-all', {type: 'checkbox', 'aria-label': 'Select all', on: {change: (e) => {
      selected.clear();
      if (e.target.checked) alerts.forEach((a) => selected.add(a.id));
      draw();
    }}}) : ''),
    h('th', 'Sev'), h('th', 'Title'), h('th', 'Source'), h('th', 'Rule'), h('th.num', '×'),
    h('th', 'Status'), h('th', 'Last seen'), h('th', 'First seen'))), tbody);

  main.append(h('div.page',
    h('div.page-head', h('h1', 'Alert queue'), live,
      h('span.muted.keys', 'j/k move · x select · p promote · i ignore · m merge · Enter open · r refresh')),
    filterForm, actions, notice, table, more));

  more.addEventListener('click', async () => { extraPages++; await refresh(); });

  function targets() {
    if (selected.size) return [...selected];
    return focusedId !== null ? [focusedId] : [];
  }

  function draw() {
    clear(tbody);
    if (!alerts.length) {
      tbody.append(h('tr', h('td.empty', {colSpan: 9}, 'No alerts match. New alerts appear here within seconds.')));
    }
    for (const a of alerts) {
      const cb = triage ? h('input', {type: 'checkbox', 'aria-label': 'Select alert ' + a.id, checked: selected.has(a.id),
        on: {change: (e) => { e.target.checked ? selected.add(a.id) : selected.delete(a.id); updateCount(); }}}) : null;
      const link = h('a', {href: '#/alerts/' + a.id}, a.title);
      // An ignored alert's reason (set by a routing rule or by hand) is the row's tooltip.
      const tr = h('tr', {dataset: {id: String(a.id)}, class: 'sevrow-' + a.severity, title: ignoredTitle(a)},
        h('td.cb', cb), h('td', sevBadge(a.severity)), h('td.title', link),
        h('td', a.source), h('td.dim', a.rule_name || ''), h('td.num', a.occurrences > 1 ? h('span.occ', '×' + a.occurrences) : '1'),
        h('td', statusBadge(a.status), a.case_id ? h('a.caselink', {href: '#/cases/' + a.case_id}, ' → case') : null),
        h('td', {title: fmtTime(a.last_seen)}, timeAgo(a.last_seen)), h('td.dim', fmtTime(a.first_seen)));
      if (a.id === focusedId) tr.classList.add('focused');
      if (selected.has(a.id)) tr.classList.add('selected');
      tr.addEventListener('click', (e) => {
        if (e.target.closest('a, input')) return;
        focusedId = a.id;
        markFocus();
      });
      tbody.append(tr);
    }
    updateCount();
    more.hidden = !nextCursor;
  }

  function updateCount() {
    for (const tr of tbody.querySelectorAll('tr[data-id]')) {
      tr.classList.toggle('selected', selected.has(Number(tr.dataset.id)));
    }
    count.textContent = selected.size ? `${selected.size} selected` : `${alerts.length} shown`;
  }

  function markFocus(scroll) {
    for (const tr of tbody.querySelectorAll('tr[data-id]')) {
      const on = Number(tr.dataset.id) === focusedId;
      tr.classList.toggle('focused', on);
      if (on && scroll) tr.scrollIntoView({block: 'nearest'});
    }
  }

  async function refresh() {
    clearTimeout(timer);
    try {
      const params = {status: filters.status, severity: filters.severity, source: filters.source, q: filters.q, limit: 100};
      let page = await get('/alerts' + qs(params));
      let list = page.alerts;
      for (let i = 0; i < extraPages && page.next_cursor; i++) {
        page = await get('/alerts' + qs({...params, cursor: page.next_cursor}));
        list = list.concat(page.alerts);
      }
      if (stopped) return;
      alerts = list;
      nextCursor = page.next_cursor;
      // Selection survives a refresh; ids that left the view are dropped.
      const present = new Set(alerts.map((a) => a.id));
      for (const id of [...selected]) if (!present.has(id)) selected.delete(id);
      if (focusedId === null || !present.has(focusedId)) focusedId = alerts.length ? alerts[0].id : null;
      draw();
      live.classList.remove('stale');
    } catch (err) {
      live.classList.add('stale');
      if (err.status === 401) return;
      toast('Refresh failed: ' + err.message, 'error');
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  }

  function showNotice(parts) {
    clear(notice).append(...parts);
    notice.hidden = false;
  }

  async function act(action) {
    if (!triage) return;
    const ids = targets();
    if (!ids.length) return toast('Select alerts first (x), or move to one (j/k).');
    const run = async (extra) => {
      const res = await post('/alerts/bulk', {ids, action, ...extra});
      selected.clear();
      const cases = new Map();
      for (const r of res.results) if (r.case && typeof r.case === 'object') cases.set(r.case.id, r.case);
      if (action === 'ignore') {
        showNotice([`Ignored ${ids.length} alert${ids.length > 1 ? 's' : ''}.`]);
      } else {
        const verb = action === 'promote' ? 'Promoted' : 'Merged';
        showNotice([`${verb} ${ids.length} alert${ids.length > 1 ? 's' : ''} → `,
          ...[...cases.values()].flatMap((c, n) => [n ? ', ' : '', h('a', {href: '#/cases/' + c.number}, c.number)])]);
      }
      await refresh();
    };
    try {
      if (action === 'merge') {
        formDialog({title: `Merge ${ids.length} alert${ids.length > 1 ? 's' : ''} into a case`,
          fields: [{name: 'case', label: 'Case number or id', required: true, placeholder: 'SOC-2026-001'}],
          submitLabel: 'Merge',
          onSubmit: (v) => run({case: /^\d+$/.test(v.case) ? Number(v.case) : v.case})});
      } else {
        await run({});
      }
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest('input, textarea, select, dialog')) return;
    const idx = alerts.findIndex((a) => a.id === focusedId);
    switch (e.key) {
      case 'j': if (idx < alerts.length - 1) { focusedId = alerts[idx + 1].id; markFocus(true); } break;
      case 'k': if (idx > 0) { focusedId = alerts[idx - 1].id; markFocus(true); } break;
      case 'x':
        if (triage && focusedId !== null) {
          selected.has(focusedId) ? selected.delete(focusedId) : selected.add(focusedId);
          updateCount();
          const cb = tbody.querySelector(`tr[data-id="${focusedId}"] input`);
          if (cb) cb.checked = selected.has(focusedId);
        }
        break;
      case 'p': act('promote'); break;
      case 'i': act('ignore'); break;
      case 'm': act('merge'); break;
      case 'r': refresh(); break;
      case 'Enter': case 'o': if (focusedId !== null) location.hash = '#/alerts/' + focusedId; break;
      default: return;
    }
    e.preventDefault();
  }
  document.addEventListener('keydown', onKey);
  await refresh();
  return () => { stopped = true; clearTimeout(timer); document.removeEventListener('keydown', onKey); };
}

function ignoredTitle(a) {
  if (a.status !== 'ignored' || !a.ignore_reason) return null;
  return `Ignored: ${a.ignore_reason}` + (a.suppressed_by ? ` (rule #${a.suppressed_by})` : '');
}

function field(label, value) {
  return [h('dt', label), h('dd', value === null || value === undefined || value === '' ? '—' : value)];
}

export async function renderAlert(main, me, id) {
  const a = await get('/alerts/' + id);
  const triage = can(me, 'triage');
  const reload = () => { clear(main); return renderAlert(main, me, id); };

  const act = async (fn) => {
    try { await fn(); } catch (err) { toast(err.message, 'error'); }
  };
  const buttons = [];
  if (triage && a.status !== 'imported') {
    buttons.push(h('button.primary', {type: 'button', on: {click: () => act(async () => {
      const c = await post(`/alerts/${a.id}/promote`, {});
      toast(`Promoted to ${c.number}`);
      location.hash = '#/cases/' + c.number;
    })}}, 'Promote to case'));
    buttons.push(h('button', {type: 'button', on: {click: () => formDialog({
      title: 'Merge into a case', submitLabel: 'Merge',
      fields: [{name: 'case', label: 'Case number or id', required: true, placeholder: 'SOC-2026-001'}],
      onSubmit: async (v) => {
        const c = await post(`/alerts/${a.id}/merge`, {case: /^\d+$/.test(v.case) ? Number(v.case) : v.case});
        location.hash = '#/cases/' + c.number;
      }})}}, 'Merge…'));
    buttons.push(a.status === 'ignored'
      ? h('button', {type: 'button', on: {click: () => act(async () => { await patch('/alerts/' + a.id, {status: 'new'}); reload(); })}}, 'Back to queue')
      : h('button', {type: 'button', on: {click: () => act(async () => { await patch('/alerts/' + a.id, {status: 'ignored'}); reload(); })}}, 'Ignore'));
  }

  const obsRows = (a.observables || []).map((o) => h('tr',
    h('td', o.type), h('td.mono', h('a', {href: '#/observables/' + o.id}, o.value)),
    h('td', o.ioc ? h('span.ioc', 'IOC') : ''),
    h('td', h('span.badge' + (o.case_count ? '.hot' : ''), `seen in ${o.case_count ?? 0} case${o.case_count === 1 ? '' : 's'}`)),
    h('td.dim', fmtTime(o.last_seen))));
  const rel = a.related || {cases: [], alerts: []};

  const rawView = h('pre.raw');
  const showRaw = (which) => { rawView.textContent = JSON.stringify(a[which], null, 2) ?? 'null'; };
  showRaw('raw_latest');
  const rawSel = h('select', {'aria-label': 'Payload', on: {change: (e) => showRaw(e.target.value)}},
    h('option', {value: 'raw_latest'}, 'Latest delivery'), h('option', {value: 'raw_first'}, 'First delivery'));

  main.append(h('div.page',
    h('div.crumbs', h('a', {href: '#/alerts'}, 'Alerts'), ` / #${a.id}`),
    h('div.page-head', sevBadge(a.severity), h('h1.alert-title', a.title), statusBadge(a.status),
      a.occurrences > 1 ? h('span.occ', '×' + a.occurrences) : null),
    h('div.actions', buttons),
    routingNotice(a, me),
    h('div.cols',
      h('section.card',
        h('h2', 'Details'),
        h('dl.kv',
          field('Source', `${a.source} (${a.source_kind})`), field('Source ref', a.source_ref),
          field('Rule', a.rule_name), field('Occurrences', String(a.occurrences)),
          field('Deliveries', String(a.deliveries)), field('TLP / PAP', `${a.tlp} / ${a.pap}`),
          field('Event time', fmtTime(a.event_time)), field('First seen', fmtTime(a.first_seen)),
          field('Last seen', fmtTime(a.last_seen)),
          field('Case', a.case_id ? h('a', {href: '#/cases/' + a.case_id}, 'case #' + a.case_id) : null),
          field('Assignee', a.assignee), field('Tier', a.tier ? h('span.tier', a.tier) : null),
          field('Tags', (a.tags || []).length ? (a.tags || []).map((t) => h('span.tag', t)) : null)),
        h('h2', 'Description'), h('p.prewrap', a.description || '—')),
      h('section.card',
        h('h2', 'Related open cases'),
        rel.cases.length ? h('ul.plain', rel.cases.map((c) => h('li',
          h('a', {href: '#/cases/' + c.number}, c.number), ' ', c.title, ' ', statusBadge(c.status),
          h('span.dim', ` · ${c.shared} shared${c.shared_iocs ? `, ${c.shared_iocs} IOC` : ''}`))))
          : h('p.muted', 'None.'),
        h('h2', 'Related alerts'),
        rel.alerts.length ? h('ul.plain', rel.alerts.map((x) => h('li',
          h('a', {href: '#/alerts/' + x.id}, '#' + x.id), ' ', x.title, ' ', statusBadge(x.status))))
          : h('p.muted', 'None.'))),
    h('section.card',
      h('h2', `Observables (${(a.observables || []).length})`),
      obsRows.length ? h('table.grid', h('thead', h('tr', h('th', 'Type'), h('th', 'Value'), h('th', 'IOC'), h('th', 'Correlation'), h('th', 'Last seen'))),
        h('tbody', obsRows)) : h('p.muted', 'None extracted.')),
    h('section.card', h('div.page-head', h('h2', 'Payload'), rawSel), rawView)));
}

// What routing did to an ignored alert: the reason, and the rule that
// suppressed it (`suppressed_by`; null when an analyst ignored it by hand).
function routingNotice(a, me) {
  if (a.status !== 'ignored' || (!a.ignore_reason && !a.suppressed_by)) return null;
  const rule = '#' + a.suppressed_by;
  return h('div.notice.ignored#alert-ignored',
    h('b', 'Ignored'), a.ignore_reason ? [': ', h('span#ignore-reason', a.ignore_reason)] : null,
    a.suppressed_by ? [' — suppressed by rule ',
      can(me, 'workflow') ? h('a#suppressed-by', {href: '#/admin/routing'}, rule) : h('span#suppressed-by', rule)] : null);
}
