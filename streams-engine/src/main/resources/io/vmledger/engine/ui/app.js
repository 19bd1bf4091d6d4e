// vmledger web UI: hash routes, fleet, device and alerts pages. The VM map is in map.js.
import { mapPage } from "./map.js";
import { api, el, hex, bytes, time, esc, setStatus } from "./util.js";

const view = document.getElementById("view");
let stop = () => {};

function route() {
  stop();
  stop = () => {};
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query || "");
  const s = path.split("/").filter(Boolean).map(decodeURIComponent);
  view.replaceChildren();
  if (s[0] === "device" && s.length === 2) stop = devicePage(s[1]);
  else if (s[0] === "map" && s.length === 3) stop = mapPage(view, s[1], Number(s[2]), params);
  else if (s[0] === "alerts") stop = alertsPage();
  else stop = fleetPage();
}
window.addEventListener("hashchange", route);
route();

/** Polls fn every ms until the page is left; returns the stop function. */
function every(ms, fn) {
  let alive = true;
  let timer = null;
  const run = async () => {
    try { await fn(); setStatus(""); } catch (e) { setStatus(String(e.message || e), true); }
    if (alive) timer = setTimeout(run, ms);
  };
  run();
  return () => { alive = false; clearTimeout(timer); };
}

function countBy(rows) {
  const m = new Map();
  for (const r of rows) m.set(r.device, (m.get(r.device) || 0) + 1);
  return m;
}

function fleetPage() {
  view.append(el("h2", "Fleet"));
  const table = el("table");
  table.innerHTML = "<thead><tr><th>device</th><th class=num>events/s</th><th class=num>last seq</th><th>last event</th><th class=num>VMs</th><th class=num>VAs</th><th class=num>live BO bytes</th><th class=num>alerts</th><th class=num>coredumps</th></tr></thead><tbody></tbody>";
  view.append(table);
  const last = new Map();
  let outputsAt = -Infinity;
  let alerts = new Map();
  let dumps = new Map();
  return every(2000, async () => {
    const now = performance.now();
    if (now - outputsAt > 5000) {
      outputsAt = now;
      alerts = countBy((await api("/alerts")).alerts);
      dumps = countBy((await api("/coredumps")).coredumps);
    }
    const devices = await api("/devices");
    const list = devices.devices || [];
    const rows = await Promise.all(list.map(async (d) => {
      const o = await api(`/devices/${encodeURIComponent(d.device)}/overview`);
      const prev = last.get(d.device);
      const rate = prev ? (o.last_seq - prev.seq) / ((now - prev.at) / 1000) : 0;
      last.set(d.device, { seq: o.last_seq, at: now });
      const u = `#/device/${encodeURIComponent(d.device)}`;
      return `<tr><td><a href="${u}">${esc(d.device)}</a></td><td class=num>${rate.toFixed(1)}</td><td class=num>${o.last_seq}</td><td>${time(o.last_ts)}</td><td class=num>${o.vm_count}</td><td class=num>${o.va_count}</td><td class=num>${bytes(o.summary.total)}</td><td class=num>${alerts.get(d.device) || 0}</td><td class=num>${dumps.get(d.device) || 0}</td></tr>`;
    }));
    table.tBodies[0].innerHTML = rows.join("") || "<tr><td colspan=9>no devices yet</td></tr>";
  });
}

function devicePage(device) {
  const d = encodeURIComponent(device);
  view.append(el("h2", `Device ${device}`));
  const actions = el("p");
  actions.className = "actions";
  actions.innerHTML = `<a id="perfetto-export" download="${esc(device)}.perfetto.json" href="/devices/${d}/perfetto">Export timeline for Perfetto</a>: the device's ledger as a trace file; open it at ui.perfetto.dev (Open trace file) or with trace_processor.`;
  view.append(actions);
  const body = el("div");
  view.append(body);
  return every(3000, async () => {
    const [o, a, c] = await Promise.all([
      api(`/devices/${d}/overview`),
      api(`/alerts?device=${d}`),
      api(`/coredumps?device=${d}`),
    ]);
    const s = o.summary;
    const vms = o.vms.map((v) => `<tr><td><a href="#/map/${d}/${v.vm}">VM ${v.vm}</a></td><td>${v.mode}</td><td class=num>${v.vas}</td><td class=num>${v.ptes}</td><td>${v.unusable ? "unusable" : ""}${v.closed ? " closed" : ""}</td></tr>`).join("");
    const bos = o.bos.map((b) => `<tr><td>${b.bo}</td><td>${esc(b.name || "")}</td><td class=num>${bytes(b.size)}</td><td class=num>${b.handles}</td><td class=num>${b.dmabufs}</td><td class=num>${b.vma_ref}</td><td class=num>${b.pins}</td><td class=num>${b.vmaps}</td><td class=num>${b.vmas}</td><td>${b.madv}</td></tr>`).join("");
    body.innerHTML = `
      <div class="row">
        <div class="card kv mono"><span>drm-total-memory</span><span>${bytes(s.total)}</span><span>drm-shared-memory</span><span>${bytes(s.shared)}</span><span>drm-resident-memory</span><span>${bytes(s.resident)}</span><span>drm-purgeable-memory</span><span>${bytes(s.purgeable)}</span></div>
        <div class="card kv"><span>live BOs</span><span>${s.bos}</span><span>VMs</span><span>${o.vm_count}</span><span>VAs</span><span>${o.va_count}</span><span>last seq</span><span>${o.last_seq} at ${time(o.last_ts)}</span><span title="fb_prepares that reused a display VMA kept only by vma_ref: each an unmap + TLB invalidation (4-6 ms for a 1080p scanout buffer) saved">display unmaps avoided</span><span id="unmaps-avoided">${o.display_unmaps_avoided}</span></div>
      </div>
      <h3>VMs</h3><table><thead><tr><th>VM</th><th>mode</th><th class=num>VAs</th><th class=num>PTEs</th><th></th></tr></thead><tbody>${vms}</tbody></table>
      <h3>Alerts (${a.alerts.length})</h3>${alertTable(a.alerts)}
      <h3>Coredumps (${c.coredumps.length})</h3>${dumpTable(c.coredumps)}
      <h3>Live BOs</h3><table><thead><tr><th>BO</th><th>name</th><th class=num>size</th><th class=num>handles</th><th class=num>dma-bufs</th><th class=num>vma_ref</th><th class=num>pins</th><th class=num>vmaps</th><th class=num>VMAs</th><th>madv</th></tr></thead><tbody>${bos}</tbody></table>`;
  });
}

function mapLink(device, vm, params) {
  return `#/map/${encodeURIComponent(device)}/${vm}?${new URLSearchParams(params)}`;
}

function alertTable(rows) {
  const tr = rows.slice().reverse().map((r) => {
    const subject = r.vm === null
      ? `<a href="#/device/${encodeURIComponent(r.device)}">${esc(r.device)}</a>`
      : `<a class="subject" href="${mapLink(r.device, r.vm, r.bo === null ? { seq: r.seq } : { seq: r.seq, bo: r.bo })}">VM ${r.vm}${r.bo === null ? "" : " BO " + r.bo}</a>`;
    return `<tr><td>${esc(r.time)}</td><td class="sev-${r.severity}">${r.severity}</td><td>${esc(r.rule)}</td><td>${esc(r.device)}</td><td>${subject}</td><td class=num>${r.seq}</td><td>${esc(r.evidence)}</td></tr>`;
  }).join("");
  return `<table class="alerts"><thead><tr><th>raised</th><th>severity</th><th>rule</th><th>device</th><th>subject</th><th class=num>seq</th><th>evidence</th></tr></thead><tbody>${tr}</tbody></table>`;
}

function dumpTable(rows) {
  const tr = rows.slice().reverse().map((r) => {
    const where = r.iova === undefined ? "" : hex(r.iova);
    const link = mapLink(r.device, r.vm, r.iova === undefined ? { seq: r.seq } : { seq: r.seq, iova: hex(r.iova) });
    return `<tr><td>${time(r.ts)}</td><td>${r.reason}</td><td><a href="${link}">VM ${r.vm} ${where}</a></td><td>${esc(r.fault_type || "")}${r.write ? " write" : r.iova === undefined ? "" : " read"}</td><td class=num>${r.seq}</td></tr>`;
  }).join("");
  return `<table><thead><tr><th>time</th><th>reason</th><th>where</th><th>fault</th><th class=num>seq</th></tr></thead><tbody>${tr}</tbody></table>`;
}

function alertsPage() {
  view.append(el("h2", "Alerts"));
  const body = el("div");
  view.append(body);
  return every(5000, async () => {
    body.innerHTML = alertTable((await api("/alerts")).alerts);
  });
}
