// DOM building without innerHTML: every piece of text goes through
// textContent / createTextNode, so alert data can never become markup.

// h('div.cls#id', {attrs}, children...) → Element. Children: strings (text),
// Nodes, arrays, null/false (skipped). Attributes named on* are refused: event
// handlers are attached with addEventListener (`on: {click: fn}`).
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'class') {
      for (const c of String(v).split(/\s+/).filter(Boolean)) el.classList.add(c);
    } else if (/^on/i.test(k)) {
      throw new Error('event handler attributes are not allowed: ' + k);
    } else if (k === 'href' && !safeHref(String(v))) {
      el.setAttribute('href', '#');
    } else if (k in el && typeof v !== 'string' && k !== 'list') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Only same-page routes, http(s) and the API's own download paths are links.
export function safeHref(href) {
  return /^(#|\/api\/v1\/|https?:\/\/)/i.test(href);
}

export function sevBadge(sev) {
  return h('span.sev.sev-' + (sev || 'none'), sev || '—');
}

export function statusBadge(status) {
  return h('span.status.st-' + (status || 'none'), (status || '—').replace('_', ' '));
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function timeAgo(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return s + 's ago';
  if (s < 3600) return Math.floor(s / 60) + 'm ago';
  if (s < 86400) return Math.floor(s / 3600) + 'h ago';
  return Math.floor(s / 86400) + 'd ago';
}

// 5400000 → "1h 30m"; negative → "-1h 30m".
export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const mm = Math.floor(s / 60); s -= mm * 60;
  let out;
  if (d) out = `${d}d ${hh}h`;
  else if (hh) out = `${hh}h ${mm}m`;
  else if (mm) out = `${mm}m ${s}s`;
  else out = `${s}s`;
  return (neg ? '-' : '') + out;
}

let toastTimer = null;
export function toast(message, kind = 'info') {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = 'toast toast-' + kind;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, kind === 'error' ? 8000 : 3000);
}

// A modal <dialog> with a form. fields: [{name, label, type: 'text'|'textarea'|
// 'select'|'number'|'password', options, required, value}]. onSubmit(values)
// returns a promise; a rejection's message is shown in the dialog and the
// dialog stays open (the server's 409/422 `detail`).
export function formDialog({title, fields, submitLabel = 'Save', onSubmit, intro}) {
  const error = h('p.dialog-error', {role: 'alert', hidden: true});
  const inputs = {};
  const rows = fields.map((f) => {
    let input;
    const id = 'dlg-' + f.name;
    if (f.type === 'textarea') {
      input = h('textarea', {id, name: f.name, rows: f.rows || 4});
    } else if (f.type === 'select') {
      input = h('select', {id, name: f.name},
        (f.options || []).map((o) => h('option', {value: o.value ?? o}, o.label ?? o)));
    } else {
      input = h('input', {id, name: f.name, type: f.type || 'text'});
    }
    if (f.value !== undefined && f.value !== null) input.value = f.value;
    if (f.required) input.required = true;
    if (f.placeholder) input.placeholder = f.placeholder;
    inputs[f.name] = input;
    return h('label.field', {for: id}, h('span', f.label + (f.required ? ' *' : '')), input,
      f.hint ? h('small.muted', f.hint) : null);
  });
  const submit = h('button.primary', {type: 'submit'}, submitLabel);
  const cancel = h('button', {type: 'button'}, 'Cancel');
  const form = h('form.dialog-form', {method: 'dialog', novalidate: true},
    h('h2', title), intro ? h('p.muted', intro) : null, rows, error, h('div.actions', cancel, submit));
  const dlg = h('dialog.dialog', form);
  document.body.append(dlg);
  const close = () => { dlg.close(); dlg.remove(); };
  cancel.addEventListener('click', close);
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const values = {};
    for (const f of fields) {
      const v = inputs[f.name].value;
      values[f.name] = typeof v === 'string' ? v.trim() : v;
      if (f.required && !values[f.name]) {
        error.textContent = `${f.label} is required.`;
        error.hidden = false;
        inputs[f.name].focus();
        return;
      }
    }
    submit.disabled = true;
    error.hidden = true;
    try {
      await onSubmit(values);
      close();
    } catch (err) {
      error.textContent = err.message || String(err);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  dlg.showModal();
  const first = fields.length ? inputs[fields[0].name] : submit;
  first.focus();
  return dlg;
}
