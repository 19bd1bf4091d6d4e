// The VM map: a VM's address space as a zoomable, pannable canvas strip, fetched at the
// visible resolution (/devices/{d}/vms/{vm}/map?from=&to=&px=), with time travel over the
// device's ledger (/devices/{d}/timeline, ?seq=) and faults marked at their address.
//
// Addresses are JS numbers: exact below 2^53, and GPU VM windows end at 2^48.
//
// For tests, window.vmledgerMap holds what is drawn: {device, vm, from, to, seq, px, width,
// collapse, loading, version, drawn: [{addr, range, bo, vas, x, w, isNull, dump, mixed}],
// faults: [{seq, iova, x, write, fault_type}], entry: {seq, type, status}|null}.
import { api, el, hex, bytes, time, esc, setStatus } from "./util.js";

const PAGE = 4096;
const GAP_PX = 14; // width of a collapsed empty stretch
const COLLAPSE_ABOVE_PX = 48; // empty stretches wider than this collapse
const STRIP_TOP = 22, STRIP_H = 80, COVER_TOP = 108, COVER_H = 10;

export function mapPage(view, device, vm, params) {
  const d = encodeURIComponent(device);
  const model = (window.vmledgerMap = {
    device, vm, from: 0, to: 0, seq: null, px: 0, width: 0, collapse: params.get("collapse") !== "0",
    loading: true, version: 0, drawn: [], faults: [], entry: null, error: null,
  });
  let alive = true;
  let vmWindow = null;
  let timeline = [];
  let index = -1; // position on the timeline; -1 = live
  let segments = [];
  let focusBo = params.has("bo") ? Number(params.get("bo")) : null;
  const focusIova = params.has("iova") ? Number(params.get("iova")) : null;

  view.append(el("h2", `Device ${device} · VM ${vm}`));
  const bar = el("div");
  bar.className = "row";
  const btn = (label, fn, title) => { const b = el("button", label); b.onclick = fn; if (title) b.title = title; bar.append(b); return b; };
  btn("whole window", () => { setRange(vmWindow.start, vmWindow.start + vmWindow.size - 1); });
  btn("zoom in", () => zoomAt(model.width / 2, 0.25));
  btn("zoom out", () => zoomAt(model.width / 2, 4));
  const collapseBtn = btn("collapse empty", () => { model.collapse = !model.collapse; collapseBtn.classList.toggle("on", model.collapse); draw(); });
  collapseBtn.classList.toggle("on", model.collapse);
  const range = el("span");
  range.className = "mono";
  bar.append(range);
  const legend = el("span");
  legend.className = "legend";
  legend.innerHTML = '<i style="background:#4a9"></i>VA (colour = BO)<i style="background:repeating-linear-gradient(45deg,#888 0 2px,#0000 2px 5px)"></i>NULL<i style="background:#f5d742"></i>DUMP<i style="background:#ff4d4d"></i>fault<i style="background:#3b6"></i>PTEs';
  bar.append(legend);
  view.append(bar);

  const layout = el("div");
  layout.className = "layout";
  const left = el("div");
  const side = el("div");
  side.className = "side card";
  side.innerHTML = "<em>hover the map for facts; click a BO for its lifecycle and history</em>";
  layout.append(left, side);
  view.append(layout);

  const canvas = el("canvas");
  canvas.id = "map";
  left.append(canvas);
  const tl = el("canvas");
  tl.id = "timeline";
  left.append(tl);
  const slider = el("input");
  slider.type = "range";
  slider.id = "time";
  slider.min = 0;
  slider.max = 0;
  left.append(slider);
  const tbar = el("div");
  tbar.className = "row";
  const back = el("button", "◀ step back"); back.id = "step-back";
  const fwd = el("button", "step forward ▶"); fwd.id = "step-forward";
  const live = el("button", "live"); live.id = "live";
  const when = el("span"); when.id = "when";
  tbar.append(back, fwd, live, when);
  left.append(tbar);
  const op = el("pre");
  op.className = "op mono";
  op.id = "op";
  left.append(op);
  const faultList = el("div");
  left.append(faultList);

  const tip = document.getElementById("tip");
  const ctx = canvas.getContext("2d");
  const hatch = makeHatch();

  function sizeCanvas() {
    const r = canvas.getBoundingClientRect();
    model.width = Math.max(100, Math.floor(r.width));
    const dpr = window.devicePixelRatio || 1;
    canvas.width = model.width * dpr;
    canvas.height = 150 * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    tl.width = model.width * dpr;
    tl.height = 26 * dpr;
    tl.getContext("2d").setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  // ---- data ----
  let fetching = 0;
  async function load() {
    const my = ++fetching;
    model.loading = true;
    const q = new URLSearchParams({ from: String(model.from), to: String(model.to), px: String(model.width) });
    if (model.seq !== null) q.set("seq", String(model.seq));
    try {
      const m = await api(`/devices/${d}/vms/${vm}/map?${q}`);
      if (my !== fetching || !alive) return;
      items = m.items;
      pagetable = m.pagetable;
      model.error = null;
      setStatus("");
    } catch (e) {
      if (my !== fetching || !alive) return;
      items = [];
      model.error = String(e.message || e);
      setStatus(model.error, true);
    }
    model.loading = false;
    draw();
  }
  let items = [];
  let pagetable = null;

  let dumps = new Map(); // coredump summaries by seq
  async function loadTimeline() {
    try {
      const [t, c] = await Promise.all([api(`/devices/${d}/timeline`), api(`/coredumps?device=${d}`)]);
      timeline = t.entries;
      dumps = new Map(c.coredumps.map((x) => [x.seq, x]));
    } catch (e) {
      timeline = [];
      setStatus(String(e.message || e), true);
    }
    slider.max = Math.max(0, timeline.length - 1);
    if (index < 0) slider.value = slider.max;
    drawTimeline();
  }

  // ---- geometry: address <-> x, with empty stretches collapsed ----
  function buildSegments() {
    const W = model.width;
    const total = model.to - model.from + 1;
    const linear = W / total;
    const pieces = [];
    let at = model.from;
    const gapsAndFills = [];
    for (const it of items) {
      if (it.addr > at) gapsAndFills.push({ a: at, b: it.addr, empty: true });
      gapsAndFills.push({ a: it.addr, b: it.addr + it.range, empty: false });
      at = it.addr + it.range;
    }
    if (at <= model.to) gapsAndFills.push({ a: at, b: model.to + 1, empty: true });
    let collapsedCount = 0, collapsedBytes = 0;
    for (const g of gapsAndFills) {
      g.collapsed = model.collapse && g.empty && (g.b - g.a) * linear > COLLAPSE_ABOVE_PX;
      if (g.collapsed) { collapsedCount++; collapsedBytes += g.b - g.a; }
    }
    const rest = total - collapsedBytes;
    const scale = rest > 0 ? Math.max(0, W - collapsedCount * GAP_PX) / rest : 0;
    let x = 0;
    for (const g of gapsAndFills) {
      const w = g.collapsed ? GAP_PX : (g.b - g.a) * scale;
      pieces.push({ a: g.a, b: g.b, x0: x, x1: x + w, collapsed: g.collapsed });
      x += w;
    }
    segments = pieces.length ? pieces : [{ a: model.from, b: model.to + 1, x0: 0, x1: W, collapsed: false }];
  }
  function xOf(addr) {
    let lo = 0, hi = segments.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (segments[mid].a <= addr) lo = mid; else hi = mid - 1; }
    const s = segments[lo];
    if (addr <= s.a) return s.x0;
    if (addr >= s.b) return s.x1;
    return s.x0 + ((addr - s.a) / (s.b - s.a)) * (s.x1 - s.x0);
  }
  function addrOf(x) {
    for (const s of segments) {
      if (x <= s.x1) return Math.round(s.a + ((x - s.x0) / Math.max(1e-9, s.x1 - s.x0)) * (s.b - s.a));
    }
    return model.to;
  }
  model.xOf = (a) => xOf(a);

  // ---- drawing ----
  function colour(bo) {
    const h = (Number(bo) * 137.508) % 360;
    return `hsl(${h},55%,52%)`;
  }
  function draw() {
    if (!alive) return;
    buildSegments();
    const W = model.width;
    ctx.clearRect(0, 0, W, 150);
    ctx.fillStyle = "#8a93a3";
    ctx.font = "11px ui-monospace, monospace";
    ctx.fillText(hex(model.from), 2, 12);
    const end = hex(model.to + 1);
    ctx.fillText(end, W - ctx.measureText(end).width - 2, 12);
    for (const s of segments) {
      if (!s.collapsed) continue;
      ctx.strokeStyle = "#555";
      ctx.beginPath();
      const mx = (s.x0 + s.x1) / 2;
      ctx.moveTo(mx - 3, STRIP_TOP); ctx.lineTo(mx + 3, STRIP_TOP + STRIP_H / 2); ctx.lineTo(mx - 3, STRIP_TOP + STRIP_H);
      ctx.stroke();
    }
    const drawn = [];
    for (const it of items) {
      const x0 = xOf(it.addr);
      const w = Math.max(1, xOf(it.addr + it.range) - x0);
      const isNull = it.bo === null && !it.mixed;
      if (isNull) {
        ctx.fillStyle = hatch;
      } else {
        ctx.fillStyle = it.mixed ? "#7d8796" : colour(it.bo);
      }
      // a merged item is as opaque as it is full: half-mapped stretches look half-mapped
      ctx.globalAlpha = it.vas > 1 ? 0.3 + 0.7 * ((it.bo_bytes + it.null_bytes) / it.range) : 1;
      ctx.fillRect(x0, STRIP_TOP, w, STRIP_H);
      ctx.globalAlpha = 1;
      if (focusBo !== null && it.bo === focusBo) {
        ctx.strokeStyle = "#fff"; ctx.lineWidth = 2; ctx.strokeRect(x0 + 1, STRIP_TOP + 1, Math.max(1, w - 2), STRIP_H - 2); ctx.lineWidth = 1;
      }
      if (it.dump) {
        ctx.fillStyle = "#f5d742";
        ctx.fillRect(x0, STRIP_TOP, w, 5);
      }
      // page-table coverage: the share of the item's bytes whose PTEs are populated
      const cover = it.bo_bytes / it.range;
      ctx.fillStyle = "#3b6";
      ctx.globalAlpha = 0.25 + 0.75 * cover;
      ctx.fillRect(x0, COVER_TOP, w, COVER_H);
      ctx.globalAlpha = 1;
      drawn.push({ addr: it.addr, range: it.range, bo: it.bo, vas: it.vas, x: x0, w, isNull, dump: it.dump, mixed: it.mixed, offset: it.offset });
    }
    const faults = [];
    for (const f of visibleFaults()) {
      const x = xOf(f.fault.iova);
      ctx.fillStyle = "#ff4d4d";
      ctx.beginPath();
      ctx.moveTo(x, STRIP_TOP + STRIP_H + 2); ctx.lineTo(x - 5, STRIP_TOP + STRIP_H + 12); ctx.lineTo(x + 5, STRIP_TOP + STRIP_H + 12);
      ctx.fill();
      ctx.fillRect(x - 0.5, STRIP_TOP - 4, 1, STRIP_H + 6);
      faults.push({ seq: f.seq, iova: f.fault.iova, x, write: f.fault.write, fault_type: f.fault.fault_type });
    }
    if (focusIova !== null && focusIova >= model.from && focusIova <= model.to) {
      const x = xOf(focusIova);
      ctx.strokeStyle = "#fff"; ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(x, STRIP_TOP - 6); ctx.lineTo(x, COVER_TOP + COVER_H); ctx.stroke(); ctx.setLineDash([]);
    }
    ctx.fillStyle = "#8a93a3";
    const pt = pagetable ? `page tables: L1 ${pagetable.l1} L2 ${pagetable.l2} L3 ${pagetable.l3}, ${pagetable.ptes} PTEs` : "";
    ctx.fillText(`${items.reduce((n, i) => n + i.vas, 0)} VAs in view · ${pt}`, 2, 146);
    model.drawn = drawn;
    model.faults = faults;
    model.version++;
    range.textContent = ` ${hex(model.from)} – ${hex(model.to + 1)} (${bytes(model.to - model.from + 1)})`;
    drawTimeline();
    listFaults();
  }

  /** Faults of this VM up to the entry shown (all of them when live). */
  function visibleFaults() {
    return timeline.filter((e, i) => e.fault && e.fault.vm === vm && (index < 0 || i <= index)
      && e.fault.iova >= model.from && e.fault.iova <= model.to);
  }

  let listed = null;
  function listFaults() {
    const fs = timeline.filter((e, i) => e.fault && e.fault.vm === vm && (index < 0 || i <= index));
    const html = fs.length === 0 ? "" : "<h3>Faults of this VM</h3>" + fs.map((e) =>
      `<div><a href="#" class="fault" data-seq="${e.seq}" data-iova="${e.fault.iova}">seq ${e.seq} · ${e.fault.write ? "write" : "read"} ${esc(e.fault.fault_type)} at ${hex(e.fault.iova)}</a> <span class="diag" id="diag-${e.seq}"></span></div>`).join("");
    if (html === listed) return; // unchanged: keep the elements (and their diagnoses)
    listed = html;
    faultList.innerHTML = html;
    for (const a of faultList.querySelectorAll("a.fault")) {
      a.onclick = (ev) => {
        ev.preventDefault();
        const iova = Number(a.dataset.iova);
        goToSeq(Number(a.dataset.seq));
        setRange(Math.max(vmWindow.start, iova - 32 * PAGE), iova + 32 * PAGE - 1);
      };
    }
    for (const e of fs.slice(-5)) diagnose(e);
  }

  const diagnosed = new Map();
  async function diagnose(e) {
    const span = document.getElementById(`diag-${e.seq}`);
    const dump = dumps.get(e.seq);
    if (dump && dump.diagnosis && span) {
      // the devcoredump's own diagnosis, and a jump to the op that last touched the page
      span.textContent = "— " + dump.diagnosis + " ";
      if (dump.last_touch && dump.last_touch.seq > 0) {
        const a = el("a", `go to seq ${dump.last_touch.seq} (${dump.last_touch.op})`);
        a.href = "#";
        a.className = "last-touch";
        a.onclick = (ev) => { ev.preventDefault(); goToSeq(dump.last_touch.seq); };
        span.append(a);
      }
      return;
    }
    const key = `${e.seq}`;
    if (!diagnosed.has(key)) {
      diagnosed.set(key, api(`/devices/${d}/vms/${vm}/lookup?iova=${e.fault.iova}&seq=${e.seq}`)
        .then((r) => r.va === null ? "nothing mapped there (unmapped or never mapped)"
          : r.va.bo === null ? `inside a NULL mapping ${hex(r.va.addr)}+${hex(r.va.range)}`
          : `inside BO ${r.va.bo} at ${hex(r.va.addr)}+${hex(r.va.range)}`)
        .catch((x) => String(x.message || x)));
    }
    const text = await diagnosed.get(key);
    const now = document.getElementById(`diag-${e.seq}`);
    if (now) now.textContent = "— " + text;
  }

  function drawTimeline() {
    const g = tl.getContext("2d");
    const W = model.width;
    g.clearRect(0, 0, W, 26);
    if (timeline.length === 0) return;
    const t0 = timeline[0].ts, t1 = timeline[timeline.length - 1].ts;
    const xt = (e, i) => (t1 > t0 ? ((e.ts - t0) / (t1 - t0)) : i / Math.max(1, timeline.length - 1)) * (W - 4) + 2;
    g.fillStyle = "#2a2f38";
    g.fillRect(0, 12, W, 2);
    timeline.forEach((e, i) => {
      if (e.fault || e.hang) {
        g.fillStyle = e.fault ? "#ff4d4d" : "#ffb347";
        g.fillRect(xt(e, i) - 1, 2, 3, 22);
      } else if (e.status === "error") {
        g.fillStyle = "#a55";
        g.fillRect(xt(e, i), 8, 1, 10);
      }
    });
    const at = index < 0 ? timeline.length - 1 : index;
    g.fillStyle = "#5fb3ff";
    g.fillRect(xt(timeline[at], at) - 1, 0, 2, 26);
  }

  // ---- time travel ----
  function goTo(i) {
    if (timeline.length === 0) return;
    index = Math.max(0, Math.min(timeline.length - 1, i));
    slider.value = index;
    const e = timeline[index];
    // the state at a ledger entry is the state after the highest seq folded so far (at): a
    // duplicate's own seq is below it and would show an older state
    model.seq = e.at;
    model.entry = { seq: e.seq, type: e.type, status: e.status };
    when.textContent = ` as of seq ${e.seq} · ${time(e.ts)}`;
    const more = e.ops_total ? ` (first ${e.event.ops.length} of ${e.ops_total} ops)` : "";
    op.textContent = `${e.status}${e.errno ? " " + e.errno : ""}${more}  ${JSON.stringify(e.event)}`;
    load();
  }
  /** Shows the first entry of seq {@code seq}, if the timeline (its newest entries) still has it. */
  function goToSeq(seq) {
    const i = timeline.findIndex((e) => e.seq === seq);
    if (i >= 0) goTo(i);
    else when.textContent = ` seq ${seq} is older than the timeline's newest ${timeline.length} entries`;
  }
  function goLive() {
    index = -1;
    model.seq = null;
    model.entry = null;
    slider.value = slider.max;
    when.textContent = " live";
    op.textContent = "";
    load();
  }
  slider.oninput = () => goTo(Number(slider.value));
  back.onclick = () => goTo((index < 0 ? timeline.length - 1 : index) - 1);
  fwd.onclick = () => (index < 0 ? null : goTo(index + 1));
  live.onclick = goLive;

  // ---- zoom and pan ----
  function setRange(from, to) {
    const lo = vmWindow.start, hi = vmWindow.start + vmWindow.size - 1;
    let span = Math.max(PAGE - 1, Math.min(hi - lo, to - from));
    from = Math.max(lo, Math.min(from, hi - span));
    from = Math.floor(from / PAGE) * PAGE;
    model.from = from;
    model.to = Math.min(hi, from + span);
    draw();
    load();
  }
  function zoomAt(x, factor) {
    const a = addrOf(x);
    const span = (model.to - model.from + 1) * factor;
    const frac = x / model.width;
    setRange(a - span * frac, a - span * frac + span - 1);
  }
  model.setRange = setRange;
  model.zoomAt = zoomAt;
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    zoomAt(ev.offsetX, ev.deltaY < 0 ? 0.5 : 2);
  }, { passive: false });
  let drag = null;
  canvas.addEventListener("mousedown", (ev) => { drag = { x: ev.offsetX, from: model.from, to: model.to, moved: false }; canvas.style.cursor = "grabbing"; });
  window.addEventListener("mouseup", () => { if (drag) canvas.style.cursor = "grab"; setTimeout(() => (drag = null), 0); });
  canvas.addEventListener("mousemove", (ev) => {
    if (drag && ev.buttons) {
      const dx = ev.offsetX - drag.x;
      if (Math.abs(dx) > 2) drag.moved = true;
      if (drag.moved) {
        const per = (drag.to - drag.from + 1) / model.width;
        setRange(drag.from - dx * per, drag.to - dx * per);
      }
      return;
    }
    const it = hit(ev.offsetX, ev.offsetY);
    if (!it) { tip.hidden = true; return; }
    tip.hidden = false;
    tip.style.left = ev.clientX + 14 + "px";
    tip.style.top = ev.clientY + 14 + "px";
    tip.textContent = it.fault
      ? `fault seq ${it.fault.seq}\n${it.fault.write ? "write" : "read"} ${it.fault.fault_type}\niova ${hex(it.fault.iova)}`
      : it.vas === 1
        ? `VA ${hex(it.addr)} + ${hex(it.range)} (${bytes(it.range)})\n${it.isNull ? "NULL mapping (PRR)" : "BO " + it.bo + " offset " + hex(it.offset)}${it.dump ? "\nDUMP" : ""}`
        : `${it.vas} VAs in ${hex(it.addr)} + ${hex(it.range)}\n${it.mixed ? "several BOs" : it.isNull ? "NULL mappings" : "BO " + it.bo}\nmapped ${bytes(it.bo_bytes ?? 0)}`;
  });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("click", (ev) => {
    if (drag && drag.moved) return;
    const it = hit(ev.offsetX, ev.offsetY);
    if (it && !it.fault && it.bo !== null && !it.mixed) showBo(it.bo);
  });
  function hit(x, y) {
    for (const f of model.faults) if (Math.abs(f.x - x) <= 5 && y > STRIP_TOP + STRIP_H) return { fault: f };
    const found = model.drawn.find((it) => x >= it.x - 0.5 && x <= it.x + it.w + 0.5);
    if (!found) return null;
    const src = items.find((i) => i.addr === found.addr);
    return { ...found, bo_bytes: src ? src.bo_bytes : 0 };
  }

  async function showBo(bo) {
    focusBo = bo;
    draw();
    const seq = model.seq === null ? "" : `?seq=${model.seq}`;
    side.innerHTML = `<h3>BO ${bo}</h3><em>loading…</em>`;
    try {
      const [b, h] = await Promise.all([api(`/devices/${d}/bos/${bo}${seq}`), api(`/devices/${d}/bos/${bo}/history`)]);
      const life = ["size", "alive", "handles", "dmabufs", "pins", "vmaps", "vma_ref", "vmas", "madv", "name"]
        .filter((k) => b[k] !== undefined).map((k) => `<span>${k}</span><span>${k === "size" ? bytes(b[k]) : esc(b[k])}</span>`).join("");
      const hist = h.entries.map((e) => `<tr><td class=num><a href="#" data-seq="${e.seq}">${e.seq}</a></td><td>${esc(e.type)}</td><td>${e.status}</td></tr>`).join("");
      side.innerHTML = `<h3>BO ${bo}${model.seq === null ? "" : " as of seq " + model.seq}</h3><div class="kv" id="bo-life">${life}</div>
        <h3>Ledger history (${h.total})</h3><table id="bo-history"><tbody>${hist}</tbody></table>`;
      for (const a of side.querySelectorAll("a[data-seq]")) {
        a.onclick = (ev) => { ev.preventDefault(); goToSeq(Number(a.dataset.seq)); };
      }
    } catch (e) {
      side.innerHTML = `<h3>BO ${bo}</h3><span class="err">${esc(e.message || e)}</span>`;
    }
  }

  // ---- start ----
  (async () => {
    sizeCanvas();
    try {
      const v = await api(`/devices/${d}/vms/${vm}/map?px=1`);
      vmWindow = { start: v.window.start, size: v.window.size };
    } catch (e) {
      model.error = String(e.message || e);
      model.loading = false;
      setStatus(model.error, true);
      return;
    }
    await loadTimeline();
    let from = vmWindow.start, to = vmWindow.start + vmWindow.size - 1;
    if (params.has("from")) from = Number(params.get("from"));
    if (params.has("to")) to = Number(params.get("to"));
    if (focusIova !== null && !params.has("from")) { from = focusIova - 32 * PAGE; to = focusIova + 32 * PAGE - 1; }
    model.from = from; model.to = to;
    if (params.has("seq")) {
      const s = Number(params.get("seq"));
      const i = timeline.findIndex((e) => e.seq >= s);
      if (i >= 0) { index = i; model.seq = timeline[i].at; }
    }
    if (index >= 0) goTo(index); else goLive();
    setRange(model.from, model.to);
    if (focusBo !== null) showBo(focusBo);
  })();
  const onResize = () => { sizeCanvas(); draw(); load(); };
  window.addEventListener("resize", onResize);
  const poll = setInterval(async () => {
    if (index < 0 && vmWindow && !model.loading) { await loadTimeline(); load(); }
  }, 3000);
  return () => { alive = false; clearInterval(poll); window.removeEventListener("resize", onResize); tip.hidden = true; };
}

function makeHatch() {
  const c = document.createElement("canvas");
  c.width = c.height = 6;
  const g = c.getContext("2d");
  g.fillStyle = "#2b2f36";
  g.fillRect(0, 0, 6, 6);
  g.strokeStyle = "#9aa3b0";
  g.beginPath(); g.moveTo(0, 6); g.lineTo(6, 0); g.stroke();
  return c.getContext("2d").createPattern(c, "repeat");
}
