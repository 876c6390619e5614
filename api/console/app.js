// Watchfloor web console: bootstrap, session and hash routing.
// Pages render into <main>; each returns an optional cleanup function that
// stops its polling and keyboard handlers when the route changes.
import {get, post, setUnauthorizedHandler, ApiError} from './api.js';
import {h, clear, toast} from './dom.js';
import {can} from './roles.js';
import {renderQueue, renderAlert} from './alerts.js';
import {renderCaseList, renderCase} from './cases.js';
import {renderObservable, renderLookup} from './observables.js';
import {renderReports} from './reports.js';
import {renderAdmin} from './admin.js';

const main = document.getElementById('main');
const state = {me: null, cleanup: null};

const ROUTES = [
  [/^\/alerts$/, (p) => renderQueue(main, state.me)],
  [/^\/alerts\/(\d+)$/, (m) => renderAlert(main, state.me, m[1])],
  [/^\/cases$/, () => renderCaseList(main, state.me)],
  [/^\/cases\/([\w-]+)$/, (m) => renderCase(main, state.me, m[1])],
  [/^\/observables\/(\d+)$/, (m) => renderObservable(main, state.me, m[1])],
  [/^\/lookup\/(.+)$/, (m) => renderLookup(main, state.me, decodeURIComponent(m[1]))],
  [/^\/reports$/, () => renderReports(main, state.me)],
  [/^\/admin(?:\/(\w+))?$/, (m) => renderAdmin(main, state.me, m[1] || 'users')],
];

function currentPath() {
  const hash = location.hash.replace(/^#/, '');
  return hash || '/alerts';
}

async function route() {
  if (state.cleanup) { try { state.cleanup(); } catch (_) { /* page gone */ } state.cleanup = null; }
  if (!state.me) return renderLogin();
  const path = currentPath();
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', path.startsWith('/' + a.dataset.nav));
  }
  for (const [re, render] of ROUTES) {
    const m = re.exec(path);
    if (m) {
      clear(main);
      try {
        state.cleanup = (await render(m)) || null;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) {
          clear(main).append(h('div.pad', h('h1', 'Something went wrong'), h('p.error', err.message)));
        }
      }
      return;
    }
  }
  clear(main).append(h('div.pad', h('h1', 'Not found'), h('p', 'No page at ', h('code', path), '.')));
}

function showChrome() {
  const top = document.getElementById('top');
  top.hidden = !state.me;
  if (!state.me) return;
  const u = state.me.user;
  document.getElementById('whoami').textContent = `${u.name || u.login} · ${u.role}`;
  document.getElementById('nav-admin').hidden = !(can(state.me, 'users') || can(state.me, 'workflow') || can(state.me, 'audit'));
}

function renderLogin(message) {
  showChrome();
  const login = h('input#login-user', {name: 'login', autocomplete: 'username', required: true});
  const password = h('input#login-password', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const error = h('p.error', {role: 'alert', hidden: !message}, message || '');
  const button = h('button.primary', {type: 'submit'}, 'Log in');
  const form = h('form.login', {autocomplete: 'on'},
    h('h1', 'Watchfloor'),
    h('label.field', {for: 'login-user'}, h('span', 'Login'), login),
    h('label.field', {for: 'login-password'}, h('span', 'Password'), password),
    error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      await post('/auth/login', {login: login.value.trim(), password: password.value, cookie: true});
      password.value = '';
      await loadMe();
      route();
    } catch (err) {
      error.textContent = err.status === 401 ? 'Wrong login or password.' : err.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  clear(main).append(h('div.login-wrap', form));
  login.focus();
}

async function loadMe() {
  try {
    const me = await get('/me', {quiet401: true});
    state.me = me.kind === 'user' ? me : null;
  } catch (err) {
    state.me = null;
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  showChrome();
}

setUnauthorizedHandler(() => {
  if (!state.me) return;
  state.me = null;
  if (state.cleanup) { state.cleanup(); state.cleanup = null; }
  renderLogin('Your session ended; log in again.');
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await post('/auth/logout'); } catch (_) { /* the cookie is cleared either way */ }
  state.me = null;
  if (state.cleanup) { state.cleanup(); state.cleanup = null; }
  renderLogin();
});

document.getElementById('lookup').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('lookup-value');
  const v = input.value.trim();
  if (v) location.hash = '#/lookup/' + encodeURIComponent(v);
  input.blur();
});

// "/" focuses the lookup box, "g a" / "g c" / "g r" jump between pages.
let pendingG = false;
document.addEventListener('keydown', (e) => {
  if (!state.me || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest('input, textarea, select, dialog')) return;
  if (e.key === '/') { e.preventDefault(); document.getElementById('lookup-value').focus(); return; }
  if (pendingG) {
    pendingG = false;
    const to = {a: '#/alerts', c: '#/cases', r: '#/reports', d: '#/admin'}[e.key];
    if (to) { e.preventDefault(); location.hash = to; }
    return;
  }
  if (e.key === 'g') { pendingG = true; setTimeout(() => { pendingG = false; }, 1000); }
});

window.addEventListener('hashchange', route);

(async () => {
  try {
    await loadMe();
  } catch (err) {
    toast(err.message, 'error');
  }
  route();
})();
