// The reports dashboard over GET /api/v1/reports/summary.
import {get, qs} from './api.js';
import {h, clear, fmtDuration} from './dom.js';
import {barChart, hbarChart} from './charts.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

export async function renderReports(main) {
  const days = h('select#r-days', {'aria-label': 'Period'}, [7, 30, 90, 365].map((d) => h('option', {value: d}, `last ${d} days`)));
  days.value = '30';
  const body = h('div');
  main.append(h('div.page', h('div.page-head', h('h1', 'Reports'), days), body));
  const load = async () => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(days.value) * 86400000);
    const r = await get('/reports/summary' + qs({from: from.toISOString(), to: to.toISOString(), limit: 10}));
    clear(body).append(...dashboard(r, Number(days.value), from));
  };
  days.addEventListener('change', load);
  await load();
}

function dashboard(r, nDays, from) {
  const totals = Object.fromEntries(r.totals.map((t) => [t.figure, t.value]));
  const kpi = (label, v) => h('div.kpi', h('div.kpi-v', v === null || v === undefined ? '—' : String(v)), h('div.kpi-l', label));
  // Every day of the period, zeros included, so gaps show.
  const byDay = new Map(r.alerts_by_day.map((d) => [d.day, d.count]));
  const volume = [];
  for (let i = 0; i < nDays; i++) {
    const day = new Date(from.getTime() + (i + 1) * 86400000).toISOString().slice(0, 10);
    volume.push({label: day.slice(5), value: byDay.get(day) || 0});
  }
  const sev = SEVERITIES.map((name) => r.cases_by_severity.find((x) => x.severity === name) || {severity: name});
  const hours = (ms) => (ms === null || ms === undefined ? null : ms);
  return [
    h('div.kpis', kpi('alerts', totals.alerts), kpi('deliveries', totals.deliveries),
      kpi('duplicates suppressed', totals.duplicates_suppressed),
      kpi('ignored by rules', totals.alerts_suppressed), kpi('promotion rate %', totals.promotion_rate_pct),
      kpi('cases opened', totals.cases_opened), kpi('resolved', totals.cases_resolved), kpi('closed', totals.cases_closed)),
    h('section.card', h('h2', 'Alert volume by day'), barChart(volume, {label: 'Alerts per day'})),
    h('div.cols',
      h('section.card', h('h2', 'MTTA / MTTR by severity'),
        hbarChart(sev.map((x) => ({label: x.severity, values: [hours(x.mean_ack_ms), hours(x.mean_resolve_ms)]})),
          ['mean time to acknowledge', 'mean time to resolve'], {label: 'MTTA and MTTR', format: fmtDuration})),
      h('section.card', h('h2', 'SLA compliance'),
        hbarChart(sev.map((x) => ({label: x.severity, values: [x.ack_sla_pct ?? null, x.resolve_sla_pct ?? null]})),
          ['acknowledged within SLA %', 'resolved within SLA %'], {label: 'SLA compliance', max: 100, format: (v) => v.toFixed(1) + ' %'}))),
    h('div.cols',
      h('section.card', h('h2', 'Workload'),
        hbarChart(r.analysts.map((a) => ({label: a.login, values: [a.open_assigned, a.resolved]})),
          ['open assigned', 'resolved in period'], {label: 'Workload per analyst'})),
      h('section.card', h('h2', 'Top rules'),
        r.top_rules.length ? h('table.grid', h('tbody', r.top_rules.map((x) => h('tr', h('td', x.rule), h('td.num', String(x.count))))))
          : h('p.muted', 'No alerts in the period.'),
        h('h2', 'Escalations'),
        h('p', r.escalations_to_tier.length ? r.escalations_to_tier.map((e) => `${e.tier}: ${e.count}`).join(' · ') : 'None.'))),
    h('p.dim', 'CSV of any table: ', h('code', '/api/v1/reports/summary?format=csv&table=<name>')),
  ];
}
