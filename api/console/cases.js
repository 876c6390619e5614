// The case list (mine / my tier / all, live SLA countdowns) and the case
// page: header, timeline with Markdown comments, tasks with logs,
// observables, evidence, and the escalate / resolve / close dialogs.
import {get, post, patch, qs, upload} from './api.js';
import {h, clear, sevBadge, statusBadge, fmtTime, fmtDuration, toast, formDialog} from './dom.js';
import {can, canWork, maxTier} from './roles.js';
import {renderMarkdown} from './markdown.js';

const OPEN = 'open,in_progress,awaiting_info,escalated';
const listState = {scope: 'all', status: OPEN, breached: false, q: ''};

// The SLA cell: time left, amber under a quarter of the target, red when
// overdue or flagged breached. Ticks locally between refreshes.
function slaInfo(c, fetchedAt, now = Date.now()) {
  const s = c.sla || {};
  if (s.remaining_ms === null || s.remaining_ms === undefined) {
    return {text: c.status === 'resolved' || c.status === 'closed' ? 'done' : '—', level: 'none'};
  }
  const remaining = s.paused ? s.remaining_ms : s.remaining_ms - (now - fetchedAt);
  const due = c.acknowledged_at ? s.resolve_due : s.ack_due;
  const target = due ? new Date(due) - new Date(c.created_at) : 0;
  let level = 'ok';
  if (remaining < 0 || s.ack_breached || s.resolve_breached) level = 'red';
  else if (target > 0 && remaining < target / 4) level = 'amber';
  const what = c.acknowledged_at ? 'resolve' : 'ack';
  return {text: `${what} ${fmtDuration(remaining)}${s.paused ? ' (paused)' : ''}`, level};
}

function slaCell(c, fetchedAt) {
  const info = slaInfo(c, fetchedAt);
  const el = h('span.sla.sla-' + info.level, info.text);
  el.dataset.sla = '1';
  return el;
}

export async function renderCaseList(main, me) {
  let cases = [];
  let fetchedAt = Date.now();
  let stopped = false;
  let timer = null;
  const tbody = h('tbody');
  const tier = maxTier(me);
  const scopes = [['mine', 'Mine'], ...(tier ? [['tier', `My tier (L${Math.min(tier, 3)})`]] : []), ['all', 'All']];
  if (!scopes.some(([v]) => v === listState.scope)) listState.scope = 'all';
  const scopeBar = h('div.seg', scopes.map(([v, l]) => h('button', {type: 'button', class: v === listState.scope ? 'on' : '',
    dataset: {scope: v}, on: {click: () => { listState.scope = v; for (const b of scopeBar.children) b.classList.toggle('on', b.dataset.scope === v); refresh(); }}}, l)));
  const statusSel = h('select#c-status', {'aria-label': 'Status', on: {change: (e) => { listState.status = e.target.value; refresh(); }}},
    [[OPEN, 'Open (all working states)'], ['open', 'Open'], ['in_progress', 'In progress'], ['awaiting_info', 'Awaiting info'],
     ['escalated', 'Escalated'], ['resolved', 'Resolved'], ['closed', 'Closed'], ['', 'Any status']].map(([v, l]) => h('option', {value: v}, l)));
  statusSel.value = listState.status;
  const breached = h('input#c-breached', {type: 'checkbox', checked: listState.breached,
    on: {change: (e) => { listState.breached = e.target.checked; refresh(); }}});
  const qIn = h('input#c-q', {placeholder: 'search', value: listState.q, 'aria-label': 'Search cases'});
  const form = h('form.filters', scopeBar, statusSel, h('label.inline', breached, ' SLA breached'), qIn, h('button', {type: 'submit'}, 'Filter'));
  form.addEventListener('submit', (e) => { e.preventDefault(); listState.q = qIn.value.trim(); refresh(); });

  const newCase = can(me, 'triage') ? h('button', {type: 'button', on: {click: () => formDialog({
    title: 'New case', submitLabel: 'Create',
    fields: [{name: 'title', label: 'Title', required: true},
      {name: 'severity', label: 'Severity', type: 'select', options: ['medium', 'low', 'high', 'critical']},
      {name: 'description', label: 'Description', type: 'textarea'}],
    onSubmit: async (v) => { const c = await post('/cases', v); location.hash = '#/cases/' + c.number; }})}}, 'New case') : null;

  main.append(h('div.page', h('div.page-head', h('h1', 'Cases'), newCase), form,
    h('table.grid.cases', h('thead', h('tr', h('th', 'Number'), h('th', 'Sev'), h('th', 'Title'), h('th', 'Tier'),
      h('th', 'Status'), h('th', 'Assignee'), h('th', 'SLA'), h('th', 'Opened'))), tbody)));

  function draw() {
    clear(tbody);
    if (!cases.length) tbody.append(h('tr', h('td.empty', {colSpan: 8}, 'No cases match.')));
    for (const c of cases) {
      tbody.append(h('tr', {dataset: {number: c.number}},
        h('td.mono', h('a', {href: '#/cases/' + c.number}, c.number)), h('td', sevBadge(c.severity)),
        h('td.title', h('a', {href: '#/cases/' + c.number}, c.title)), h('td', c.tier), h('td', statusBadge(c.status)),
        h('td', c.assignee || h('span.dim', 'unassigned')), h('td', slaCell(c, fetchedAt)), h('td.dim', fmtTime(c.created_at))));
    }
  }
  function tick() {
    const cells = tbody.querySelectorAll('[data-sla]');
    cases.forEach((c, i) => {
      if (!cells[i]) return;
      const info = slaInfo(c, fetchedAt);
      cells[i].textContent = info.text;
      cells[i].className = 'sla sla-' + info.level;
    });
  }
  async function refresh() {
    clearTimeout(timer);
    const params = {status: listState.status, q: listState.q, limit: 200};
    if (listState.breached) params.sla_breached = 'true';
    if (listState.scope === 'mine') params.assignee = 'me';
    if (listState.scope === 'tier') params.tier = 'L' + Math.min(tier, 3);
    try {
      const res = await get('/cases' + qs(params));
      if (stopped) return;
      cases = res.cases;
      fetchedAt = Date.now();
      draw();
    } catch (err) {
      if (err.status !== 401) toast(err.message, 'error');
    }
    if (!stopped) timer = setTimeout(refresh, 15000);
  }
  const ticker = setInterval(tick, 1000);
  await refresh();
  return () => { stopped = true; clearTimeout(timer); clearInterval(ticker); };
}

const RESOLUTIONS = ['true_positive', 'false_positive', 'benign_positive', 'duplicate', 'indeterminate'];
const TASK_STATUSES = ['waiting', 'in_progress', 'completed', 'cancelled'];

export async function renderCase(main, me, ref) {
  let stopped = false;
  const [c, timeline, tasks, attachments] = await Promise.all([
    get('/cases/' + encodeURIComponent(ref)), get(`/cases/${encodeURIComponent(ref)}/timeline`),
    get(`/cases/${encodeURIComponent(ref)}/tasks`), get(`/cases/${encodeURIComponent(ref)}/attachments`)]);
  const fetchedAt = Date.now();
  const base = '/cases/' + c.id;
  const work = canWork(me, c.tier) && can(me, 'triage');
  const finished = c.status === 'resolved' || c.status === 'closed';
  const reload = () => { if (!stopped) { stopped = true; clearInterval(ticker); clear(main); renderCase(main, me, ref).then((f) => { cleanup = f; }); } };
  let cleanup = null;
  const act = async (fn) => { try { await fn(); reload(); } catch (err) { toast(err.message, 'error'); } };

  // --- header and actions
  const buttons = [];
  const mine = c.assignee === me.user.login;
  if (work && !mine && !finished) {
    buttons.push(h('button', {type: 'button', on: {click: () => act(() => post(base + '/assign', {assignee: me.user.login}))}}, 'Take'));
  }
  if (can(me, 'workflow') && !finished) {
    buttons.push(h('button', {type: 'button', on: {click: () => formDialog({title: 'Assign ' + c.number, submitLabel: 'Assign',
      fields: [{name: 'assignee', label: 'Login (empty to unassign)', value: c.assignee || ''}],
      onSubmit: async (v) => { await post(base + '/assign', {assignee: v.assignee || null}); reload(); }})}}, 'Assign…'));
  }
  if (work && ['open', 'escalated', 'awaiting_info'].includes(c.status)) {
    buttons.push(h('button', {type: 'button', on: {click: () => act(() => patch(base, {status: 'in_progress'}))}},
      c.status === 'awaiting_info' ? 'Resume' : 'Start work'));
  }
  if (work && c.status === 'in_progress') {
    buttons.push(h('button', {type: 'button', on: {click: () => act(() => patch(base, {status: 'awaiting_info'}))}}, 'Awaiting info'));
  }
  const tierNum = Number(c.tier.slice(1));
  if (can(me, 'escalate') && canWork(me, c.tier) && tierNum < 3 && ['open', 'in_progress', 'awaiting_info'].includes(c.status)) {
    const tiers = ['L2', 'L3'].filter((t) => Number(t.slice(1)) > tierNum);
    buttons.push(h('button.warn#btn-escalate', {type: 'button', on: {click: () => formDialog({
      title: `Escalate ${c.number}`, submitLabel: 'Escalate',
      intro: 'The case goes to the higher tier, unassigned; severity is raised to the tier\'s floor.',
      fields: [{name: 'tier', label: 'To tier', type: 'select', options: tiers},
        {name: 'reason', label: 'Reason', type: 'textarea', required: true}],
      onSubmit: async (v) => { await post(base + '/escalate', v); reload(); }})}}, 'Escalate…'));
  }
  if (work && c.status === 'in_progress') {
    buttons.push(h('button.primary#btn-resolve', {type: 'button', on: {click: () => formDialog({
      title: `Resolve ${c.number}`, submitLabel: 'Resolve',
      fields: [{name: 'resolution', label: 'Resolution', type: 'select', options: RESOLUTIONS},
        {name: 'resolution_notes', label: 'Resolution notes', type: 'textarea', required: true},
        {name: 'root_cause', label: 'Root cause', type: 'textarea', hint: 'Required for a true positive: what happened and why.'}],
      onSubmit: async (v) => {
        if (v.resolution === 'true_positive' && !v.root_cause) throw new Error('A true positive needs a root cause.');
        const body = {resolution: v.resolution, resolution_notes: v.resolution_notes};
        if (v.root_cause) body.root_cause = v.root_cause;
        await post(base + '/resolve', body);
        reload();
      }})}}, 'Resolve…'));
  }
  if (work && c.status === 'resolved') {
    buttons.push(h('button.primary#btn-close', {type: 'button', on: {click: () => formDialog({
      title: `Close ${c.number}`, submitLabel: 'Close case', fields: [],
      intro: `Resolution: ${c.resolution}. Closing locks the case; it can be reopened with a reason.`,
      onSubmit: async () => { await post(base + '/close'); reload(); }})}}, 'Close…'));
  }
  if (work && finished) {
    buttons.push(h('button', {type: 'button', on: {click: () => formDialog({title: `Reopen ${c.number}`, submitLabel: 'Reopen',
      fields: [{name: 'reason', label: 'Reason', type: 'textarea', required: true}],
      onSubmit: async (v) => { await post(base + '/reopen', v); reload(); }})}}, 'Reopen…'));
  }

  const sla = slaInfo(c, fetchedAt);
  const slaEl = h('span.sla.sla-' + sla.level, sla.text);
  const ticker = setInterval(() => { const i = slaInfo(c, fetchedAt); slaEl.textContent = i.text; slaEl.className = 'sla sla-' + i.level; }, 1000);

  const header = h('div.case-head',
    h('div.crumbs', h('a', {href: '#/cases'}, 'Cases'), ' / ', c.number),
    h('div.page-head', h('span.mono.casenum', c.number), sevBadge(c.severity), h('span.tier', c.tier), statusBadge(c.status),
      h('h1.case-title', c.title)),
    h('div.facts',
      h('span', 'Assignee: ', h('b', c.assignee || 'unassigned')),
      h('span', 'SLA: ', slaEl),
      h('span.dim', `ack due ${fmtTime(c.sla && c.sla.ack_due)} · resolve due ${fmtTime(c.sla && c.sla.resolve_due)}`),
      h('span.dim', `TLP ${c.tlp} · PAP ${c.pap}`),
      (c.tags || []).map((t) => h('span.tag', t))),
    h('div.actions', buttons),
    c.resolution ? h('div.resolution', h('b', 'Resolution: '), c.resolution, c.root_cause ? [h('br'), h('b', 'Root cause: '), c.root_cause] : null,
      c.resolution_notes ? [h('br'), h('b', 'Notes: '), c.resolution_notes] : null) : null,
    c.description ? h('p.prewrap.desc', c.description) : null);

  // --- timeline and comments
  const events = timeline.events.slice().reverse();
  const tl = h('ol.timeline', events.map((e) => h('li.ev.ev-' + e.kind,
    h('div.ev-meta', h('span.dim', fmtTime(e.time)), ' ', h('b', e.actor), ' ', h('span.kind', e.kind.replace('_', ' '))),
    e.kind === 'comment' ? renderMarkdown(e.body) : h('div.ev-body', e.body))));
  const commentBox = h('textarea#comment-body', {rows: 3, placeholder: 'Comment (Markdown: **bold**, *em*, `code`, lists, links)'});
  const commentForm = work ? h('form.comment', commentBox, h('div.actions', h('button.primary', {type: 'submit'}, 'Comment'))) : null;
  if (commentForm) {
    commentForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = commentBox.value.trim();
      if (body) act(() => post(base + '/comments', {body}));
    });
  }

  // --- tasks
  const taskList = h('ul.tasks', tasks.tasks.map((t) => {
    const sel = work && c.status !== 'closed' ? h('select', {'aria-label': 'Status of ' + t.title,
      on: {change: (e) => act(() => patch('/tasks/' + t.id, {status: e.target.value}))}},
      TASK_STATUSES.map((s) => h('option', {value: s}, s.replace('_', ' ')))) : statusBadge(t.status);
    if (sel.tagName === 'SELECT') sel.value = t.status;
    const logIn = h('input', {placeholder: 'Add a log entry…', 'aria-label': 'Log for ' + t.title});
    const logForm = work && c.status !== 'closed' ? h('form.tasklog', logIn) : null;
    if (logForm) logForm.addEventListener('submit', (e) => { e.preventDefault(); const body = logIn.value.trim(); if (body) act(() => post(`/tasks/${t.id}/logs`, {body})); });
    return h('li.task.task-' + t.status, {dataset: {task: String(t.id)}},
      h('div.task-head', h('span.task-title', t.title), sel),
      t.description ? h('div.dim', t.description) : null,
      t.logs && t.logs.length ? h('ul.logs', t.logs.map((l) => h('li', h('span.dim', fmtTime(l.time) + ' ' + l.actor + ': '), l.body))) : null,
      logForm);
  }));
  const taskTitle = h('input#task-title', {placeholder: 'New task title', 'aria-label': 'New task title'});
  const taskForm = work && c.status !== 'closed' ? h('form.inline-form', taskTitle, h('button', {type: 'submit'}, 'Add task')) : null;
  if (taskForm) taskForm.addEventListener('submit', (e) => { e.preventDefault(); const title = taskTitle.value.trim(); if (title) act(() => post(base + '/tasks', {title})); });

  // --- observables
  const obsBody = h('tbody', (c.observables || []).map((o) => {
    const badge = h('span.badge', '…');
    get('/observables/' + o.id).then((d) => {
      const others = Math.max(0, d.case_count - 1);
      badge.textContent = `${others} other case${others === 1 ? '' : 's'} · ${d.alert_count} alert${d.alert_count === 1 ? '' : 's'}`;
      if (others) badge.classList.add('hot');
    }).catch(() => { badge.textContent = '?'; });
    const ioc = h('input', {type: 'checkbox', checked: o.ioc, disabled: !work, 'aria-label': 'IOC ' + o.value,
      on: {change: (e) => act(() => patch('/observables/' + o.id, {ioc: e.target.checked}))}});
    return h('tr', h('td', o.type), h('td.mono', h('a', {href: '#/observables/' + o.id}, o.value)),
      h('td', h('label.inline', ioc, ' IOC')), h('td', badge));
  }));
  const obsType = h('select', {'aria-label': 'Observable type'}, ['ip', 'domain', 'url', 'mail', 'hash', 'filename', 'hostname',
    'user', 'user_agent', 'registry', 'cve', 'asn', 'mac', 'other'].map((t) => h('option', {value: t}, t)));
  const obsValue = h('input', {placeholder: 'value (defanged is fine)', 'aria-label': 'Observable value'});
  const obsForm = work ? h('form.inline-form', obsType, obsValue, h('button', {type: 'submit'}, 'Add')) : null;
  if (obsForm) obsForm.addEventListener('submit', (e) => { e.preventDefault(); if (obsValue.value.trim()) act(() => post(base + '/observables', {type: obsType.value, value: obsValue.value.trim()})); });

  // --- evidence
  const bar = h('progress#upload-progress', {max: 1, value: 0, hidden: true});
  const fileIn = h('input#evidence-file', {type: 'file', 'aria-label': 'Evidence file'});
  const upForm = work ? h('form.inline-form', fileIn, h('button', {type: 'submit'}, 'Upload'), bar) : null;
  if (upForm) {
    upForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const file = fileIn.files[0];
      if (!file) return;
      bar.hidden = false;
      bar.value = 0;
      try {
        await upload(base + '/attachments', file, (f) => { bar.value = f; });
        bar.value = 1;
        toast('Uploaded ' + file.name);
        reload();
      } catch (err) {
        bar.hidden = true;
        toast(err.message, 'error');
      }
    });
  }
  const evList = h('ul.plain', attachments.attachments.map((a) => h('li',
    h('a', {href: a.download, download: a.filename}, a.filename), h('span.dim', ` ${a.size} B · ${a.uploaded_by} · ${fmtTime(a.created_at)} · sha256 ${a.sha256.slice(0, 16)}…`))));

  const rel = c.related || {cases: [], alerts: []};
  main.append(h('div.page.case',
    header,
    h('div.cols',
      h('section.card', h('h2', 'Timeline'), commentForm, tl),
      h('div',
        h('section.card', h('h2', `Tasks (${tasks.tasks.length}, ${c.open_tasks} open)`), taskForm, taskList),
        h('section.card', h('h2', 'Observables'), obsForm,
          h('table.grid', h('thead', h('tr', h('th', 'Type'), h('th', 'Value'), h('th', 'IOC'), h('th', 'Seen elsewhere'))), obsBody)),
        h('section.card', h('h2', 'Evidence'), upForm, attachments.attachments.length ? evList : h('p.muted', 'None.')),
        h('section.card', h('h2', 'Related'),
          rel.cases.length || rel.alerts.length ? h('ul.plain',
            rel.cases.map((x) => h('li', 'Case ', h('a', {href: '#/cases/' + x.number}, x.number), ' ', x.title, ' ', statusBadge(x.status))),
            rel.alerts.map((x) => h('li', 'Alert ', h('a', {href: '#/alerts/' + x.id}, '#' + x.id), ' ', x.title))) : h('p.muted', 'Nothing shares observables with this case.'),
          (c.alerts || []).length ? h('p', 'Alerts in this case: ', c.alerts.map((id, n) => [n ? ', ' : '', h('a', {href: '#/alerts/' + id}, '#' + id)])) : null)))));
  return () => { stopped = true; clearInterval(ticker); if (cleanup) cleanup(); };
}
