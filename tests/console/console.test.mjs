// End-to-end tests of the web console in a real headless browser: Debian's
// chromium driven by playwright-core, against the real binary started by
// run.sh. Steps run in order and share the browser and the data they create.
import {describe, it, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const BASE = process.env.WF_URL;
const ADMIN_PASSWORD = process.env.WF_ADMIN_PASSWORD;
const SHOTS = process.env.WF_SCREENSHOT_DIR || '';
const PASSWORD = 'console-test-password-1';
const XSS = '<img src=x onerror=alert(1)>';
const WAIT = {timeout: 15000};

let context;
let page;
let admin;      // admin's bearer token
let ingestKey;
let caseNumber;
const dialogs = [];      // JavaScript dialogs (alert/confirm) that fired: must stay empty
const pageErrors = [];   // uncaught exceptions in the page

async function api(method, p, body, token, headers = {}) {
  const res = await fetch(BASE + p, {
    method,
    headers: {'Content-Type': 'application/json', ...(token ? {Authorization: 'Bearer ' + token} : {}), ...headers},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
  return {status: res.status, json, text, headers: res.headers};
}

async function ingest(alert) {
  const r = await api('POST', '/api/v1/ingest/generic', alert, ingestKey);
  assert.ok(r.status === 201 || r.status === 200, r.text);
  return r.json.results[0].id;
}

async function login(user) {
  await page.goto(BASE + '/#/alerts');
  await page.locator('#login-user').waitFor(WAIT);
  await page.fill('#login-user', user);
  await page.fill('#login-password', PASSWORD);
  await page.click('form.login button[type=submit]');
  await page.locator('#whoami').getByText(user).waitFor(WAIT);
}

async function logout() {
  await page.click('#logout');
  await page.locator('#login-user').waitFor(WAIT);
}

async function shot(name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.evaluate(() => { document.getElementById('toast').hidden = true; });
  await page.screenshot({path: path.join(SHOTS, name)});
}

const SEED = [
  {source: 'elastic-prod', source_ref: 'seed-1', rule_name: 'Malware Detected on Host', title: 'Emotet dropper quarantined on wks-0142',
   severity: 'critical', tags: ['malware', 'attack.t1204'], observables: [{type: 'hostname', value: 'wks-0142'}, {type: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e', ioc: true}]},
  {source: 'graylog-01', source_ref: 'seed-2', rule_name: 'Impossible travel', title: 'Impossible travel for j.doe (Berlin → São Paulo in 40 min)',
   severity: 'medium', tags: ['identity'], observables: [{type: 'user', value: 'j.doe'}, {type: 'ip', value: '198.51.100.23'}]},
  {source: 'suricata-edge', source_ref: 'seed-3', rule_name: 'ET SCAN Nmap Scripting Engine', title: 'Nmap NSE scan from guest Wi-Fi',
   severity: 'low', tags: ['scan'], observables: [{type: 'ip', value: '10.20.30.40'}]},
  {source: 'm365-defender', source_ref: 'seed-4', rule_name: 'User reported phishing', title: 'User-reported phishing: Invoice 4471 overdue',
   severity: 'medium', tags: ['phishing', 'email'], observables: [{type: 'mail', value: 'billing@examp1e-invoices.com'}, {type: 'domain', value: 'examp1e-invoices.com'}]},
];

describe('web console', () => {
  before(async () => {
    const r = await api('POST', '/api/v1/auth/login', {login: 'admin', password: ADMIN_PASSWORD});
    assert.equal(r.status, 200, r.text);
    admin = r.json.token;
    const k = await api('POST', '/api/v1/api-keys', {name: 'console-test-siem', scopes: ['ingest']}, admin);
    assert.equal(k.status, 201, k.text);
    ingestKey = k.json.key;
    for (const [login, role] of [['ana', 'l1'], ['lee', 'l2'], ['audrey', 'auditor']]) {
      const u = await api('POST', '/api/v1/users', {login, name: login[0].toUpperCase() + login.slice(1), role, password: PASSWORD}, admin);
      assert.equal(u.status, 201, u.text);
    }
    for (const a of SEED) await ingest(a);
    await ingest(SEED[1]);  // a second occurrence: the queue shows ×2

    context = await chromium.launchPersistentContext(process.env.WF_PROFILE_DIR, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: {width: 1440, height: 860},
    });
    page = context.pages()[0] || await context.newPage();
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // Offline: any request that leaves the server (CDN, fonts) fails the test.
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith(BASE)) return route.continue();
      pageErrors.push('external request: ' + route.request().url());
      return route.abort();
    });
  });

  after(async () => {
    if (context) await context.close();
  });

  it('serves / with the strict CSP and security headers', async () => {
    const r = await fetch(BASE + '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-security-policy'),
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  });

  it('logs in with an HttpOnly cookie, not localStorage', async () => {
    await page.goto(BASE + '/');
    await page.fill('#login-user', 'ana');
    await page.fill('#login-password', 'wrong-password-123');
    await page.click('form.login button[type=submit]');
    await page.getByText('Wrong login or password.').waitFor(WAIT);
    await login('ana');
    const cookies = await context.cookies(BASE);
    const session = cookies.find((c) => c.name === 'wf_session');
    assert.ok(session, 'wf_session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('wf_session')), false);
    assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
  });

  it('shows an alert posted by API key without a reload, and the XSS title stays text', async () => {
    await page.locator('table.queue').getByText('Nmap NSE scan from guest Wi-Fi').waitFor(WAIT);
    await page.evaluate(() => { window.__notReloaded = true; });
    await ingest({source: 'attacker-controlled', source_ref: 'xss-1', title: XSS, description: '<script>alert(2)</script>',
      severity: 'high', observables: [{type: 'ip', value: '203.0.113.99'}]});
    await ingest(JSON.parse(fs.readFileSync(new URL('../../samples/generic/brute-force.json', import.meta.url))));
    await page.locator('table.queue').getByText('SSH brute force against bastion-01').waitFor(WAIT);
    const xssCell = page.locator('table.queue td.title', {hasText: XSS});
    await xssCell.waitFor(WAIT);
    assert.equal(await xssCell.textContent(), XSS);
    assert.equal(await page.locator('table.queue img').count(), 0);
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'live refresh, not a page load');
    assert.ok(await page.locator('table.queue .occ', {hasText: '×2'}).count() >= 1, 'occurrence count shown');
    // Newest first: the brute force alert is on top and focused.
    assert.match(await page.locator('table.queue tbody tr').first().textContent(), /SSH brute force/);
    await shot('queue.png');
    // The alert page renders the payload as text, too.
    await page.locator('table.queue td.title a', {hasText: XSS}).click();
    await page.locator('h1.alert-title').waitFor(WAIT);
    assert.equal(await page.locator('h1.alert-title').textContent(), XSS);
    assert.match(await page.locator('pre.raw').textContent(), /onerror=alert\(1\)/);
    assert.equal(await page.locator('main img').count(), 0);
    await page.goBack();
    await page.locator('table.queue').waitFor(WAIT);
    assert.deepEqual(dialogs, []);
  });

  it('keeps the selection across live refreshes and promotes with the keyboard', async () => {
    await page.locator('table.queue tbody tr.focused', {hasText: 'SSH brute force'}).waitFor(WAIT);
    await page.keyboard.press('j');   // down to the XSS alert
    await page.keyboard.press('k');   // back up
    await page.keyboard.press('x');   // select the brute force alert
    await page.locator('table.queue tbody tr.selected', {hasText: 'SSH brute force'}).waitFor(WAIT);
    // A new alert arrives; the selection survives the refresh that shows it.
    await ingest({source: 'wazuh-manager-01', source_ref: 'late-1', title: 'Late arrival', severity: 'low'});
    await page.locator('table.queue').getByText('Late arrival').waitFor(WAIT);
    assert.equal(await page.locator('table.queue tbody tr.selected').count(), 1);
    assert.match(await page.locator('table.queue tbody tr.selected').textContent(), /SSH brute force/);
    await page.keyboard.press('p');
    const link = page.locator('.notice a');
    await link.waitFor(WAIT);
    caseNumber = (await link.textContent()).trim();
    assert.match(caseNumber, /^SOC-\d{4}-001$/);
    await link.click();
    await page.locator('.casenum', {hasText: caseNumber}).waitFor(WAIT);
  });

  it('adds a task, a Markdown comment and evidence to the case', async () => {
    await page.fill('#task-title', 'Block 203.0.113.7 at the edge firewall');
    await page.click('form.inline-form:has(#task-title) button');
    await page.locator('.task-title', {hasText: 'Block 203.0.113.7'}).waitFor(WAIT);
    await page.fill('#comment-body', '**Confirmed** brute force from a known scanner.\n\n- 23 failures\n- no success\n\n[runbook](javascript:alert(3)) <b>raw</b>');
    await page.click('form.comment button[type=submit]');
    const comment = page.locator('.ev-comment .md').first();
    await comment.waitFor(WAIT);
    assert.equal(await comment.locator('strong').textContent(), 'Confirmed');
    assert.equal(await comment.locator('li').count(), 2);
    assert.equal(await comment.locator('a').count(), 0, 'javascript: links are not links');
    assert.equal(await comment.locator('b').count(), 0, 'raw HTML stays text');
    assert.match(await comment.textContent(), /<b>raw<\/b>/);
    // Evidence upload with a progress bar, then a download link.
    await page.setInputFiles('#evidence-file', {name: 'auth.log', mimeType: 'text/plain', buffer: Buffer.from('Failed password for root from 203.0.113.7\n'.repeat(2000))});
    await page.click('form.inline-form:has(#evidence-file) button');
    const download = page.locator('a[download="auth.log"]');
    await download.waitFor(WAIT);
    assert.match(await download.getAttribute('href'), /^\/api\/v1\/attachments\/[0-9a-f]{64}$/);
  });

  it('escalates only with a reason and shows the tier change', async () => {
    await page.click('#btn-escalate');
    await page.click('dialog .actions button.primary');
    await page.locator('dialog .dialog-error', {hasText: 'Reason is required'}).waitFor(WAIT);
    await page.fill('dialog #dlg-reason', 'Attacker IP also hit the VPN gateway; needs L2 containment.');
    await page.click('dialog .actions button.primary');
    await page.locator('.case-head .status', {hasText: 'escalated'}).waitFor(WAIT);
    assert.equal(await page.locator('.case-head .tier').textContent(), 'L2');
    await page.locator('.ev-escalated', {hasText: 'needs L2 containment'}).waitFor(WAIT);
    // Ana (L1) no longer works the case: no comment box, no resolve.
    assert.equal(await page.locator('#comment-body').count(), 0);
  });

  it('lets L2 take it, shows the server\'s 409 and 422, resolves with a root cause and closes', async () => {
    await logout();
    await login('lee');
    await page.goto(BASE + '/#/cases/' + caseNumber);
    await page.locator('.casenum', {hasText: caseNumber}).waitFor(WAIT);
    await page.getByRole('button', {name: 'Take'}).click();
    await page.locator('.case-head .status', {hasText: 'in progress'}).waitFor(WAIT);
    await page.click('#btn-resolve');
    await page.selectOption('dialog #dlg-resolution', 'true_positive');
    await page.fill('dialog #dlg-resolution_notes', 'Source blocked at the edge; root password login disabled.');
    await page.click('dialog .actions button.primary');
    await page.locator('dialog .dialog-error', {hasText: 'root cause'}).waitFor(WAIT);
    await page.fill('dialog #dlg-root_cause', 'sshd on bastion-01 allowed password logins for root from the internet.');
    await page.click('dialog .actions button.primary');
    // The open task blocks resolution: the server's 409 detail is shown in the dialog.
    await page.locator('dialog .dialog-error', {hasText: 'complete or cancel the open tasks first'}).waitFor(WAIT);
    await page.click('dialog .actions button:not(.primary)');
    const task = page.locator('li.task', {hasText: 'Block 203.0.113.7'});
    await task.locator('select').selectOption('completed');
    await page.locator('li.task-completed', {hasText: 'Block 203.0.113.7'}).waitFor(WAIT);
    await page.click('#btn-resolve');
    await page.selectOption('dialog #dlg-resolution', 'true_positive');
    await page.fill('dialog #dlg-resolution_notes', 'Source blocked at the edge; root password login disabled.');
    await page.fill('dialog #dlg-root_cause', 'sshd on bastion-01 allowed password logins for root from the internet.');
    await page.click('dialog .actions button.primary');
    await page.locator('.case-head .status', {hasText: 'resolved'}).waitFor(WAIT);
    await page.locator('.resolution', {hasText: 'sshd on bastion-01'}).waitFor(WAIT);
    await shot('case.png');
    await page.click('#btn-close');
    await page.click('dialog .actions button.primary');
    await page.locator('.case-head .status', {hasText: 'closed'}).waitFor(WAIT);
    const c = await api('GET', '/api/v1/cases/' + caseNumber, undefined, admin);
    assert.equal(c.json.status, 'closed');
    assert.equal(c.json.resolution, 'true_positive');
  });

  it('hides triage buttons from an auditor, and the server refuses the call anyway', async () => {
    await logout();
    await login('audrey');
    await page.locator('table.queue').getByText('Late arrival').waitFor(WAIT);
    assert.equal(await page.getByRole('button', {name: /Promote/}).count(), 0);
    assert.equal(await page.getByRole('button', {name: /Ignore/}).count(), 0);
    assert.equal(await page.locator('table.queue input[type=checkbox]').count(), 0);
    const ids = (await api('GET', '/api/v1/alerts?status=new', undefined, admin)).json.alerts.map((a) => a.id);
    const status = await page.evaluate(async (body) => {
      const r = await fetch('/api/v1/alerts/bulk', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-Watchfloor-CSRF': '1'}, body: JSON.stringify(body)});
      return r.status;
    }, {ids, action: 'ignore'});
    assert.equal(status, 403);
    const after = (await api('GET', '/api/v1/alerts?status=new', undefined, admin)).json.alerts.map((a) => a.id);
    assert.deepEqual(after, ids, 'nothing changed');
    // And the cookie without the CSRF header is refused even for a role that may triage.
    await logout();
    await login('ana');
    const noCsrf = await page.evaluate(async (body) => (await fetch('/api/v1/alerts/bulk', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})).status, {ids, action: 'ignore'});
    assert.equal(noCsrf, 403);
  });

  it('renders the reports dashboard and the admin audit trail', async () => {
    await logout();
    await page.goto(BASE + '/');
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', ADMIN_PASSWORD);
    await page.click('form.login button[type=submit]');
    await page.locator('#whoami').getByText('admin').waitFor(WAIT);
    await page.goto(BASE + '/#/reports');
    await page.locator('svg.chart').first().waitFor(WAIT);
    assert.ok(await page.locator('svg.chart rect.bar').count() > 0);
    await shot('reports.png');
    await page.goto(BASE + '/#/admin/audit');
    await page.click('#audit-verify');
    await page.locator('.verify .ok', {hasText: 'chain intact'}).waitFor(WAIT);
    await page.goto(BASE + '/#/admin/keys');
    await page.getByRole('button', {name: 'New API key'}).click();
    await page.fill('dialog #dlg-name', 'shown-once');
    await page.click('dialog .actions button.primary');
    await page.locator('#new-key').waitFor(WAIT);
    assert.match(await page.locator('#new-key').textContent(), /^wfk_/);
  });

  it('fired no dialog, no page error and no external request', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
  });
});
