// Administration: users and API keys (admin), SLA policies and templates
// (manager, admin), routing rules (manager, admin: routing.js), the audit
// trail with chain verification (manager, admin, auditor). Tabs a role cannot
// use are not shown; the server refuses anyway.
import {get, post, patch, put, del, qs} from './api.js';
import {h, clear, fmtTime, toast, formDialog, sevBadge} from './dom.js';
import {can} from './roles.js';
import {renderRouting} from './routing.js';

const ROLES = ['l1', 'l2', 'l3', 'manager', 'admin', 'auditor'];

export async function renderAdmin(main, me, tab) {
  const tabs = [
    ['users', 'Users', can(me, 'users')], ['keys', 'API keys', can(me, 'users')],
    ['sla', 'SLA policies', true], ['templates', 'Templates', true],
    ['routing', 'Routing rules', can(me, 'workflow')], ['audit', 'Audit trail', can(me, 'audit')],
  ].filter((t) => t[2]);
  if (!tabs.some((t) => t[0] === tab)) tab = tabs[0][0];
  const body = h('div');
  main.append(h('div.page', h('div.page-head', h('h1', 'Administration')),
    h('div.seg.tabs', tabs.map(([id, label]) => h('a', {href: '#/admin/' + id, class: id === tab ? 'on' : ''}, label))), body));
  const pages = {users, keys, sla, templates, routing: renderRouting, audit};
  await pages[tab](body, me);
}

async function users(body) {
  const {users: list} = await get('/users');
  const reload = () => { clear(body); users(body); };
  const add = h('button', {type: 'button', on: {click: () => formDialog({title: 'New user', submitLabel: 'Create',
    fields: [{name: 'login', label: 'Login', required: true}, {name: 'name', label: 'Name'},
      {name: 'role', label: 'Role', type: 'select', options: ROLES},
      {name: 'password', label: 'Password (12+ characters)', type: 'password', required: true}],
    onSubmit: async (v) => { await post('/users', v); reload(); }})}}, 'New user');
  body.append(h('div.actions', add), h('table.grid', h('thead', h('tr', h('th', 'Login'), h('th', 'Name'), h('th', 'Role'), h('th', 'State'), h('th', 'Created'), h('th', ''))),
    h('tbody', list.map((u) => {
      const role = h('select', {'aria-label': 'Role of ' + u.login, on: {change: async (e) => {
        try { await patch('/users/' + u.id, {role: e.target.value}); toast(`${u.login} is now ${e.target.value}`); } catch (err) { toast(err.message, 'error'); reload(); }
      }}}, ROLES.map((r) => h('option', {value: r}, r)));
      role.value = u.role;
      return h('tr', h('td.mono', u.login), h('td', u.name), h('td', role), h('td', u.disabled ? h('span.status.st-closed', 'disabled') : 'active'),
        h('td.dim', fmtTime(u.created_at)),
        h('td', h('button.link', {type: 'button', on: {click: async () => {
          try { await patch('/users/' + u.id, {disabled: !u.disabled}); reload(); } catch (err) { toast(err.message, 'error'); }
        }}}, u.disabled ? 'Enable' : 'Disable'), ' ',
        h('button.link', {type: 'button', on: {click: () => formDialog({title: 'New password for ' + u.login, submitLabel: 'Set',
          fields: [{name: 'password', label: 'Password (12+ characters)', type: 'password', required: true}],
          onSubmit: async (v) => { await patch('/users/' + u.id, {password: v.password}); toast('Password changed; sessions ended'); }})}}, 'Password')));
    }))));
}

async function keys(body) {
  const {api_keys: list} = await get('/api-keys');
  const reload = () => { clear(body); keys(body); };
  const shown = h('div.once', {hidden: true});
  const add = h('button', {type: 'button', on: {click: () => formDialog({title: 'New API key', submitLabel: 'Create',
    fields: [{name: 'name', label: 'Name', required: true, placeholder: 'splunk-prod'},
      {name: 'scope', label: 'Scope', type: 'select', options: ['ingest', 'read']}],
    onSubmit: async (v) => {
      const r = await post('/api-keys', {name: v.name, scopes: [v.scope]});
      clear(body);
      await keys(body);
      const box = body.querySelector('.once');
      box.append(h('b', 'Store this key now; it is shown only once: '), h('code#new-key', r.key));
      box.hidden = false;
    }})}}, 'New API key');
  body.append(h('div.actions', add), shown, h('table.grid', h('thead', h('tr', h('th', 'Name'), h('th', 'Prefix'), h('th', 'Scopes'), h('th', 'Created'), h('th', 'Revoked'), h('th', ''))),
    h('tbody', list.map((k) => h('tr', h('td', k.name), h('td.mono', k.prefix + '…'), h('td', k.scopes.join(', ')),
      h('td.dim', fmtTime(k.created_at)), h('td.dim', k.revoked_at ? fmtTime(k.revoked_at) : ''),
      h('td', k.revoked_at ? '' : h('button.link', {type: 'button', on: {click: async () => {
        if (!window.confirm(`Revoke ${k.name}? It stops working at once.`)) return;
        try { await del('/api-keys/' + k.id); reload(); } catch (err) { toast(err.message, 'error'); }
      }}}, 'Revoke')))))));
}

async function sla(body, me) {
  const {policies} = await get('/sla-policies');
  const edit = can(me, 'workflow');
  const rows = policies.map((p) => {
    const ack = h('input', {type: 'number', min: 1, value: p.ack_minutes, disabled: !edit, 'aria-label': p.severity + ' acknowledge minutes'});
    const res = h('input', {type: 'number', min: 1, value: p.resolve_minutes, disabled: !edit, 'aria-label': p.severity + ' resolve minutes'});
    const auto = h('input', {type: 'checkbox', checked: p.auto_escalate, disabled: !edit, 'aria-label': p.severity + ' auto-escalate'});
    return {p, ack, res, auto, tr: h('tr', h('td', sevBadge(p.severity)), h('td', ack), h('td', res), h('td', auto))};
  });
  const save = edit ? h('button.primary', {type: 'button', on: {click: async () => {
    try {
      await put('/sla-policies', {policies: rows.map((r) => ({severity: r.p.severity, ack_minutes: Number(r.ack.value),
        resolve_minutes: Number(r.res.value), auto_escalate: r.auto.checked}))});
      toast('SLA policies saved (they apply to new cases)');
    } catch (err) { toast(err.message, 'error'); }
  }}}, 'Save') : null;
  body.append(h('table.grid.narrow', h('thead', h('tr', h('th', 'Severity'), h('th', 'Acknowledge (min)'), h('th', 'Resolve (min)'), h('th', 'Auto-escalate'))),
    h('tbody', rows.map((r) => r.tr))), h('div.actions', save));
}

async function templates(body, me) {
  const {templates: list} = await get('/case-templates');
  const edit = can(me, 'workflow');
  const reload = () => { clear(body); templates(body, me); };
  const add = edit ? h('button', {type: 'button', on: {click: () => formDialog({title: 'New case template', submitLabel: 'Create',
    fields: [{name: 'name', label: 'Name', required: true}, {name: 'severity', label: 'Severity', type: 'select', options: ['medium', 'low', 'high', 'critical']},
      {name: 'description', label: 'Description', type: 'textarea'},
      {name: 'tags', label: 'Tags (comma-separated)'},
      {name: 'tasks', label: 'Tasks (one title per line)', type: 'textarea', rows: 6}],
    onSubmit: async (v) => {
      await post('/case-templates', {name: v.name, severity: v.severity, description: v.description,
        tags: v.tags.split(',').map((t) => t.trim()).filter(Boolean),
        tasks: v.tasks.split('\n').map((t) => t.trim()).filter(Boolean).map((title) => ({title}))});
      reload();
    }})}}, 'New template') : null;
  body.append(h('div.actions', add), list.length ? h('table.grid', h('thead', h('tr', h('th', 'Name'), h('th', 'Severity'), h('th', 'Tags'), h('th', 'Tasks'), h('th', ''))),
    h('tbody', list.map((t) => h('tr', h('td.mono', t.name), h('td', sevBadge(t.severity)), h('td', t.tags.join(', ')),
      h('td', h('ol.compact', t.tasks.map((x) => h('li', x.title)))),
      h('td', edit ? h('button.link', {type: 'button', on: {click: async () => {
        if (!window.confirm(`Delete template ${t.name}? Existing cases keep their tasks.`)) return;
        try { await del('/case-templates/' + t.id); reload(); } catch (err) { toast(err.message, 'error'); }
      }}}, 'Delete') : ''))))) : h('p.muted', 'No templates yet (samples/templates/ has three).'));
}

async function audit(body) {
  const actor = h('input', {placeholder: 'actor (user:ana)', 'aria-label': 'Actor'});
  const action = h('input', {placeholder: 'action (case.close)', 'aria-label': 'Action'});
  const result = h('div.verify');
  const tbody = h('tbody');
  let cursor = null;
  const more = h('button', {type: 'button', hidden: true}, 'Older');
  const load = async (append) => {
    const r = await get('/audit' + qs({actor: actor.value.trim(), action: action.value.trim(), limit: 100, cursor: append ? cursor : ''}));
    if (!append) clear(tbody);
    for (const x of r.records) {
      tbody.append(h('tr', h('td.num', String(x.seq)), h('td.dim', fmtTime(x.time)), h('td', x.actor), h('td.mono', x.action),
        h('td', `${x.object_type} ${x.object_id}`), h('td.dim.mono', JSON.stringify(x.details)), h('td.dim.mono', x.hash.slice(0, 12))));
    }
    cursor = r.next_cursor;
    more.hidden = !cursor;
  };
  const form = h('form.filters', actor, action, h('button', {type: 'submit'}, 'Filter'),
    h('button#audit-verify', {type: 'button', on: {click: async () => {
      try {
        const v = await get('/audit/verify');
        clear(result).append(v.ok ? h('span.ok', `✓ chain intact: ${v.checked} records, head ${v.head_hash.slice(0, 16)}…`)
          : h('span.error', `✗ broken at seq ${v.first_broken_seq}: ${v.reason}`));
      } catch (err) { toast(err.message, 'error'); }
    }}}, 'Verify chain'));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(false).catch((err) => toast(err.message, 'error')); });
  more.addEventListener('click', () => load(true));
  body.append(form, result, h('table.grid.audit', h('thead', h('tr', h('th', 'Seq'), h('th', 'Time'), h('th', 'Actor'), h('th', 'Action'), h('th', 'Object'), h('th', 'Details'), h('th', 'Hash'))), tbody), more);
  await load(false);
}
