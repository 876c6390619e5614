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

async function shot(name, {fullPage = false} = {}) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.evaluate(() => { document.getElementById('toast').hidden = true; });
  await page.screenshot({path: path.join(SHOTS, name), fullPage});
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
    for (const [login, role] of [['ana', 'l1'], ['lee', 'l2'], ['audrey', 'auditor'], ['mona', 'manager']]) {
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

  it('lets a manager write, try and toggle routing rules; routed alerts show what routing did', async () => {
    // The value cell of a dry-run table row, by its exact label.
    const cell = (table, label) => table.locator('tr', {has: page.locator('th', {hasText: new RegExp(`^${label}$`)})}).locator('td');
    // Two rules through the API, so the page lists more than the one made in it.
    for (const rule of [
      {name: 'Scanner alerts to L2', position: 1, when: {source: 'scanner-1'}, then: [{assign_tier: 'L2'}, {assign_user: 'mona'}]},
      {name: 'Critical Elastic to pager', when: {all: [{format: ['elastic', 'kibana']}, {severity_at_least: 'critical'}]},
        then: [{notify: 'http://127.0.0.1:9/pager'}]},
    ]) {
      const r = await api('POST', '/api/v1/routing-rules', rule, admin);
      assert.equal(r.status, 201, r.text);
    }
    await logout();
    await login('mona');
    // The admin navigation links the page.
    await page.click('#nav-admin');
    await page.locator('.tabs').getByRole('link', {name: 'Routing rules'}).click();
    await page.locator('#rule-name').waitFor(WAIT);
    await page.locator('table.rules tbody tr', {hasText: 'Scanner alerts to L2'}).waitFor(WAIT);

    // A bad rule: the server's 422 detail, naming the bad part, next to the form.
    const RULE = 'Known scanner <img src=x onerror=alert(4)>';
    await page.fill('#rule-name', RULE);
    await page.fill('#rule-position', '5');
    await page.fill('#rule-when', '{"all": [{"source": "scanner-1"}, {"severity_at_least": "hgih"}]}');
    await page.fill('#rule-then', '[{"ignore": "known scanner"}]');
    await page.click('#rule-save');
    await page.locator('#rule-error', {hasText: 'when.all[1].severity_at_least: unknown severity'}).waitFor(WAIT);
    // JSON that does not parse is caught before it is sent.
    await page.fill('#rule-when', '{"source": ');
    await page.click('#rule-save');
    await page.locator('#rule-error', {hasText: 'when: not valid JSON'}).waitFor(WAIT);
    await page.fill('#rule-when', '{"source": "scanner-1"}');
    await page.click('#rule-save');
    const row = page.locator('table.rules tbody tr', {hasText: RULE});
    await row.waitFor(WAIT);
    assert.equal(await page.locator('#rule-error').isHidden(), true);
    assert.match(await row.locator('td.rule-name').textContent(), /^Known scanner <img src=x onerror=alert\(4\)>#\d+$/);
    assert.equal(await page.locator('main img').count(), 0, 'the rule name stays text');
    const saved = (await api('GET', '/api/v1/routing-rules', undefined, admin)).json.rules;
    assert.deepEqual(saved.map((r) => r.name), ['Scanner alerts to L2', RULE, 'Critical Elastic to pager']);
    const rule = saved[1];
    assert.deepEqual([rule.position, rule.enabled, rule.when, rule.then],
      [5, true, {source: 'scanner-1'}, [{ignore: 'known scanner'}]]);
    // The same name again: the 409 detail.
    await page.fill('#rule-name', RULE);
    await page.fill('#rule-when', '{"all": []}');
    await page.fill('#rule-then', '[{"add_tags": "x"}]');
    await page.click('#rule-save');
    await page.locator('#rule-error', {hasText: 'exists (id ' + rule.id + ')'}).waitFor(WAIT);

    // The enabled toggle PATCHes the rule.
    await row.getByRole('checkbox').uncheck();
    await page.locator('#toast', {hasText: `Rule #${rule.id} disabled`}).waitFor(WAIT);
    assert.equal((await api('GET', '/api/v1/routing-rules/' + rule.id, undefined, admin)).json.enabled, false);
    await row.getByRole('checkbox').check();
    await page.locator('#toast', {hasText: `Rule #${rule.id} enabled`}).waitFor(WAIT);
    assert.equal((await api('GET', '/api/v1/routing-rules/' + rule.id, undefined, admin)).json.enabled, true);

    // Dry run of the rule in the form (edited, not saved): it does not match scanner-1.
    await page.getByRole('button', {name: 'Edit rule ' + rule.id}).click();
    assert.equal(await page.locator('#rule-form-title').textContent(), `Edit rule #${rule.id}`);
    assert.equal(await page.inputValue('#rule-name'), RULE);
    await page.fill('#rule-when', '{"source": "scanner-2"}');
    const sample = {source: 'scanner-1', source_ref: 'sweep-1', title: 'Port sweep of 10.0.5.0/24 <script>alert(5)</script>',
      severity: 'low', observables: [{type: 'ip', value: '10.0.5.20'}]};
    await page.selectOption('#dry-format', 'generic');
    await page.fill('#dry-payload', JSON.stringify(sample, null, 2));
    await page.check('#dry-form');
    await page.click('#dry-run');
    let result = page.locator('#dry-result table.dry-alert');
    await result.waitFor(WAIT);
    assert.match(await result.locator('caption').textContent(), /^Port sweep of 10\.0\.5\.0\/24 <script>alert\(5\)<\/script> · generic$/);
    assert.equal(await cell(result, 'Matched rules').textContent(), 'none');
    assert.equal(await cell(result, 'Status').textContent(), 'new');
    // The saved rules: both scanner rules match; the alert would be ignored, at L2, for mona.
    await page.click('#rule-new');
    assert.equal(await page.inputValue('#rule-when'), '');
    await page.check('#dry-saved');
    await page.click('#dry-run');
    result = page.locator('#dry-result table.dry-alert');
    await result.locator('li.matched', {hasText: RULE}).waitFor(WAIT);
    const matched = await result.locator('li.matched').allTextContents();
    assert.equal(matched.length, 2);
    assert.match(matched[0], /^Scanner alerts to L2 #\d+assign to tier L2assign to mona$/);
    assert.equal(matched[1], `${RULE} #${rule.id}ignore: known scanner`);
    assert.equal(await cell(result, 'Status').textContent(), 'ignored known scanner');
    assert.equal(await cell(result, 'Severity').textContent(), 'low');
    assert.equal(await cell(result, 'Assignee').textContent(), 'mona');
    assert.equal(await cell(result, 'Tier').textContent(), 'L2');
    assert.equal(await cell(result, 'Case').textContent(), '—');
    assert.equal(await page.locator('main img, main script').count(), 0);
    // A payload no format understands: the server's detail in the panel.
    await page.selectOption('#dry-format', 'wazuh');
    await page.click('#dry-run');
    await page.locator('#dry-error').waitFor(WAIT);
    assert.ok((await page.locator('#dry-error').textContent()).length > 0);
    await page.selectOption('#dry-format', 'generic');
    await page.click('#dry-run');
    await result.locator('li.matched', {hasText: RULE}).waitFor(WAIT);
    await page.evaluate(() => { document.getElementById('dry-payload').scrollTop = 0; window.scrollTo(0, 0); });
    await shot('routing.png', {fullPage: true});

    // Delete, confirmed in a dialog.
    const pager = saved[2];
    await page.getByRole('button', {name: 'Delete rule ' + pager.id}).click();
    await page.locator('dialog h2', {hasText: `Delete rule #${pager.id}?`}).waitFor(WAIT);
    await page.click('dialog .actions button.primary');
    await page.locator('table.rules tbody tr', {hasText: 'Critical Elastic to pager'}).waitFor({state: 'detached', ...WAIT});
    assert.equal((await api('GET', '/api/v1/routing-rules/' + pager.id, undefined, admin)).status, 404);

    // The real thing: an alert from scanner-1, posted by API key, is ignored by the rule.
    const id = await ingest(sample);
    await page.goto(BASE + '/#/alerts/' + id);
    await page.locator('#alert-ignored').waitFor(WAIT);
    assert.equal(await page.locator('.page-head .status').textContent(), 'ignored');
    assert.equal(await page.locator('#ignore-reason').textContent(), 'known scanner');
    assert.equal(await page.locator('#alert-ignored').textContent(), `Ignored: known scanner — suppressed by rule #${rule.id}`);
    assert.equal(await page.locator('#suppressed-by').getAttribute('href'), '#/admin/routing');
    const kv = await page.locator('dl.kv').textContent();
    assert.match(kv, /Assigneemona/);
    assert.match(kv, /TierL2/);
    assert.equal(await page.locator('h1.alert-title').textContent(), sample.title);
    // In the queue (status Ignored), the reason is the row's title.
    await page.goto(BASE + '/#/alerts');
    await page.selectOption('#f-status', 'ignored');
    const qrow = page.locator(`table.queue tbody tr[data-id="${id}"]`);
    await qrow.waitFor(WAIT);
    assert.equal(await qrow.getAttribute('title'), `Ignored: known scanner (rule #${rule.id})`);
    await page.selectOption('#f-status', 'new,updated');
    await page.locator(`table.queue tbody tr[data-id="${id}"]`).waitFor({state: 'detached', ...WAIT});
  });

  it('does not show the routing page to an L1 analyst, and the server refuses the rules to her', async () => {
    await logout();
    await login('ana');
    assert.equal(await page.locator('#nav-admin').isHidden(), true);
    await page.goto(BASE + '/#/admin/routing');
    await page.locator('.tabs').waitFor(WAIT);
    assert.equal(await page.getByRole('link', {name: 'Routing rules'}).count(), 0);
    assert.equal(await page.locator('#rule-name, #dry-run, table.rules').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/routing-rules', {credentials: 'same-origin'})).status);
    assert.equal(status, 403);
  });

  it('fired no dialog, no page error and no external request', () => {
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
  });
});
