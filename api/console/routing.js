// Administration › Routing rules (managers and admins, kManageWorkflow): the
// rules in evaluation order, an inline form to create or edit one (the
// server's 422/409 `detail` is shown verbatim next to it: it names the bad
// part, e.g. `when.all[1].severity_at_least: …`), delete with a confirmation,
// and the dry run of POST /api/v1/routing-rules/test. Rule names, payloads
// and alert text are untrusted: everything goes through textContent (h()).
import {get, post, patch, del} from './api.js';
import {h, clear, fmtTime, timeAgo, toast, formDialog, sevBadge, statusBadge} from './dom.js';

export const FORMATS = ['auto', 'generic', 'elastic', 'kibana', 'watcher', 'wazuh', 'splunk', 'graylog',
  'grafana', 'elastalert', 'suricata', 'sentinel'];

// JSON pretty-printed for people: a value that fits in `width` characters
// stays on one line ({"source": "scanner-1"}), a larger one is broken up with
// two-space indentation, its parts again on one line when they fit.
export function pretty(v, width = 60, indent = '') {
  const inline = oneLine(v);
  if (inline.length + indent.length <= width || v === null || typeof v !== 'object') return inline;
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return '[\n' + v.map((x) => inner + pretty(x, width, inner)).join(',\n') + '\n' + indent + ']';
  }
  const keys = Object.keys(v);
  if (!keys.length) return '{}';
  return '{\n' + keys.map((k) => inner + JSON.stringify(k) + ': ' + pretty(v[k], width, inner)).join(',\n') + '\n' + indent + '}';
}

function oneLine(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(oneLine).join(', ') + ']';
  return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ': ' + oneLine(v[k])).join(', ') + '}';
}

// Parses a JSON textarea; the error names the field like the server does.
function parseJson(label, text) {
  if (!text.trim()) throw new Error(`${label}: required`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${label}: not valid JSON: ${err.message}`);
  }
}

export async function renderRouting(body) {
  const tbody = h('tbody');
  let rules = [];
  let editing = null;  // the rule being edited, null for a new one

  // --- the form -----------------------------------------------------------
  const formTitle = h('h2#rule-form-title', 'New rule');
  const name = h('input#rule-name', {name: 'name', maxLength: 200, autocomplete: 'off'});
  const position = h('input#rule-position', {name: 'position', type: 'number', step: 1, placeholder: 'after the last rule'});
  const enabled = h('input#rule-enabled', {name: 'enabled', type: 'checkbox', checked: true});
  const when = h('textarea#rule-when.code', {name: 'when', rows: 7, spellcheck: 'false',
    placeholder: '{"all": [{"format": "wazuh"}, {"severity_at_least": "critical"}]}'});
  const then = h('textarea#rule-then.code', {name: 'then', rows: 5, spellcheck: 'false',
    placeholder: '[{"assign_tier": "L2"}, {"promote": true}]'});
  const error = h('p#rule-error.dialog-error', {role: 'alert', hidden: true});
  const save = h('button.primary#rule-save', {type: 'submit'}, 'Create rule');
  const reset = h('button', {type: 'button', on: {click: () => fill(null)}}, 'New rule');
  const form = h('form.rule-form', {novalidate: true},
    formTitle,
    h('div.row2',
      h('label.field.grow', {for: 'rule-name'}, h('span', 'Name *'), name),
      h('label.field', {for: 'rule-position'}, h('span', 'Position'), position),
      h('label.inline.enabled-box', {for: 'rule-enabled'}, enabled, 'Enabled')),
    h('label.field', {for: 'rule-when'}, h('span', 'When (a condition, JSON) *'), when),
    h('label.field', {for: 'rule-then'}, h('span', 'Then (a list of actions, JSON) *'), then),
    h('small.muted', 'Format, conditions and actions: docs/automation.md. Rules run in order (position, then id) on every new alert.'),
    error,
    h('div.actions', save, reset));

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function fill(rule) {
    editing = rule;
    formTitle.textContent = rule ? `Edit rule #${rule.id}` : 'New rule';
    save.textContent = rule ? 'Save rule' : 'Create rule';
    name.value = rule ? rule.name : '';
    position.value = rule ? String(rule.position) : '';
    enabled.checked = rule ? rule.enabled : true;
    when.value = rule ? pretty(rule.when) : '';
    then.value = rule ? pretty(rule.then) : '';
    showError('');
    markEditing();
  }

  // The rule the form describes; throws (with a message for the user) when a
  // field cannot be read. `forDryRun` leaves out what the dry run refuses.
  function formRule(forDryRun) {
    const r = {};
    const n = name.value.trim();
    if (!n && !forDryRun) throw new Error('name: required');
    if (n) r.name = n;
    if (!forDryRun) {
      if (position.value.trim() !== '') {
        const p = Number(position.value);
        if (!Number.isInteger(p)) throw new Error('position: a whole number');
        r.position = p;
      }
      r.enabled = enabled.checked;
    }
    r.when = parseJson('when', when.value);
    r.then = parseJson('then', then.value);
    return r;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let r;
    try { r = formRule(false); } catch (err) { showError(err.message); return; }
    save.disabled = true;
    showError('');
    try {
      const saved = editing ? await patch('/routing-rules/' + editing.id, r) : await post('/routing-rules', r);
      toast(editing ? `Rule #${saved.id} saved` : `Rule #${saved.id} created`);
      await load();
      fill(null);
    } catch (err) {
      // The server's problem detail, verbatim (422 names the bad part, 409 the duplicate name).
      showError(err.message);
    } finally {
      save.disabled = false;
    }
  });

  // --- the list -----------------------------------------------------------
  function markEditing() {
    for (const tr of tbody.querySelectorAll('tr[data-id]')) {
      tr.classList.toggle('editing', !!editing && Number(tr.dataset.id) === editing.id);
    }
  }

  function draw() {
    clear(tbody);
    if (!rules.length) {
      tbody.append(h('tr', h('td.empty', {colSpan: 8}, 'No routing rules: every new alert waits in the queue as it arrived.')));
    }
    for (const r of rules) {
      const toggle = h('input', {type: 'checkbox', checked: r.enabled, 'aria-label': 'Enabled: ' + r.name, on: {change: async (e) => {
        const want = e.target.checked;
        e.target.disabled = true;
        try {
          const updated = await patch('/routing-rules/' + r.id, {enabled: want});
          Object.assign(r, updated);
          e.target.closest('tr').classList.toggle('disabled', !r.enabled);
          toast(`Rule #${r.id} ${want ? 'enabled' : 'disabled'}`);
        } catch (err) {
          e.target.checked = !want;
          toast(err.message, 'error');
        } finally {
          e.target.disabled = false;
        }
      }}});
      const edit = h('button.link', {type: 'button', 'aria-label': 'Edit rule ' + r.id, on: {click: () => {
        fill(r);
        form.scrollIntoView({block: 'nearest'});
        name.focus();
      }}}, 'Edit');
      const remove = h('button.link', {type: 'button', 'aria-label': 'Delete rule ' + r.id, on: {click: () => formDialog({
        title: `Delete rule #${r.id}?`, fields: [], submitLabel: 'Delete',
        intro: `"${r.name}" stops routing new alerts at once. Alerts it already routed keep what it did.`,
        onSubmit: async () => {
          await del('/routing-rules/' + r.id);
          toast(`Rule #${r.id} deleted`);
          if (editing && editing.id === r.id) fill(null);
          await load();
        }})}}, 'Delete');
      tbody.append(h('tr', {dataset: {id: String(r.id)}, class: r.enabled ? '' : 'disabled'},
        h('td.num', String(r.position)), h('td.rule-name', r.name, h('div.dim', '#' + r.id)), h('td', toggle),
        h('td.num', String(r.matches)),
        h('td', {title: fmtTime(r.last_match)}, r.last_match ? timeAgo(r.last_match) : 'never'),
        h('td', h('pre.json', pretty(r.when))), h('td', h('pre.json', pretty(r.then))),
        h('td.nowrap', edit, ' ', remove)));
    }
    markEditing();
  }

  async function load() {
    ({rules} = await get('/routing-rules'));
    if (editing) editing = rules.find((r) => r.id === editing.id) || null;
    draw();
  }

  // --- the dry run --------------------------------------------------------
  const format = h('select#dry-format', {'aria-label': 'Format'}, FORMATS.map((f) => h('option', {value: f}, f)));
  const payload = h('textarea#dry-payload.code', {rows: 9, spellcheck: 'false', 'aria-label': 'Payload',
    placeholder: 'An alert exactly as its sender posts it (samples/ has one per format)'});
  const useSaved = h('input#dry-saved', {type: 'radio', name: 'dry-rules', value: 'saved', checked: true});
  const useForm = h('input#dry-form', {type: 'radio', name: 'dry-rules', value: 'form'});
  const dryError = h('p#dry-error.dialog-error', {role: 'alert', hidden: true});
  const dryOut = h('div#dry-result');
  const run = h('button.primary#dry-run', {type: 'submit'}, 'Dry run');
  const dry = h('form.dry', {novalidate: true},
    h('div.filters', h('label.inline', 'Format ', format),
      h('label.inline', {for: 'dry-saved'}, useSaved, 'saved rules'),
      h('label.inline', {for: 'dry-form'}, useForm, 'the rule in the form')),
    payload, dryError, h('div.actions', run, h('small.muted', 'Nothing is written: no alert, no case, no webhook.')), dryOut);
  dry.addEventListener('submit', async (e) => {
    e.preventDefault();
    dryError.hidden = true;
    clear(dryOut);
    const req = {format: format.value};
    try {
      req.payload = parseJson('payload', payload.value);
      if (useForm.checked) req.rules = [formRule(true)];
    } catch (err) {
      dryError.textContent = err.message;
      dryError.hidden = false;
      return;
    }
    run.disabled = true;
    try {
      const res = await post('/routing-rules/test', req);
      drawDryRun(dryOut, res, useForm.checked);
    } catch (err) {
      dryError.textContent = err.message;
      dryError.hidden = false;
    } finally {
      run.disabled = false;
    }
  });

  body.append(
    h('section.card', h('div.page-head', h('h2', 'Rules in evaluation order'),
      h('button#rule-new', {type: 'button', on: {click: () => { fill(null); name.focus(); }}}, 'New rule')),
    h('table.grid.rules', h('thead', h('tr', h('th.num', 'Pos'), h('th', 'Name'), h('th', 'Enabled'), h('th.num', 'Matches'),
      h('th', 'Last match'), h('th', 'When'), h('th', 'Then'), h('th', ''))), tbody)),
    h('div.cols',
      h('section.card', form),
      h('section.card', h('h2', 'Dry run'), dry)));
  await load();
}

function drawDryRun(out, res, fromForm) {
  clear(out);
  const alerts = res.alerts || [];
  out.append(h('p.muted', `Format ${res.format}: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}.`));
  alerts.forEach((a, i) => {
    const r = a.result || {};
    const matched = a.matched || [];
    const row = (label, value) => h('tr', h('th', label), h('td', value === null || value === undefined || value === '' ? '—' : value));
    out.append(h('table.grid.dry-alert', {dataset: {index: String(i)}},
      h('caption', a.title || '(no title)', h('span.dim', ` · ${a.source_kind}`)),
      h('tbody',
        row('Matched rules', matched.length ? h('ul.plain', matched.map((m) => h('li.matched',
          h('b', m.name), h('span.dim', fromForm || !m.id ? ' (the rule in the form)' : ` #${m.id}`),
          m.actions.length ? h('ol.compact', m.actions.map((x) => h('li', x))) : null))) : 'none'),
        row('Status', h('span', statusBadge(r.status), r.ignore_reason ? h('span.dim', ' ' + r.ignore_reason) : null)),
        row('Severity', sevBadge(r.severity)),
        row('Tags', (r.tags || []).length ? r.tags.map((t) => h('span.tag', t)) : null),
        row('Assignee', r.assignee),
        row('Tier', r.tier ? h('span.tier', r.tier) : null),
        row('Case', r.case),
        row('Notify', (r.notify || []).length ? h('ul.plain', r.notify.map((u) => h('li.mono', u))) : null))));
  });
}
