// Hand-written SVG charts (no library): built with createElementNS and
// textContent, so labels from alert data stay text.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

function svg(w, hgt, label) {
  return s('svg', {viewBox: `0 0 ${w} ${hgt}`, class: 'chart', role: 'img', 'aria-label': label, preserveAspectRatio: 'xMinYMin meet'});
}

// Vertical bars: [{label, value}].
export function barChart(data, {label = 'chart', format = (v) => String(v)} = {}) {
  const W = 1200, H = 170, L = 36, B = 24, T = 12;
  const root = svg(W, H, label);
  const max = Math.max(1, ...data.map((d) => d.value || 0));
  const bw = (W - L - 8) / Math.max(1, data.length);
  root.append(s('line', {x1: L, y1: H - B, x2: W - 4, y2: H - B, class: 'axis'}));
  root.append(s('text', {x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end'}, format(max)));
  root.append(s('text', {x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end'}, '0'));
  const every = Math.ceil(data.length / 12);
  data.forEach((d, i) => {
    const bh = ((d.value || 0) / max) * (H - B - T);
    const x = L + i * bw + 1;
    const rect = s('rect', {x, y: H - B - bh, width: Math.max(1, bw - 2), height: bh, class: 'bar'});
    rect.append(s('title', {}, `${d.label}: ${format(d.value)}`));
    root.append(rect);
    if (i % every === 0) root.append(s('text', {x: x + bw / 2, y: H - B + 14, class: 'tick', 'text-anchor': 'middle'}, d.label));
  });
  if (!data.length) root.append(s('text', {x: W / 2, y: H / 2, class: 'empty', 'text-anchor': 'middle'}, 'no data in the period'));
  return root;
}

// Horizontal grouped bars: rows [{label, values: [v1, v2]}], series names.
export function hbarChart(rows, series, {label = 'chart', format = (v) => String(v), max: fixedMax} = {}) {
  const W = 640, L = 110, R = 70, rowH = 16 * series.length + 10, T = 22;
  const H = T + Math.max(1, rows.length) * rowH + 4;
  const root = svg(W, H, label);
  const max = fixedMax || Math.max(1, ...rows.flatMap((r) => r.values.map((v) => v || 0)));
  series.forEach((name, k) => {
    root.append(s('rect', {x: L + k * 210, y: 4, width: 10, height: 10, class: 'bar s' + k}));
    root.append(s('text', {x: L + k * 210 + 14, y: 13, class: 'tick'}, name));
  });
  rows.forEach((r, i) => {
    const y0 = T + i * rowH;
    root.append(s('text', {x: L - 6, y: y0 + rowH / 2 + 2, class: 'label', 'text-anchor': 'end'}, r.label));
    r.values.forEach((v, k) => {
      const w = v === null || v === undefined ? 0 : (v / max) * (W - L - R);
      const y = y0 + k * 16;
      root.append(s('rect', {x: L, y, width: Math.max(v ? 1 : 0, w), height: 13, class: 'bar s' + k}));
      root.append(s('text', {x: L + w + 4, y: y + 11, class: 'tick'}, v === null || v === undefined ? '—' : format(v)));
    });
  });
  if (!rows.length) root.append(s('text', {x: W / 2, y: T + 14, class: 'empty', 'text-anchor': 'middle'}, 'no data in the period'));
  return root;
}
