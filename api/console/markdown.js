// A small, safe Markdown renderer for comments: it builds DOM nodes from text
// (never HTML strings), so anything not in the subset stays literal text.
// Subset: paragraphs, line breaks, **bold**, *em* / _em_, `code`, fenced code
// blocks, "- " / "* " / "1. " lists, and [links](https://…) with only
// http(s) targets (rel="noopener noreferrer", opened in a new tab).
import {h} from './dom.js';

export function renderMarkdown(text) {
  const root = h('div.md');
  const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      const code = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
      i++;  // the closing fence (or the end)
      root.append(h('pre', h('code', code.join('\n'))));
      continue;
    }
    if (/^\s*$/.test(line)) { i++; continue; }
    const bullet = /^\s*[-*]\s+(.*)$/;
    const numbered = /^\s*\d+[.)]\s+(.*)$/;
    if (bullet.test(line) || numbered.test(line)) {
      const ordered = numbered.test(line) && !bullet.test(line);
      const re = ordered ? numbered : bullet;
      const list = h(ordered ? 'ol' : 'ul');
      while (i < lines.length && re.test(lines[i])) {
        list.append(h('li', inline(re.exec(lines[i])[1])));
        i++;
      }
      root.append(list);
      continue;
    }
    const para = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]) && !/^\s*```/.test(lines[i]) &&
           !(para.length && (bullet.test(lines[i]) || numbered.test(lines[i])))) {
      para.push(lines[i++]);
    }
    const p = h('p');
    para.forEach((l, n) => {
      if (n) p.append(h('br'));
      p.append(...inline(l));
    });
    root.append(p);
  }
  return root;
}

// Inline spans, left to right: the earliest match of any rule wins.
const RULES = [
  {re: /`([^`]+)`/, make: (m) => h('code', m[1])},
  {re: /\*\*([^*]+)\*\*/, make: (m) => h('strong', inline(m[1]))},
  {re: /\*([^*\s][^*]*)\*/, make: (m) => h('em', inline(m[1]))},
  {re: /\b_([^_\s][^_]*)_\b/, make: (m) => h('em', inline(m[1]))},
  {re: /\[([^\]]+)\]\(([^)\s]+)\)/, make: (m) => link(m[1], m[2], m[0])},
];

function link(label, href, raw) {
  if (!/^https?:\/\//i.test(href)) return document.createTextNode(raw);
  return h('a', {href, rel: 'noopener noreferrer', target: '_blank'}, label);
}

function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    let best = null;
    for (const rule of RULES) {
      const m = rule.re.exec(rest);
      if (m && (!best || m.index < best.m.index)) best = {m, rule};
    }
    if (!best) { out.push(document.createTextNode(rest)); break; }
    if (best.m.index) out.push(document.createTextNode(rest.slice(0, best.m.index)));
    out.push(best.rule.make(best.m));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
  return out;
}
