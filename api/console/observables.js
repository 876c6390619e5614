// The observable page: every alert and case where an indicator was seen, and
// the lookup page behind the header's search box.
import {get, patch, qs} from './api.js';
import {h, sevBadge, statusBadge, fmtTime, toast} from './dom.js';
import {can} from './roles.js';

function seenTables(d) {
  return [
    h('section.card', h('h2', `Cases (${d.case_count})`),
      d.cases.length ? h('table.grid', h('thead', h('tr', h('th', 'Number'), h('th', 'Sev'), h('th', 'Title'), h('th', 'Status'), h('th', 'Linked'))),
        h('tbody', d.cases.map((c) => h('tr', h('td.mono', h('a', {href: '#/cases/' + c.number}, c.number)), h('td', sevBadge(c.severity)),
          h('td', c.title), h('td', statusBadge(c.status)), h('td.dim', fmtTime(c.linked_at)))))) : h('p.muted', 'In no case.')),
    h('section.card', h('h2', `Alerts (${d.alert_count})`),
      d.alerts.length ? h('table.grid', h('thead', h('tr', h('th', 'Id'), h('th', 'Sev'), h('th', 'Title'), h('th', 'Source'), h('th', 'Status'), h('th', 'Last seen'))),
        h('tbody', d.alerts.map((a) => h('tr', h('td', h('a', {href: '#/alerts/' + a.id}, '#' + a.id)), h('td', sevBadge(a.severity)),
          h('td', a.title), h('td', a.source), h('td', statusBadge(a.status)), h('td.dim', fmtTime(a.last_seen)))))) : h('p.muted', 'In no alert.')),
  ];
}

function header(me, o, reload) {
  const ioc = can(me, 'triage') ? h('label.inline', h('input', {type: 'checkbox', checked: o.ioc, on: {change: async (e) => {
    try { await patch('/observables/' + o.id, {ioc: e.target.checked}); reload(); } catch (err) { toast(err.message, 'error'); }
  }}}), ' IOC') : (o.ioc ? h('span.ioc', 'IOC') : null);
  return [h('div.page-head', h('span.tag', o.type), h('h1.mono', o.value), ioc),
    h('div.facts', h('span', `TLP ${o.tlp}`), o.sighted ? h('span', 'sighted') : null,
      h('span.dim', `first seen ${fmtTime(o.first_seen)} · last seen ${fmtTime(o.last_seen)}`),
      (o.tags || []).map((t) => h('span.tag', t)))];
}

export async function renderObservable(main, me, id) {
  const d = await get('/observables/' + id);
  const reload = () => { main.replaceChildren(); renderObservable(main, me, id); };
  main.append(h('div.page', h('div.crumbs', 'Observable #' + id), header(me, d.observable, reload), h('div.cols', seenTables(d))));
}

export async function renderLookup(main, me, value) {
  let r;
  try {
    r = await get('/observables/lookup' + qs({value}));
  } catch (err) {
    if (err.status === 422 || err.status === 400) {
      main.append(h('div.page', h('h1', 'Lookup'), h('p.error', err.message)));
      return;
    }
    throw err;
  }
  if (!r.seen) {
    main.append(h('div.page', h('h1', 'Lookup'), h('p', h('span.tag', r.type), ' ', h('span.mono', r.value), ' has never been seen here.')));
    return;
  }
  location.replace('#/observables/' + r.observable.id);
}
