// OTT Compliance Console: a dependency-free dashboard over the analyst API.
// API data is only ever written with textContent / setAttribute, never parsed as HTML.
(() => {
  'use strict';

  const TOKEN_KEY = 'ott.dashboard.token';
  const USER_KEY = 'ott.dashboard.user';
  const EXPIRES_KEY = 'ott.dashboard.expires';
  const STATS_MS = 2000;
  const SLOW_MS = 5000;
  const RATE_SAMPLES = 60;
  const MIN_RATE_WINDOW_S = 0.5;
  const FEED_MAX = 50;
  const LEVELS = ['low', 'medium', 'high', 'critical'];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const state = {
    token: null,
    generation: 0, // bumped on every login/logout; stale responses are dropped
    timers: [],
    inflight: {},
    prev: null, // last stats sample used for the rate: {t, processed}
    rates: [],
    alerts: new Map(),
    lastEventId: '',
    streamAbort: null,
    errors: {},
    bannerKey: '',
    dismissedKey: '',
  };

  const $ = (id) => document.getElementById(id);

  // ---- DOM helpers -------------------------------------------------------

  function h(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    el.append(...children.filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
    return el;
  }

  function svg(tag, attrs = {}, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    el.append(...children.map((c) => (c instanceof Node ? c : String(c))));
    return el;
  }

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const plain = (v) => (isNum(v) ? String(v) : '–');
  const level = (v) => (LEVELS.includes(String(v).toLowerCase()) ? String(v).toLowerCase() : 'unknown');

  function setText(id, value) {
    const el = $(id);
    if (el) el.textContent = value;
  }

  function timeEl(iso, relative) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return h('span', {}, iso ? String(iso) : '–');
    const date = new Date(t);
    const label = relative ? ago(t) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    return h('time', { datetime: date.toISOString(), title: date.toLocaleString() }, label);
  }

  function ago(t) {
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.floor(s / 60)}m ago`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
    return `${Math.floor(s / 86400)}d ago`;
  }

  function badge(value) {
    const lv = level(value);
    return h('span', { class: `badge badge-${lv}` }, value == null ? '–' : String(value));
  }

  // A thin horizontal bar (0..1) as inline SVG.
  function hbar(fraction, cls) {
    const f = Math.max(0, Math.min(1, isNum(fraction) ? fraction : 0));
    return svg('svg', { class: `hbar ${cls || ''}`, viewBox: '0 0 100 8', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
      svg('rect', { class: 'hbar-track', width: 100, height: 8, rx: 2 }),
      svg('rect', { class: 'hbar-fill', width: (f * 100).toFixed(2), height: 8, rx: 2 }));
  }

  function fillRows(tbody, items, build, emptyText, columns) {
    const rows = items.length ? items.map(build)
      : [h('tr', { class: 'empty' }, h('td', { colspan: columns }, emptyText))];
    tbody.replaceChildren(...rows);
  }

  // ---- API ---------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, title, detail, path) {
      super(`${title}${detail ? `: ${detail}` : ''}`);
      Object.assign(this, { status, title, detail, path });
    }
  }

  async function api(path, { method = 'GET', body, auth = true, raw = false, signal } = {}) {
    const headers = { Accept: raw ? 'text/event-stream' : 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && state.token) headers.Authorization = `Bearer ${state.token}`;
    let res;
    try {
      res = await fetch(path, { method, headers, signal, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'Server unreachable', 'The request could not be sent; retrying.', path);
    }
    if (res.status === 401 && auth) {
      sessionEnded('Your session has expired or is no longer valid. Please sign in again.');
      throw Object.assign(new ApiError(401, 'Unauthorized', '', path), { sessionEnded: true });
    }
    if (!res.ok) {
      let p = {};
      try { p = await res.json(); } catch { /* not a problem document */ }
      throw new ApiError(res.status, p.title || res.statusText || 'Request failed', p.detail || '', path);
    }
    if (raw) return res;
    return res.status === 204 ? null : res.json();
  }

  // ---- Errors banner -----------------------------------------------------

  function setErrors(group, list) {
    state.errors[group] = list.filter((e) => !e.sessionEnded);
    updateBanner();
  }

  function updateBanner() {
    const all = Object.values(state.errors).flat();
    const messages = [...new Set(all.map((e) => `${e.message}${e.status ? ` (HTTP ${e.status})` : ''}${e.path ? ` · ${e.path}` : ''}`))];
    const key = messages.join('\n');
    const banner = $('error-banner');
    if (key === state.bannerKey) return;
    state.bannerKey = key;
    if (!key) state.dismissedKey = '';
    $('error-list').replaceChildren(...messages.slice(0, 4).map((m) => h('li', {}, m)),
      ...(messages.length > 4 ? [h('li', {}, `and ${messages.length - 4} more`)] : []));
    banner.hidden = !key || key === state.dismissedKey;
  }

  // ---- Refresh cycles ----------------------------------------------------

  const STATS_CALLS = [['/stats/summary', renderStats]];
  const SLOW_CALLS = [
    ['/compliance/summary', renderRisk],
    ['/api/v1/analytics/compliance-summary?days=1', renderCompliance],
    ['/api/v1/analytics/geographic-distribution?days=7', renderRegions],
    ['/results/latest?limit=15', renderAssessments],
    ['/api/v1/alerts?limit=20', mergeAlerts],
    ['/api/v1/network/fraud-rings?min_size=5', renderRings],
    ['/api/v1/analytics/segments', renderSegments],
    ['/api/v1/policies', renderPolicies],
    ['/api/v1/backtests', renderBacktests],
    ['/api/v1/policies/shadow', renderShadow],
  ];

  function runGroup(name, calls) {
    if (state.inflight[name]) return state.inflight[name];
    const gen = state.generation;
    const run = (async () => {
      const results = await Promise.allSettled(calls.map(([path]) => api(path)));
      if (gen !== state.generation) return;
      const errors = [];
      let ok = 0;
      results.forEach((r, i) => {
        const [path, render] = calls[i];
        if (r.status === 'rejected') { errors.push(r.reason); return; }
        try { render(r.value); ok += 1; } catch (e) {
          errors.push(new ApiError(0, 'Unexpected response', e.message, path));
        }
      });
      setErrors(name, errors);
      if (ok) setText('last-refresh', new Date().toISOString());
    })().finally(() => { if (state.inflight[name] === run) state.inflight[name] = null; });
    state.inflight[name] = run;
    return run;
  }

  async function refreshNow() {
    if (!state.token) return;
    await Promise.allSettled(Object.values(state.inflight));
    await Promise.all([runGroup('stats', STATS_CALLS), runGroup('slow', SLOW_CALLS)]);
    schedule();
  }

  function stopTimers() {
    state.timers.forEach(clearInterval);
    state.timers = [];
  }

  function schedule() {
    stopTimers();
    if (!state.token || document.hidden) return;
    state.timers.push(setInterval(() => runGroup('stats', STATS_CALLS), STATS_MS),
      setInterval(() => runGroup('slow', SLOW_CALLS), SLOW_MS));
  }

  // ---- Renderers ---------------------------------------------------------

  function renderStats(s) {
    setText('kpi-processed', plain(s.processed));
    setText('kpi-enqueued', plain(s.enqueued));
    setText('kpi-queue', plain(s.queue_size));
    setText('kpi-duplicates', plain(s.duplicates));
    setText('kpi-errors', plain(s.errors));
    setText('kpi-redelivered', plain(s.redelivered));
    if (!isNum(s.processed)) return;
    const now = performance.now();
    const prev = state.prev;
    if (!prev || s.processed < prev.processed) {
      state.prev = { t: now, processed: s.processed };
    } else if ((now - prev.t) / 1000 >= MIN_RATE_WINDOW_S) {
      state.rates.push((s.processed - prev.processed) / ((now - prev.t) / 1000));
      if (state.rates.length > RATE_SAMPLES) state.rates.shift();
      state.prev = { t: now, processed: s.processed };
    }
    const latest = state.rates.length ? state.rates[state.rates.length - 1] : 0;
    setText('kpi-rate', latest.toFixed(1));
    setText('rate-note', state.rates.length ? `last ${state.rates.length} samples, peak ${Math.max(...state.rates).toFixed(1)}` : 'measuring');
    drawSparkline($('sparkline'), state.rates);
  }

  function drawSparkline(el, values) {
    if (!el) return;
    const max = Math.max(1, ...values);
    const step = 120 / Math.max(1, values.length - 1);
    const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(27 - (v / max) * 25).toFixed(1)}`);
    const parts = [svg('line', { class: 'spark-base', x1: 0, y1: 27.5, x2: 120, y2: 27.5 })];
    if (pts.length > 1) {
      parts.push(svg('polygon', { class: 'spark-area', points: `0,28 ${pts.join(' ')} 120,28` }),
        svg('polyline', { class: 'spark-line', points: pts.join(' ') }));
    }
    el.replaceChildren(...parts);
    el.setAttribute('aria-label', values.length
      ? `Throughput over the last ${values.length} samples, from ${values[0].toFixed(1)} to ${values[values.length - 1].toFixed(1)} events per second`
      : 'Throughput history: no samples yet');
  }

  function renderRisk(c) {
    LEVELS.forEach((lv) => setText(`risk-${lv}`, plain(c[lv])));
    setText('risk-total', plain(c.total_processed));
    const counts = LEVELS.map((lv) => (isNum(c[lv]) ? c[lv] : 0));
    const max = Math.max(1, ...counts);
    const chart = $('risk-chart');
    const nodes = [svg('line', { class: 'axis', x1: 16, y1: 140.5, x2: 304, y2: 140.5 })];
    counts.forEach((n, i) => {
      const x = 28 + i * 72;
      const hgt = Math.max(n > 0 ? 2 : 0, (n / max) * 112);
      nodes.push(svg('rect', { class: `bar bar-${LEVELS[i]}`, x, y: 140 - hgt, width: 48, height: hgt, rx: 3 }),
        svg('text', { class: 'bar-value', x: x + 24, y: 134 - hgt, 'text-anchor': 'middle' }, String(n)),
        svg('text', { class: 'bar-label', x: x + 24, y: 160, 'text-anchor': 'middle' }, LEVELS[i]));
    });
    chart.replaceChildren(...nodes);
    chart.setAttribute('aria-label', `Risk distribution: ${LEVELS.map((lv, i) => `${lv} ${counts[i]}`).join(', ')}`);
  }

  // compliance_rate may be a fraction (0..1) or a percentage; the counts decide which.
  function compliancePercent(c) {
    const r = c.compliance_rate;
    if (!isNum(r)) return null;
    if (r > 1) return r;
    if (isNum(c.assessments) && c.assessments > 0 && isNum(c.with_violations)) {
      const frac = 1 - c.with_violations / c.assessments;
      return Math.abs(r - frac) <= Math.abs(r - frac * 100) ? r * 100 : r;
    }
    return r * 100;
  }

  function renderCompliance(c) {
    const pct = compliancePercent(c);
    setText('compliance-rate', pct == null ? 'n/a' : pct.toFixed(1));
    $('compliance-unit').hidden = pct == null;
    $('compliance-tile').dataset.tone = pct == null ? 'none' : pct >= 95 ? 'good' : pct >= 80 ? 'warn' : 'bad';
    setText('compliance-days', plain(c.days));
    setText('compliance-assessments', plain(c.assessments));
    setText('compliance-violations', plain(c.with_violations));
    const regs = Object.entries(c.by_regulation || {}).filter(([, n]) => isNum(n) && n > 0)
      .sort((a, b) => b[1] - a[1]).slice(0, 5);
    const max = Math.max(1, ...regs.map(([, n]) => n));
    $('regulation-list').replaceChildren(...(regs.length
      ? regs.map(([name, n]) => h('li', {}, h('span', { class: 'bar-name' }, name), hbar(n / max, 'tone-bad'), h('span', { class: 'num' }, String(n))))
      : [h('li', { class: 'empty' }, 'No violations in this period')]));
  }

  function renderRegions(g) {
    const regions = (g.regions || []).slice(0, 8);
    const max = Math.max(1, ...regions.map((r) => (isNum(r.events) ? r.events : 0)));
    fillRows($('region-body'), regions, (r) => h('tr', { 'data-testid': 'region-row', 'data-region': r.region },
      h('th', { scope: 'row', class: 'mono nowrap' }, r.region),
      h('td', { class: 'n' }, h('span', { class: 'cell-bar' }, hbar(r.events / max), h('span', { class: 'num' }, plain(r.events)))),
      h('td', { class: 'n' }, plain(r.high_or_critical)),
      h('td', { class: 'n' }, plain(r.violations))), 'No regional activity yet', 4);
  }

  function renderAssessments(list) {
    fillRows($('assessment-body'), list || [], ({ event = {}, result = {} }) => {
      const flags = result.flags || [];
      return h('tr', { 'data-testid': 'assessment-row', 'data-event-id': event.event_id },
        h('th', { scope: 'row', class: 'mono truncate', title: event.event_id }, event.event_id),
        h('td', { class: 'mono truncate', title: event.user_id }, event.user_id),
        h('td', {}, event.event_type),
        h('td', { class: 'mono' }, event.region),
        h('td', { class: 'n' }, isNum(result.score) ? result.score.toFixed(1) : '–'),
        h('td', {}, badge(result.risk_level)),
        h('td', {}, h('span', { class: 'chips' }, ...flags.slice(0, 4).map((f) => h('span', { class: 'chip' }, f)),
          flags.length > 4 ? h('span', { class: 'chip chip-more', title: flags.slice(4).join(', ') }, `+${flags.length - 4}`) : null)),
        h('td', {}, h('span', { class: `action action-${['block', 'review', 'allow'].includes(result.action) ? result.action : 'other'}` }, result.action)));
    }, 'No assessments yet', 8);
  }

  function renderRings(rings) {
    fillRows($('ring-body'), rings || [], (r) => {
      const frac = isNum(r.risk) ? (r.risk <= 1 ? r.risk : r.risk / 100) : 0;
      const tone = frac >= 0.75 ? 'critical' : frac >= 0.5 ? 'high' : frac >= 0.25 ? 'medium' : 'low';
      const shared = (r.shared_identifiers || []).map((s) => `${s.kind} ${s.value} (${s.users} users)`).join('\n');
      return h('tr', { 'data-testid': 'ring-row', 'data-ring-id': r.ring_id },
        h('th', { scope: 'row', class: 'mono nowrap', title: shared || null }, r.ring_id),
        h('td', {}, r.kind),
        h('td', { class: 'n' }, plain(r.size)),
        h('td', {}, h('span', { class: 'cell-bar' }, hbar(frac, `tone-${tone}`), h('span', { class: 'num' }, isNum(r.risk) ? r.risk.toFixed(2) : '–'))),
        h('td', { class: 'nowrap' }, timeEl(r.first_seen, false)));
    }, 'No fraud rings detected', 5);
  }

  function renderSegments(segments) {
    const list = segments || [];
    const max = Math.max(1, ...list.map((s) => (isNum(s.users) ? s.users : 0)));
    $('segment-list').replaceChildren(...(list.length ? list.map((s) => {
      const p = s.parameters || {};
      const learned = s.learning && isNum(s.learning.value) ? `, learned ${s.learning.value.toFixed(1)}` : '';
      return h('li', {},
        h('span', { class: 'bar-name stack', title: s.segment },
          h('span', { class: 'cap' }, String(s.segment || '').replace(/_user$/, '').replace(/_/g, ' ')),
          h('span', { class: 'muted small' }, isNum(p.threshold_high) ? `threshold ${p.threshold_high.toFixed(1)}${learned}` : '')),
        hbar(s.users / max), h('span', { class: 'num' }, plain(s.users)));
    }) : [h('li', { class: 'empty' }, 'No segments')]));
  }

  // ---- Policies ----------------------------------------------------------

  function renderPolicies(p) {
    fillRows($('policy-body'), (p && p.versions) || [], (v) => h('tr', { 'data-testid': 'policy-row', 'data-version': v.version, 'data-status': v.status },
      h('th', { scope: 'row', class: 'n' }, plain(v.version)),
      h('td', {}, h('span', { class: `badge badge-policy-${v.status}` }, v.status)),
      h('td', { class: 'truncate', title: v.description || '' }, v.description || '–'),
      h('td', { class: 'mono' }, v.created_by || '–'),
      h('td', { class: 'nowrap' }, v.activated_at ? timeEl(v.activated_at, false) : '–'),
      h('td', { class: 'mono' }, v.activated_by || '–')), 'No policy yet', 6);
  }

  // A transition matrix (rows: live, columns: other) as an SVG grid of shaded cells with their counts.
  function drawMatrix(el, matrix, label, testid) {
    const rows = Object.keys(matrix || {});
    const cell = rows.length ? Math.min(44, 220 / rows.length) : 44;
    const left = 70;
    const top = 30;
    const max = Math.max(1, ...rows.flatMap((r) => rows.map((c) => matrix[r][c] || 0)));
    const nodes = rows.map((c, j) => svg('text', { class: 'axis-label', x: left + j * cell + cell / 2, y: top - 8, 'text-anchor': 'middle' }, c));
    rows.forEach((r, i) => {
      nodes.push(svg('text', { class: 'axis-label', x: left - 6, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end' }, r));
      rows.forEach((c, j) => {
        const n = matrix[r][c] || 0;
        const shade = n === 0 ? 0.04 : 0.15 + 0.85 * (n / max);
        nodes.push(svg('rect', { class: 'cell', x: left + j * cell, y: top + i * cell, width: cell, height: cell, fill: `rgba(29, 78, 216, ${shade.toFixed(3)})`,
          'data-testid': testid, 'data-from': r, 'data-to': c, 'data-count': n }),
        svg('text', { class: `cell-value${shade > 0.55 ? ' on-dark' : ''}`, x: left + j * cell + cell / 2, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'middle' }, String(n)));
      });
    });
    el.replaceChildren(...nodes);
    el.setAttribute('aria-label', rows.length
      ? `${label}: ${rows.flatMap((r) => rows.filter((c) => matrix[r][c]).map((c) => `${r} to ${c} ${matrix[r][c]}`)).join(', ') || 'none'}`
      : `${label}: no data`);
  }

  // Two horizontal bars: the live count and the other policy's.
  function drawPair(el, live, other, otherName, testid) {
    const max = Math.max(1, live, other);
    const bar = (y, n, cls, name, id) => [
      svg('text', { class: 'pair-label', x: 0, y: y + 12 }, name),
      svg('rect', { class: cls, x: 110, y, width: Math.max(n > 0 ? 2 : 0, (n / max) * 150), height: 16, rx: 2 }),
      svg('text', { class: 'pair-value', x: 114 + (n / max) * 150, y: y + 12, 'data-testid': id }, String(n))];
    el.replaceChildren(...bar(6, live, 'pair-bar-live', 'live alerts', `${testid}-live`), ...bar(36, other, 'pair-bar-other', `${otherName} alerts`, `${testid}-other`));
    el.setAttribute('aria-label', `Alerts: live ${live}, ${otherName} ${other}`);
  }

  function renderBacktests(list) {
    const latest = (list || [])[0];
    if (!latest) {
      setText('backtest-summary', 'No backtest yet');
      return;
    }
    const gen = state.generation;
    api(`/api/v1/backtests/${encodeURIComponent(latest.id)}`).then((b) => {
      if (gen !== state.generation) return;
      const r = b.report;
      setText('backtest-summary', r
        ? `v${b.request.candidate} against v${b.live}: ${r.events} events of ${r.users} users, ${r.alerts.added.total} alerts added, ${r.alerts.removed.total} removed`
        : `v${b.request.candidate} against v${b.live}: ${b.status}, ${b.events_replayed} of ${b.events_total} events`);
      if (r) {
        drawMatrix($('backtest-matrix'), r.levels, 'Level transitions, live to candidate', 'backtest-cell');
        drawPair($('backtest-alerts'), r.alerts.live, r.alerts.candidate, 'candidate', 'backtest-alerts');
      }
      setErrors('backtest', []);
    }).catch((e) => { if (e.name !== 'AbortError') setErrors('backtest', [e]); });
  }

  function renderShadow(v) {
    const r = v && v.report;
    if (!v || v.shadow == null || !r) {
      setText('shadow-summary', 'No shadow run');
      $('shadow-matrix').replaceChildren();
      $('shadow-alerts').replaceChildren();
      return;
    }
    setText('shadow-summary', `v${v.shadow} beside live v${v.live} since ${new Date(v.since).toLocaleString()}: ${r.events} events, ` +
      `mean score ${isNum(r.live_mean_score) ? r.live_mean_score.toFixed(2) : '–'} live, ${isNum(r.shadow_mean_score) ? r.shadow_mean_score.toFixed(2) : '–'} shadow`);
    drawMatrix($('shadow-matrix'), r.actions, 'Action transitions, live to shadow', 'shadow-cell');
    drawPair($('shadow-alerts'), r.alerts.live, r.alerts.candidate, 'shadow', 'shadow-alerts');
  }

  // ---- Alerts feed -------------------------------------------------------

  // Stream payloads are normalised to snake_case in case the stream serialiser differs.
  function normaliseAlert(a) {
    const out = {};
    for (const [k, v] of Object.entries(a || {})) out[k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()] = v;
    return out;
  }

  function upsertAlerts(list, focusId) {
    for (const a of list) if (a && a.id != null) state.alerts.set(String(a.id), a);
    const sorted = [...state.alerts.values()].sort((a, b) =>
      (Date.parse(b.raised_at) || 0) - (Date.parse(a.raised_at) || 0) || (b.sequence || 0) - (a.sequence || 0));
    state.alerts = new Map(sorted.slice(0, FEED_MAX).map((a) => [String(a.id), a]));
    renderAlerts(focusId);
  }

  function mergeAlerts(list) {
    upsertAlerts((list || []).map(normaliseAlert));
  }

  function renderAlerts(focusId) {
    const feed = $('alert-feed');
    if (!feed) return;
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('[data-alert-id]');
    const focusedId = focusId || (focused && feed.contains(focused) ? focused.getAttribute('data-alert-id') : null);
    const items = [...state.alerts.values()];
    feed.replaceChildren(...(items.length ? items.map(alertItem) : [h('li', { class: 'empty' }, 'No alerts')]));
    setText('kpi-alerts', String(items.filter((a) => !a.acknowledged_at).length));
    if (focusedId) {
      const li = [...feed.children].find((el) => el.getAttribute('data-alert-id') === focusedId);
      if (li) (li.querySelector('button:not([disabled])') || li).focus();
    }
  }

  function alertItem(a) {
    const acked = Boolean(a.acknowledged_at);
    return h('li', { class: `alert${acked ? ' is-acked' : ''}`, 'data-testid': 'alert-item', 'data-alert-id': a.id, tabindex: '-1' },
      h('div', { class: 'alert-head' }, badge(a.severity), h('span', { class: 'alert-title' }, a.title),
        a.count > 1 ? h('span', { class: 'chip chip-count', title: `repeated ${a.count} times` }, `x${a.count}`) : null),
      a.detail ? h('p', { class: 'alert-detail' }, a.detail) : null,
      h('div', { class: 'alert-meta' },
        a.user_id ? h('span', { class: 'mono' }, a.user_id) : h('span', { class: 'muted' }, a.kind || 'alert'),
        timeEl(a.raised_at, true),
        acked
          ? h('span', { class: 'acked', title: `Acknowledged ${a.acknowledged_by || ''} ${a.acknowledged_at}`.trim() }, 'Acknowledged')
          : h('button', { type: 'button', class: 'btn btn-small', 'data-ack': a.id, 'aria-label': `Acknowledge alert: ${a.title || a.id}` }, 'Ack')));
  }

  async function acknowledge(button) {
    const id = button.getAttribute('data-ack');
    const path = `/api/v1/alerts/${encodeURIComponent(id)}/ack`;
    button.disabled = true;
    button.textContent = 'Acking';
    try {
      const updated = normaliseAlert(await api(path, { method: 'POST' }));
      const current = state.alerts.get(id) || {};
      upsertAlerts([{ ...current, ...updated, acknowledged_at: updated.acknowledged_at || new Date().toISOString() }], id);
      setErrors('ack', []);
    } catch (e) {
      setErrors('ack', [e]);
      renderAlerts(id);
    }
  }

  // ---- Alert stream (SSE over fetch, so the bearer header can be sent) ---

  async function readSse(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    let ev = { event: '', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      const cut = buf.endsWith('\r') ? buf.length - 1 : buf.length; // a CRLF may be split across chunks
      const lines = buf.slice(0, cut).split(/\r\n|\r|\n/);
      buf = lines.pop() + buf.slice(cut);
      for (const line of lines) {
        if (line === '') {
          if (ev.data.length) onEvent({ event: ev.event || 'message', data: ev.data.join('\n') });
          ev = { event: '', data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const field = i < 0 ? line : line.slice(0, i);
        const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'event') ev.event = val;
        else if (field === 'data') ev.data.push(val);
        else if (field === 'id') state.lastEventId = val;
      }
    }
  }

  function setStreamStatus(kind, text) {
    const el = $('stream-status');
    el.dataset.state = kind;
    el.textContent = `Alerts: ${text}`;
  }

  async function runStream(gen) {
    let delay = 1000;
    while (gen === state.generation) {
      const abort = new AbortController();
      state.streamAbort = abort;
      try {
        const after = state.lastEventId ? `?after=${encodeURIComponent(state.lastEventId)}` : '';
        const res = await api(`/api/v1/alerts/stream${after}`, { raw: true, signal: abort.signal });
        setStreamStatus('live', 'live');
        setErrors('stream', []);
        await readSse(res.body, (ev) => {
          delay = 1000;
          if (ev.event !== 'alert') return; // 'ready' and 'heartbeat' carry nothing for the feed
          try { upsertAlerts([normaliseAlert(JSON.parse(ev.data))]); } catch { /* ignore a malformed event */ }
        });
      } catch (e) {
        if (gen !== state.generation || e.name === 'AbortError' || e.status === 401) return;
        if (e.status) setErrors('stream', [e]);
      }
      if (gen !== state.generation) return;
      setStreamStatus('down', `reconnecting in ${Math.round(delay / 1000)}s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }

  // ---- Session -----------------------------------------------------------

  // ---- Orleans Dashboard access (admins) -----------------------------------
  // Its pages cannot send the bearer header, so an admin's token goes in a cookie for /dashboard only (the API reads
  // it there and nowhere else; see DashboardCookie.cs).

  function tokenRoles(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)));
      return [].concat(claims.role || []);
    } catch {
      return [];
    }
  }

  function setDashboardCookie(token) {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    const admin = token && tokenRoles(token).includes('admin');
    document.cookie = admin
      ? `ott_dashboard=${encodeURIComponent(token)}; Path=/dashboard; SameSite=Strict${secure}`
      : `ott_dashboard=; Path=/dashboard; Max-Age=0; SameSite=Strict${secure}`;
    const link = $('orleans-link');
    if (link) link.hidden = !admin;
  }

  function showDashboard(user) {
    state.generation += 1;
    state.inflight = {};
    state.prev = null;
    state.rates = [];
    state.alerts = new Map();
    state.lastEventId = '';
    const root = $('dashboard-root');
    root.replaceChildren($('dashboard-template').content.cloneNode(true));
    $('login-view').hidden = true;
    $('session-bar').hidden = false;
    setText('user-name', user || '');
    setDashboardCookie(state.token);
    setText('last-refresh', '');
    setStreamStatus('connecting', 'connecting');
    $('alert-feed').addEventListener('click', (e) => {
      const button = e.target.closest('button[data-ack]');
      if (button) acknowledge(button);
    });
    refreshNow();
    runStream(state.generation);
  }

  function showLogin(message) {
    state.generation += 1;
    state.inflight = {};
    state.token = null;
    stopTimers();
    if (state.streamAbort) state.streamAbort.abort();
    [TOKEN_KEY, USER_KEY, EXPIRES_KEY].forEach((k) => sessionStorage.removeItem(k));
    setDashboardCookie(null);
    $('dashboard-root').replaceChildren();
    $('session-bar').hidden = true;
    $('login-view').hidden = false;
    const msg = $('login-message');
    msg.textContent = message || '';
    msg.hidden = !message;
    state.errors = {};
    updateBanner();
    $('username').focus();
  }

  function sessionEnded(message) {
    if (state.token) showLogin(message);
  }

  async function login(e) {
    e.preventDefault();
    const button = $('login');
    const username = $('username').value.trim();
    button.disabled = true;
    try {
      const t = await api('/token', { method: 'POST', auth: false, body: { username, password: $('password').value } });
      if (!t || !t.access_token) throw new ApiError(0, 'Unexpected response', 'No access_token in the reply.', '/token');
      sessionStorage.setItem(TOKEN_KEY, t.access_token);
      sessionStorage.setItem(USER_KEY, username);
      if (isNum(t.expires_in)) sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + t.expires_in * 1000));
      $('password').value = '';
      $('login-message').hidden = true;
      state.errors = {};
      updateBanner();
      state.token = t.access_token;
      showDashboard(username);
    } catch (err) {
      setErrors('login', [err]);
    } finally {
      button.disabled = false;
    }
  }

  function init() {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => showLogin('You have been signed out.'));
    $('refresh').addEventListener('click', () => refreshNow());
    $('error-dismiss').addEventListener('click', () => {
      state.dismissedKey = state.bannerKey;
      $('error-banner').hidden = true;
    });
    document.addEventListener('visibilitychange', () => (document.hidden ? stopTimers() : refreshNow()));

    const token = sessionStorage.getItem(TOKEN_KEY);
    const expires = Number(sessionStorage.getItem(EXPIRES_KEY) || 0);
    if (token && (!expires || expires > Date.now())) {
      state.token = token;
      showDashboard(sessionStorage.getItem(USER_KEY));
    } else {
      showLogin(token ? 'Your session has expired. Please sign in again.' : '');
    }
  }

  window.ottDashboard = Object.freeze({ refreshNow: () => refreshNow() });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
