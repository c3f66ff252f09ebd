// The soak's verdict and pictures (bench/soak/soak.mjs): least-squares slopes per hour of
// the samples after the warm-up, each against its bound; soak.json, soak.svg (plain SVG text,
// no plotting library) and soak.md. Also runs on its own to redraw from a CSV:
//   node bench/soak/report.mjs DIR   (DIR holds soak.csv and soak.json from a run)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The figures the soak judges: how each is read from a sample row, its unit per hour.
const SERIES = {
  ownMiB: { label: 'heap (anonymous RSS) less the store\'s page caches', unit: 'MiB', value: (r) => (r.anon_kib - r.store_cache_kib) / 1024 },
  fdsOverConnections: { label: 'descriptors beyond client connections', unit: '', value: (r) => r.fds - r.server_connections },
  threads: { label: 'threads', unit: '', value: (r) => r.threads },
  walMiB: { label: 'WAL file', unit: 'MiB', value: (r) => r.wal_bytes / 1048576 },
  deliveryP50Ms: { label: 'publish→delivery p50', unit: 'ms', value: (r) => num(r.delivery_p50_ms) },
  deliveryP99Ms: { label: 'publish→delivery p99', unit: 'ms', value: (r) => num(r.delivery_p99_ms) },
  publishP99Ms: { label: 'POST round trip p99', unit: 'ms', value: (r) => num(r.publish_p99_ms) },
};
function num(v) { return v === '' || v === undefined ? NaN : Number(v); }

// Least squares of y on x (x in hours); NaN points are left out.
function leastSquares(xs, ys) {
  const pts = xs.map((x, i) => [x, ys[i]]).filter(([, y]) => Number.isFinite(y));
  const n = pts.length;
  if (n < 3) return { slope: NaN, intercept: NaN, n };
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, n };
}

export function fitSlope(rows, warmupMinutes, bounds) {
  const kept = rows.filter((r) => r.minute >= warmupMinutes);
  const xs = kept.map((r) => r.minute / 60);
  const fit = {};
  for (const [k, s] of Object.entries(SERIES)) {
    const ys = kept.map(s.value);
    const f = leastSquares(xs, ys);
    const finite = ys.filter(Number.isFinite);
    fit[k] = { ...f, first: finite[0], last: finite[finite.length - 1], max: Math.max(...finite), bound: bounds[k] };
  }
  // The database grows with what is stored (retention is counted in days): its growth per
  // hour over the notifications stored per hour is bytes per notification.
  const db = leastSquares(xs, kept.map((r) => Number(r.db_bytes)));
  const stored = leastSquares(xs, kept.map((r) => Number(r.notifications_stored)));
  fit.dbBytesPerNotification = { slope: db.slope / stored.slope, dbBytesPerHour: db.slope, storedPerHour: stored.slope,
    n: db.n, bound: bounds.dbBytesPerNotification };
  return fit;
}

function verdict(fit, meta) {
  const failed = [];
  for (const [k, f] of Object.entries(fit))
    if (!(f.slope <= f.bound)) failed.push(`${k} ${Number.isFinite(f.slope) ? f.slope.toFixed(2) : 'not measured'} > ${f.bound}`);
  if (meta.died) failed.push(meta.died);
  if (meta.totals.publishFailed) failed.push(`${meta.totals.publishFailed} publishes failed`);
  if (meta.readyAtEnd !== 200) failed.push(`/readyz answered ${meta.readyAtEnd} at the end`);
  return failed;
}

const LEGEND = { rssMiB: 'RSS', anonMiB: 'anonymous', cacheMiB: 'page caches', ownMiB: 'judged', fdsAll: 'all',
  fdsOverConnections: 'beyond connections', dbMiB: 'database', walMiB: 'WAL', deliveryP50Ms: 'p50', deliveryP99Ms: 'p99' };

// Four panels over time, each with its fitted line over the judged part.
function svg(rows, fit, meta) {
  const W = 900;
  const PH = 170;
  const panels = [
    { title: 'memory (MiB); judged: anonymous less the page caches', lines: [['rssMiB', '#aec7e8'], ['anonMiB', '#c5b0d5'], ['cacheMiB', '#17becf'], ['ownMiB', '#1f77b4']] },
    { title: 'descriptors', lines: [['fdsAll', '#7f7f7f'], ['fdsOverConnections', '#d62728']] },
    { title: 'store files (MiB)', lines: [['dbMiB', '#2ca02c'], ['walMiB', '#9467bd']] },
    { title: 'publish→delivery (ms)', lines: [['deliveryP50Ms', '#ff7f0e'], ['deliveryP99Ms', '#8c564b']] },
  ];
  const extra = { fdsAll: (r) => r.fds, dbMiB: (r) => r.db_bytes / 1048576, rssMiB: (r) => r.rss_kib / 1024, anonMiB: (r) => r.anon_kib / 1024,
    cacheMiB: (r) => r.store_cache_kib / 1024 };
  const val = (k, r) => (SERIES[k] ? SERIES[k].value(r) : extra[k](r));
  const xmax = Math.max(...rows.map((r) => r.minute), 1);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${panels.length * (PH + 40) + 50}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="20" font-size="14">notifyd soak: ${meta.minutes} min, ${meta.connections} tabs churning, ${meta.rate} publishes/s, a sample every ${meta.sampleSeconds} s (${meta.commit}, ${meta.date.slice(0, 16)}Z)</text>`,
    `<text x="10" y="36" font-size="12">dashed: the least-squares slope after the ${fmt(meta.warmupMinutes, 0)}-minute warm-up, the figure judged</text>`];
  panels.forEach((p, i) => {
    const top = 46 + i * (PH + 40);
    const left = 70;
    const w = W - left - 20;
    const ys = rows.flatMap((r) => p.lines.map(([k]) => val(k, r))).filter(Number.isFinite);
    // A few spikes (a stall of seconds) would flatten everything else: the axis stops at
    // three times the 95th percentile, and what is above is drawn at the top with its value.
    const sorted = [...ys].sort((a, b) => a - b);
    const cap = 3 * (sorted[Math.floor(sorted.length * 0.95)] ?? 1);
    const ymax = Math.min(Math.max(...ys, 1), Math.max(cap, 1)) * 1.1;
    const ymin = Math.min(0, ...ys);
    const X = (m) => left + (m / xmax) * w;
    const Y = (v) => top + 20 + PH - ((v - ymin) / (ymax - ymin)) * PH;
    out.push(`<text x="${left}" y="${top + 12}">${p.title}</text>`);
    p.lines.forEach(([k, colour], j) => out.push(`<text x="${W - 20}" y="${top + 12 + 0 * j}" dx="${-(p.lines.length - 1 - j) * 170}" text-anchor="end" fill="${colour}">■ ${LEGEND[k] ?? k}</text>`));
    out.push(`<rect x="${left}" y="${top + 20}" width="${w}" height="${PH}" fill="none" stroke="#ccc"/>`);
    for (const f of [0, 0.5, 1]) {
      const v = ymin + f * (ymax - ymin);
      out.push(`<text x="${left - 6}" y="${Y(v) + 4}" text-anchor="end">${v < 10 ? v.toFixed(1) : Math.round(v)}</text>`);
    }
    for (const f of [0, 0.25, 0.5, 0.75, 1])
      out.push(`<text x="${X(f * xmax)}" y="${top + PH + 34}" text-anchor="middle">${Math.round(f * xmax)} min</text>`);
    for (const [k, colour] of p.lines) {
      const pts = rows.map((r) => [r.minute, val(k, r)]).filter(([, v]) => Number.isFinite(v));
      const cut = ymax / 1.1;
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${pts.map(([m, v]) => `${X(m).toFixed(1)},${Y(Math.min(v, cut)).toFixed(1)}`).join(' ')}"/>`);
      for (const [m, v] of pts.filter(([, v]) => v > cut))
        out.push(`<text x="${X(m).toFixed(1)}" y="${(Y(cut) - 3).toFixed(1)}" fill="${colour}" text-anchor="middle" font-size="10">↑${Math.round(v)}</text>`);
      const f = fit[k];
      if (f && Number.isFinite(f.slope)) {
        const a = meta.warmupMinutes;
        const line = [a, xmax].map((m) => [X(m), Y(f.intercept + f.slope * (m / 60))]);
        out.push(`<line x1="${line[0][0].toFixed(1)}" y1="${line[0][1].toFixed(1)}" x2="${line[1][0].toFixed(1)}" y2="${line[1][1].toFixed(1)}" stroke="${colour}" stroke-dasharray="5,4"/>`);
      }
    }
  });
  out.push('</svg>');
  return out.join('\n');
}

function fmt(v, d = 2) { return Number.isFinite(v) ? v.toFixed(d) : '—'; }

function markdown(rows, fit, meta, failed) {
  const last = rows[rows.length - 1] ?? {};
  const t = meta.totals;
  const o = [];
  o.push('## Long soak: growth per hour under churn');
  o.push('');
  o.push(`\`bench/run soak\` at ${meta.commit}, ${meta.date.slice(0, 16)}Z, ${meta.cpu ? `${meta.cpu}, ` : ''}${meta.cores} cores shared with other builds: ` +
    `${meta.minutes} minutes, ${meta.connections} tabs (70% plain, 20% Socket.IO, 10% SSE), ${meta.rate} publishes/s to 1–4 users, ` +
    `a sample every ${meta.sampleSeconds} s, slopes fitted after a ${fmt(meta.warmupMinutes, 0)}-minute warm-up; ` +
    `notifyd and the load ran at nice ${meta.nice ?? 0}, so the latencies include waiting behind other work. ` +
    `**${failed.length ? `Failed: ${failed.join('; ')}` : 'Passed'}.**`);
  o.push('');
  o.push(`Over the run: ${t.opened} connections opened (${fmt(t.opened / (meta.minutes / 60), 0)}/h), ${t.expired} ended by the server ` +
    `on expiry or revocation, ${t.refreshed} tokens renewed, ${t.published} publishes (${t.notificationsStored} notifications stored), ` +
    `${t.deliveries} deliveries, ${t.requests} client requests (${t.reads} mark_read, ${t.deletes} delete), ${t.traced} trace records ` +
    `on the console; ${t.publishFailed} publishes failed. At the end: RSS ${fmt(last.rss_kib / 1024, 1)} MiB ` +
    `(of which the store's page caches ${fmt(last.store_cache_kib / 1024, 1)} MiB), ${last.fds} descriptors ` +
    `for ${last.server_connections} client connections, ${last.threads} threads, database ${fmt(last.db_bytes / 1048576, 1)} MiB, ` +
    `WAL ${fmt(last.wal_bytes / 1048576, 1)} MiB.`);
  o.push('');
  o.push('| figure | first → last judged sample | slope per hour | bound per hour | |');
  o.push('|---|---|---|---|---|');
  for (const [k, s] of Object.entries(SERIES)) {
    const f = fit[k];
    o.push(`| ${s.label}${s.unit ? ` (${s.unit})` : ''} | ${fmt(f.first, 1)} → ${fmt(f.last, 1)} | ${fmt(f.slope)} | ≤ ${f.bound} | ${f.slope <= f.bound ? 'ok' : '**over**'} |`);
  }
  const d = fit.dbBytesPerNotification;
  o.push(`| database growth per notification stored (bytes) | ${fmt(d.dbBytesPerHour / 1048576, 1)} MiB/h for ${fmt(d.storedPerHour, 0)} notifications/h | ${fmt(d.slope, 0)} | ≤ ${d.bound} | ${d.slope <= d.bound ? 'ok' : '**over**'} |`);
  o.push('');
  o.push('![soak](../bench/soak.svg)');
  o.push('');
  o.push('The bounds (bench/soak/soak.mjs `BOUNDS`) are growth per hour, judged on the least-squares slope of the samples ' +
    'after the warm-up, never on a level: ' +
    `**Heap less the store's page caches ${meta.bounds.ownMiB} MiB/h** (\`RssAnon\` of /proc/PID/status: the file-backed part of RSS, ` +
    `code and libraries paged in as paths first run, is not memory the process allocates): the soak opens about ${fmt(t.opened / (meta.minutes / 60), 0)} connections and stores about ` +
    `${fmt(t.notificationsStored / (meta.minutes / 60), 0)} notifications an hour, so a leak of 1 KiB per connection or of 100 bytes per ` +
    'notification crosses it, while the allocator\'s arenas, once warm, move far less. SQLite\'s page caches ' +
    '(`notify_store_cache_bytes`) are left out of it: each store connection (the writer and two readers) caches up to 64 MiB of ' +
    'pages (shared/store/storeconnection.cpp), filled as the database grows, so they grow for as long as a soak of an hour lasts ' +
    'and level off at their ceiling; they are plotted, not judged. ' +
    `**Descriptors ${meta.bounds.fdsOverConnections}/h** beyond the open client connections (\`notify_connections\`): one lost ` +
    'descriptor per thousand or so connections crosses it. ' +
    `**Threads ${meta.bounds.threads}/h**: the thread set is fixed at start (shards, writer, readers, HTTP), any growth is a leak. ` +
    `**WAL ${meta.bounds.walMiB} MiB/h**: checkpoints bring the WAL back to its start; steady growth means they are starved. ` +
    `**Database ${meta.bounds.dbBytesPerNotification} bytes per notification stored**: retention counts in days, so the database ` +
    'grows with what is stored (a row, its content and their index entries take a few hundred bytes: "Storage layout" below); more ' +
    'than that means something else accumulates (sessions, the audit log, free pages never reused). ' +
    `**Latency ${meta.bounds.deliveryP50Ms} ms/h at p50, ${meta.bounds.deliveryP99Ms} ms/h at p99**: B-tree depth grows with the ` +
    'logarithm of the rows, so a delivery or a POST that slows down linearly means a scan or a queue that grows; the p99 bound is ' +
    'wider because other builds share the two cores.');
  o.push('');
  return o.join('\n');
}

export function writeReport(dir, rows, fit, meta, bounds) {
  const failed = verdict(fit, meta);
  writeFileSync(path.join(dir, 'soak.json'), JSON.stringify({ meta, bounds, fit, failed }, null, 1));
  writeFileSync(path.join(dir, 'soak.svg'), svg(rows, fit, meta));
  writeFileSync(path.join(dir, 'soak.md'), markdown(rows, fit, { ...meta, bounds }, failed));
  return failed;
}

export function readCsv(file) {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const keys = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v === '' ? '' : Number(v)])));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  const { meta, bounds } = JSON.parse(readFileSync(path.join(dir, 'soak.json'), 'utf8'));
  const rows = readCsv(path.join(dir, 'soak.csv'));
  const failed = writeReport(dir, rows, fitSlope(rows, meta.warmupMinutes, bounds), meta, bounds);
  console.error(failed.length ? `FAILED: ${failed.join('; ')}` : 'passed');
  process.exit(failed.length ? 1 : 0);
}
