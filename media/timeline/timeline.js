// The expiry timeline and expiry table webview. It draws the model the extension host sends
// (src/core/render/timeline.ts) and reports what the user did (src/features/timeline/protocol.ts);
// it decides nothing about certificates. Rows are virtualised: only those in view (plus a margin)
// exist in the DOM, so 10,000 certificates scroll as smoothly as ten. Text from certificates is only
// ever set through textContent/title, never parsed as HTML.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const ROW = 26;
  const OVERSCAN = 8;
  const DAY = 86400000;
  const ZOOMS = [['week', 'Week', 7 * DAY], ['quarter', 'Quarter', 91 * DAY], ['year', 'Year', 365 * DAY], ['all', 'All', 0]];
  const STATES = ['expired', 'expiring', 'not-yet-valid', 'valid'];
  const STATE_TEXT = { valid: 'valid', expiring: 'expiring', expired: 'expired', 'not-yet-valid': 'not yet valid' };
  // A shape per state as well as a colour (colour-blind safe; the bars carry a pattern too).
  const GLYPH = { valid: '●', expiring: '▲', expired: '✖', 'not-yet-valid': '◌' };
  const COLUMNS = [
    ['name', 'CERTIFICATE'], ['expires', 'EXPIRES'], ['residual', 'RESIDUAL TIME'], ['authority', 'CERTIFICATE AUTHORITY'], ['externallyManaged', 'EXTERNALLY MANAGED'],
  ];

  const saved = vscode.getState() || {};
  const ui = {
    /** @type {any} */ model: null,
    view: saved.view === 'table' ? 'table' : 'timeline',
    zoom: saved.zoom || 'year',
    filter: Object.assign({ state: 'all', ca: '', folder: '', text: '' }, saved.filter || {}),
    sort: saved.sort || { key: 'expires', dir: 1 },
    /** Rows shown now: { row, context } (context: an ancestor CA kept for orientation, not matching the filter). */
    /** @type {{row: any, context: boolean}[]} */ shown: [],
    selected: -1,
    selectedId: '',
    /** A model has arrived: later ones keep the view the user chose. */
    seen: false,
  };

  // ------------------------------------------------------------------ DOM scaffolding

  /** @param {string} tag @param {Record<string, any>} [props] @param {(Node|string)[]} [children] */
  function h(tag, props, children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) { continue; }
      if (k === 'className') { el.className = v; } else if (k === 'text') { el.textContent = v; } else if (k.startsWith('on')) { el.addEventListener(k.slice(2), v); } else { el.setAttribute(k, v === true ? '' : String(v)); }
    }
    for (const c of children || []) { el.append(c); }
    return el;
  }

  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  const status = h('div', { id: 'status', role: 'status', 'aria-live': 'polite', className: 'status' });
  const dropdown = (id, label, onChange) => {
    const s = /** @type {HTMLSelectElement} */ (h('select', { id, onchange: () => onChange(s.value) }));
    return { el: h('label', { className: 'field' }, [label, s]), select: s };
  };
  const stateSel = dropdown('f-state', 'State', v => { ui.filter.state = v; refilter(); });
  const caSel = dropdown('f-ca', 'CA', v => { ui.filter.ca = v; refilter(); });
  const folderSel = dropdown('f-folder', 'Folder', v => { ui.filter.folder = v; refilter(); });
  const text = /** @type {HTMLInputElement} */ (h('input', { id: 'f-text', type: 'search', placeholder: 'Filter by name or path', 'aria-label': 'Filter by name or path', oninput: () => { ui.filter.text = text.value; refilter(); } }));
  for (const [v, l] of [['all', 'All'], ['problems', 'Expired or expiring'], ['expired', 'Expired'], ['expiring', 'Expiring'], ['not-yet-valid', 'Not yet valid'], ['valid', 'Valid']]) {
    stateSel.select.append(h('option', { value: v, text: l }));
  }

  const tabs = ['timeline', 'table'].map(v => h('button', { role: 'tab', id: `tab-${v}`, className: 'tab', onclick: () => setView(v, true) }, [v === 'timeline' ? 'Timeline' : 'Table']));
  const zoomButtons = ZOOMS.map(([key, label]) => h('button', { className: 'zoom', 'data-zoom': key, onclick: () => { ui.zoom = key; persist(); renderTimeline(); } }, [label]));
  const zoomGroup = h('div', { className: 'group timeline-only', role: 'group', 'aria-label': 'Zoom' }, zoomButtons);
  const post = (m) => vscode.postMessage(m);
  const ids = () => ui.shown.map(s => s.row.id);
  const tableActions = h('div', { className: 'group table-only' }, [
    h('button', { id: 'copy-md', onclick: () => post({ type: 'copy', format: 'markdown', ids: ids() }) }, ['Copy as Markdown']),
    h('button', { id: 'copy-csv', onclick: () => post({ type: 'copy', format: 'csv', ids: ids() }) }, ['Copy as CSV']),
    h('button', { id: 'save', onclick: () => post({ type: 'save', ids: ids() }) }, ['Save as…']),
    h('button', { id: 'text-report', onclick: () => post({ type: 'textReport' }) }, ['Text report']),
  ]);
  const legend = h('div', { className: 'legend timeline-only', 'aria-hidden': 'true' }, [
    ...STATES.map(s => h('span', { className: 'key' }, [h('span', { className: `swatch bar state-${s}` }), `${GLYPH[s]} ${STATE_TEXT[s]}`])),
    h('span', { className: 'key' }, [h('span', { className: 'swatch warn' }), 'warning window']),
    h('span', { className: 'key' }, [h('span', { className: 'swatch now-key' }), 'now']),
    h('span', { className: 'hint' }, ['↑↓ move · Enter open · R renew']),
  ]);
  const toolbar = h('header', { className: 'toolbar' }, [
    h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'View' }, tabs), zoomGroup, stateSel.el, caSel.el, folderSel.el, text, tableActions,
  ]);

  // Timeline: an axis, a scroller with the rows, and an overlay holding the now line.
  const axisTicks = h('div', { className: 'ticks' });
  const axis = h('div', { className: 'axis', 'aria-hidden': 'true' }, [h('div', { className: 'axis-label' }, ['Certificate']), axisTicks]);
  const tlSpacer = h('div', { className: 'spacer' });
  const tlScroll = h('div', { id: 'timeline', className: 'scroll', tabindex: '0', role: 'grid', 'aria-label': 'Certificates by expiry; CA rows above what they issued' }, [tlSpacer]);
  const nowLine = h('div', { className: 'now-line', title: 'now' });
  const overlay = h('div', { className: 'overlay', 'aria-hidden': 'true' }, [nowLine]);
  const timelineView = h('section', { id: 'timeline-view', className: 'view', role: 'tabpanel', 'aria-labelledby': 'tab-timeline' }, [axis, h('div', { className: 'body' }, [tlScroll, overlay])]);

  // Table: sortable headers and a virtualised body with the kubeadm columns.
  const headers = COLUMNS.map(([key, label]) => h('div', { role: 'columnheader', className: `cell col-${key}`, 'data-key': key }, [
    h('button', { className: 'sort', onclick: () => { ui.sort = { key, dir: ui.sort.key === key ? -ui.sort.dir : 1 }; persist(); refilter(); } }, [label]),
  ]));
  const thead = h('div', { className: 'thead trow', role: 'row' }, [h('div', { className: 'cell col-state', role: 'columnheader' }, ['']), ...headers]);
  const tbSpacer = h('div', { className: 'spacer' });
  const tbScroll = h('div', { id: 'table', className: 'scroll', tabindex: '0', role: 'grid', 'aria-label': 'Expiry report' }, [tbSpacer]);
  const tableView = h('section', { id: 'table-view', className: 'view', role: 'tabpanel', 'aria-labelledby': 'tab-table' }, [thead, tbScroll]);

  app.replaceChildren(toolbar, legend, status, timelineView, tableView);
  app.removeAttribute('aria-busy');

  // ------------------------------------------------------------------ filtering and sorting

  function matches(row) {
    const f = ui.filter;
    if (f.state === 'problems' ? row.state !== 'expired' && row.state !== 'expiring' : f.state !== 'all' && row.state !== f.state) { return false; }
    if (f.folder && row.folder !== f.folder && !row.folder.startsWith(`${f.folder}/`)) { return false; }
    if (f.ca && !underCa(row, f.ca)) { return false; }
    if (f.text) {
      const t = f.text.toLowerCase();
      if (![row.label, row.fullLabel, row.name, row.where, row.note || ''].some(s => s.toLowerCase().includes(t))) { return false; }
    }
    return true;
  }

  let byId = new Map();
  function underCa(row, ca) {
    for (let r = row, guard = 0; r && guard < 64; r = byId.get(r.parent), guard++) {
      if (r.id === ca) { return true; }
    }
    return false;
  }

  const SORT_VALUE = {
    name: r => r.name.toLowerCase(), expires: r => r.notAfter, residual: r => r.notAfter,
    authority: r => r.authority.toLowerCase(), externallyManaged: r => (r.externallyManaged ? 1 : 0),
  };

  function refilter() {
    persist();
    const rows = ui.model ? ui.model.rows : [];
    const hit = rows.filter(matches);
    if (ui.view === 'timeline') {
      // Keep each match's CAs above it, dimmed, so a leaf is never shown without its context.
      const keep = new Set(hit.map(r => r.id));
      const context = new Set();
      for (const r of hit) {
        for (let p = byId.get(r.parent), guard = 0; p && guard < 64 && !keep.has(p.id); p = byId.get(p.parent), guard++) { context.add(p.id); }
      }
      ui.shown = rows.filter(r => keep.has(r.id) || context.has(r.id)).map(r => ({ row: r, context: context.has(r.id) }));
    } else {
      const value = SORT_VALUE[ui.sort.key] || SORT_VALUE.expires;
      const dir = ui.sort.dir;
      ui.shown = hit.map(r => ({ row: r, context: false })).sort((a, b) => {
        const x = value(a.row), y = value(b.row);
        return (x < y ? -1 : x > y ? 1 : a.row.name < b.row.name ? -1 : 1) * dir;
      });
    }
    ui.selected = ui.shown.findIndex(s => s.row.id === ui.selectedId);
    app.dataset.rows = String(ui.shown.length);
    app.dataset.matches = String(hit.length);
    render();
  }

  // ------------------------------------------------------------------ time window and axis

  function windowOf() {
    const m = ui.model;
    const zoom = ZOOMS.find(z => z[0] === ui.zoom) || ZOOMS[2];
    if (!zoom[2]) {
      const pad = Math.max(DAY, (m.last - m.first) * 0.02);
      return [m.first - pad, m.last + pad];
    }
    return [m.now - zoom[2] * 0.25, m.now + zoom[2] * 0.75];
  }

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** Calendar-aligned ticks (days, weeks, months, quarters, years, decades), about 4–12 across. */
  function ticks(w0, w1) {
    const span = w1 - w0;
    const steps = [[DAY, 'day'], [7 * DAY, 'day'], [30 * DAY, 'month', 1], [91 * DAY, 'month', 3], [365 * DAY, 'year', 1], [5 * 365 * DAY, 'year', 5], [10 * 365 * DAY, 'year', 10], [50 * 365 * DAY, 'year', 50]];
    const step = steps.find(s => span / s[0] <= 12) || steps[steps.length - 1];
    const out = [];
    const d = new Date(w0);
    d.setUTCHours(0, 0, 0, 0);
    if (step[1] === 'month') { d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % step[2])); }
    if (step[1] === 'year') { d.setUTCMonth(0, 1); d.setUTCFullYear(d.getUTCFullYear() - (d.getUTCFullYear() % step[2])); }
    for (let guard = 0; d.getTime() <= w1 && guard < 200; guard++) {
      if (d.getTime() >= w0) {
        const label = step[1] === 'year' ? String(d.getUTCFullYear()) : step[1] === 'month' ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` : `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')}`;
        out.push([d.getTime(), label]);
      }
      if (step[1] === 'day') { d.setTime(d.getTime() + step[0]); } else if (step[1] === 'month') { d.setUTCMonth(d.getUTCMonth() + step[2]); } else { d.setUTCFullYear(d.getUTCFullYear() + step[2]); }
    }
    return out;
  }

  // ------------------------------------------------------------------ rendering

  const pct = (x) => `${Math.max(-5, Math.min(105, x * 100)).toFixed(3)}%`;
  const date = (ms) => new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');

  function details(row) {
    return [
      row.fullLabel, `${GLYPH[row.state]} ${STATE_TEXT[row.state]} · ${row.residual}`,
      `Not before: ${date(row.notBefore)}`, `Not after:  ${date(row.notAfter)}`, `Warning from: ${date(row.warnFrom)}`,
      `Issuer: ${row.authority}`, `In: ${row.where}`, row.renewable ? 'Press R or Renew… to renew it (with a preview).' : '',
    ].filter(Boolean).join('\n');
  }

  function timelineRow(i, frac) {
    const { row, context } = ui.shown[i];
    const selected = i === ui.selected;
    const label = h('div', { role: 'gridcell', className: 'label', style: undefined }, [
      h('span', { className: `glyph state-${row.state}`, 'aria-hidden': 'true' }, [GLYPH[row.state]]),
      h('span', { className: 'name' }, [row.label]),
      row.note ? h('span', { className: 'note' }, [row.note]) : '',
      h('span', { className: 'sr-only' }, [`, ${STATE_TEXT[row.state]}, ${row.residual}${row.ca ? ', certificate authority' : ''}`]),
    ]);
    label.style.paddingLeft = `${6 + row.depth * 14}px`;
    if (row.renewable && !context) {
      label.append(h('button', { className: 'renew', tabindex: '-1', title: `Renew ${row.label} (shows a preview first)`, onclick: (e) => { e.stopPropagation(); post({ type: 'renew', id: row.id }); } }, ['Renew…']));
    }
    const a = frac(row.notBefore), b = frac(row.notAfter), w = frac(row.warnFrom);
    const bar = h('div', { className: `bar state-${row.state}${row.ca ? ' ca' : ''}`, 'data-id': row.id, 'data-state': row.state, 'data-not-after': String(row.notAfter) });
    // Clip each span to the window first: pct() clamps a position, so a width measured from an
    // unclipped start (a bar that began long before the window) would run past its own end.
    const span = (el, from, to, least) => {
      const lo = Math.max(from, -0.05), hi = Math.min(to, 1.05);
      el.style.left = pct(lo);
      el.style.width = pct(Math.max(hi - lo, least));
    };
    span(bar, a, b, 0.002);
    const warn = h('div', { className: 'warn' });
    span(warn, w, b, 0);
    const track = h('div', { role: 'gridcell', className: 'track' }, [warn, bar]);
    const el = h('div', {
      role: 'row', id: `row-${i}`, className: `row${selected ? ' selected' : ''}${context ? ' context' : ''}${row.ca ? ' ca' : ''}`,
      'aria-selected': selected ? 'true' : 'false', 'aria-rowindex': String(i + 1), 'data-index': String(i), 'data-id': row.id,
      'data-state': row.state, 'data-depth': String(row.depth), 'data-ca': row.ca ? 'true' : 'false', 'data-label': row.label, title: details(row),
      onclick: () => { select(i); post({ type: 'reveal', id: row.id }); },
    }, [label, track]);
    return el;
  }

  function tableRow(i) {
    const { row } = ui.shown[i];
    const selected = i === ui.selected;
    const cells = {
      name: row.name, expires: row.expires, residual: row.residual,
      authority: row.ca ? `${row.authority} (CA)` : row.authority, externallyManaged: row.externallyManaged ? 'yes' : 'no',
    };
    return h('div', {
      role: 'row', id: `trow-${i}`, className: `trow${selected ? ' selected' : ''}`, 'aria-selected': selected ? 'true' : 'false',
      'aria-rowindex': String(i + 2), 'data-index': String(i), 'data-id': row.id, 'data-state': row.state, title: details(row),
      onclick: () => { select(i); post({ type: 'reveal', id: row.id }); },
    }, [
      h('div', { role: 'gridcell', className: 'cell col-state' }, [h('span', { className: `glyph state-${row.state}`, title: STATE_TEXT[row.state] }, [GLYPH[row.state]])]),
      ...COLUMNS.map(([key]) => h('div', { role: 'gridcell', className: `cell col-${key}` }, [cells[key]])),
    ]);
  }

  /** Only the rows in view (plus OVERSCAN either side) are built. */
  function virtual(scroll, spacer, build, extra) {
    const count = ui.shown.length;
    spacer.style.height = `${count * ROW}px`;
    const top = scroll.scrollTop;
    const height = scroll.clientHeight || 600;
    const from = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const to = Math.min(count, Math.ceil((top + height) / ROW) + OVERSCAN);
    const rows = [];
    for (let i = from; i < to; i++) {
      const el = build(i, extra);
      el.style.top = `${i * ROW}px`;
      rows.push(el);
    }
    spacer.replaceChildren(...rows);
    scroll.setAttribute('aria-rowcount', String(count));
    if (ui.selected >= from && ui.selected < to) { scroll.setAttribute('aria-activedescendant', `${scroll === tlScroll ? 'row' : 'trow'}-${ui.selected}`); } else { scroll.removeAttribute('aria-activedescendant'); }
  }

  function renderTimeline() {
    if (!ui.model) { return; }
    const [w0, w1] = windowOf();
    const frac = (t) => (t - w0) / (w1 - w0);
    virtual(tlScroll, tlSpacer, timelineRow, frac);
    axisTicks.replaceChildren(...ticks(w0, w1).map(([t, l]) => { const e = h('span', { className: 'tick' }, [l]); e.style.left = pct(frac(t)); return e; }));
    const now = frac(ui.model.now);
    nowLine.style.left = pct(now);
    nowLine.hidden = now < 0 || now > 1;
    nowLine.dataset.now = String(ui.model.now);
    overlay.style.right = `${tlScroll.offsetWidth - tlScroll.clientWidth}px`;
    for (const b of zoomButtons) { b.setAttribute('aria-pressed', String(b.dataset.zoom === ui.zoom)); }
  }

  function renderTable() {
    virtual(tbScroll, tbSpacer, tableRow);
    for (const hd of headers) {
      const key = hd.dataset.key;
      hd.setAttribute('aria-sort', key === ui.sort.key ? (ui.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  let pending = 0;
  function render() {
    cancelAnimationFrame(pending);
    pending = 0;
    for (const t of tabs) { t.setAttribute('aria-selected', String(t.id === `tab-${ui.view}`)); }
    app.dataset.view = ui.view;
    timelineView.hidden = ui.view !== 'timeline';
    tableView.hidden = ui.view !== 'table';
    if (ui.view === 'timeline') { renderTimeline(); } else { renderTable(); }
  }
  const renderSoon = () => { if (!pending) { pending = requestAnimationFrame(render); } };
  tlScroll.addEventListener('scroll', renderSoon);
  tbScroll.addEventListener('scroll', renderSoon);
  window.addEventListener('resize', renderSoon);

  // ------------------------------------------------------------------ selection and keyboard

  function select(i) {
    if (!ui.shown.length) { return; }
    ui.selected = Math.max(0, Math.min(ui.shown.length - 1, i));
    ui.selectedId = ui.shown[ui.selected].row.id;
    const scroll = ui.view === 'timeline' ? tlScroll : tbScroll;
    const y = ui.selected * ROW;
    if (y < scroll.scrollTop) { scroll.scrollTop = y; } else if (y + ROW > scroll.scrollTop + scroll.clientHeight) { scroll.scrollTop = y + ROW - scroll.clientHeight; }
    render();
  }

  function onKey(e) {
    const page = Math.max(1, Math.floor((/** @type {HTMLElement} */ (e.currentTarget).clientHeight || 0) / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const current = ui.selected < 0 ? -1 : ui.selected;
    if (e.key in moves) { select(current < 0 ? 0 : current + moves[e.key]); } else if (e.key === 'Home') { select(0); } else if (e.key === 'End') { select(ui.shown.length - 1); } else if ((e.key === 'Enter' || e.key === ' ') && current >= 0) {
      post({ type: 'reveal', id: ui.shown[current].row.id });
    } else if ((e.key === 'r' || e.key === 'R') && current >= 0 && ui.shown[current].row.renewable) {
      post({ type: 'renew', id: ui.shown[current].row.id });
    } else { return; }
    e.preventDefault();
  }
  tlScroll.addEventListener('keydown', onKey);
  tbScroll.addEventListener('keydown', onKey);

  function setView(view, fromUser) {
    ui.view = view;
    if (fromUser) { post({ type: 'view', view }); }
    refilter();
  }

  function persist() {
    vscode.setState({ view: ui.view, zoom: ui.zoom, filter: ui.filter, sort: ui.sort });
  }

  function fillSelect(sel, items, value, all) {
    sel.replaceChildren(h('option', { value: '', text: all }), ...items.map(([v, l]) => h('option', { value: v, text: l })));
    sel.value = items.some(([v]) => v === value) ? value : '';
    return sel.value;
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') { return; }
    if (m.type === 'model') {
      ui.model = m.model;
      byId = new Map(m.model.rows.map(r => [r.id, r]));
      if (m.view && !ui.seen) { ui.view = m.view; }
      ui.seen = true;
      ui.filter.ca = fillSelect(caSel.select, m.model.authorities.map(a => [a.id, a.label]), ui.filter.ca, 'All CAs');
      ui.filter.folder = fillSelect(folderSel.select, m.model.folders.filter(Boolean).map(f => [f, f]), ui.filter.folder, 'All folders');
      stateSel.select.value = ui.filter.state;
      text.value = ui.filter.text;
      app.dataset.total = String(m.model.rows.length);
      app.dataset.generation = String((Number(app.dataset.generation) || 0) + 1);
      refilter();
    } else if (m.type === 'view') {
      setView(m.view === 'table' ? 'table' : 'timeline', false);
    } else if (m.type === 'status') {
      status.textContent = String(m.text);
    }
  });
  render();
  post({ type: 'ready' });
})();
