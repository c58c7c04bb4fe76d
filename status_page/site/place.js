// An area, a station or a section (area.html?id=自贡, station.html?id=1882A, section.html?id=CJ04): its last 30 days
// and its alerts, from places/<kind>/<id>.json and places/common.json written by `envmon status` (pages.py). The
// kind is the page's (body[data-kind]); text is set with textContent only (names come from data files).
"use strict";

const NO_DATA = "#cccccc";
const KIND = document.body.dataset.kind;
const KIND_NAMES = { area: ["地区", "area"], station: ["站点", "station"], section: ["断面", "river section"] };

function link(href, zh, en) {
  const a = el("a"); a.href = href; a.append(both(zh, en)); return a;
}

function pageOf(kind, id) { return `${kind}.html?id=${encodeURIComponent(id)}`; }

function swatch(colour) {
  const s = el("span", null, "swatch"); s.style.background = colour || NO_DATA; return s;
}

// The 30 days up to `end` (YYYY-MM-DD), as the calendar and the charts' axis.
function windowDays(end, n) {
  const out = [];
  const last = new Date(`${end}T00:00:00Z`);
  for (let i = n - 1; i >= 0; i--) out.push(new Date(last.getTime() - i * 86400000).toISOString().slice(0, 10));
  return out;
}

function chart(id) {
  const c = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  window.addEventListener("resize", () => c.resize());
  return c;
}

function heading(data, common) {
  const p = data.place;
  const [kindZh, kindEn] = KIND_NAMES[KIND];
  const title = document.getElementById("title");
  if (KIND === "area") title.replaceChildren(both(`${p.id} ${kindZh}`, `${p.name_en} — ${p.province}（${p.province_en}）`));
  if (KIND === "station") title.replaceChildren(both(`${p.name}（${p.id}）`, `${kindEn} · ${p.area} ${p.area_en}`));
  if (KIND === "section") {
    const border = p.is_border_section ? "跨界断面 border section · " : "";
    title.replaceChildren(both(`${p.name}（${p.id}）`, `${border}${p.river} · ${p.province} ${p.area} · 目标 target ${p.target_class}类`));
  }
  document.title = `川南渝西联防联控看板 · ${kindZh} · ${p.name || p.id}`;
  const end = KIND === "section" ? common.windows.water_end : common.windows.air_end;
  document.getElementById("as-of").replaceChildren(
    both(`近${common.window_days}日，截至 ${end || "无数据"}`, `last ${common.window_days} days, up to that day (CST)`));
  document.getElementById("demo").hidden = !common.demo;
}

function related(data) {
  const p = data.place;
  const links = [];
  if (KIND !== "area" && p.area) links.push(link(pageOf("area", p.area), `所在地区：${p.area}`, p.area_en || "area"));
  for (const s of data.stations || []) links.push(link(pageOf("station", s.id), `站点 ${s.name}（${s.id}）`));
  for (const s of data.sections || []) links.push(link(pageOf("section", s.id), `断面 ${s.name}（${s.id}）`));
  if (!links.length) return;
  const box = document.getElementById("links");
  box.hidden = false;
  for (const a of links) { const li = el("li"); li.append(a); box.querySelector("ul").append(li); }
}

// Daily AQI: a calendar heatmap, each day in its mart colour (air_*_daily.color, the national level colours).
function calendar(data, common) {
  const days = windowDays(common.windows.air_end, common.window_days);
  const cells = data.days.filter((d) => d.aqi !== null).map((d) => ({
    value: [d.day, d.aqi], itemStyle: { color: d.color || NO_DATA }, day: d,
  }));
  const c = chart("calendar");
  c.setOption({
    animation: false,
    tooltip: {
      formatter: (p) => {
        const d = p.data.day; const esc = (t) => echarts.format.encodeHTML(String(t ?? "—"));
        return `${esc(d.day)}<br>AQI ${esc(d.aqi)} ${esc(d.level)} ${esc(d.category_zh)}<br>首要 ${esc(d.primary_pollutant)}`;
      },
    },
    calendar: {
      range: [days[0], days[days.length - 1]], orient: "horizontal", cellSize: ["auto", 30],
      left: 40, right: 12, top: 30, bottom: 8,
      dayLabel: { firstDay: 1, nameMap: ["日", "一", "二", "三", "四", "五", "六"] },
      monthLabel: { nameMap: "ZH" }, yearLabel: { show: false },
      itemStyle: { color: "#f2f2f2", borderColor: "#fff", borderWidth: 2 }, splitLine: { show: false },
    },
    series: [{ id: "aqi", type: "heatmap", coordinateSystem: "calendar", data: cells }],
  });
  window.calendarChart = c;
  const box = document.getElementById("legend");
  for (const l of common.levels) {
    const item = el("span"); item.append(swatch(l.color), `${l.category_zh} ${l.aqi_min}–${l.aqi_max}`); box.append(item);
  }
}

// A concentration against its limit, day by day: the limit is the seed's for the standard in force that day.
function limitChart(id, data, common, value, limit, name) {
  const days = windowDays(common.windows.air_end, common.window_days);
  const byDay = Object.fromEntries(data.days.map((d) => [d.day, d]));
  const c = chart(id);
  c.setOption({
    animation: false,
    title: { text: `${name}（μg/m³）`, textStyle: { fontSize: 13 }, left: 0 },
    tooltip: { trigger: "axis" },
    legend: { right: 0, top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 40, right: 10, top: 36, bottom: 24 },
    xAxis: { type: "category", data: days, axisLabel: { formatter: (d) => d.slice(5) } },
    yAxis: { type: "value" },
    series: [
      { name: `${name} 日值`, type: "bar", data: days.map((d) => byDay[d]?.[value] ?? null),
        itemStyle: { color: "#3f7cbf" } },
      { name: "二级限值 limit", type: "line", step: "middle", symbol: "none", data: days.map((d) => byDay[d]?.[limit] ?? null),
        lineStyle: { color: "#d7263d", type: "dashed" }, itemStyle: { color: "#d7263d" } },
    ],
  });
  return c;
}

function dayTable(data) {
  const body = document.querySelector("#days tbody");
  for (const d of [...data.days].reverse()) {
    const tr = el("tr"); tr.dataset.day = d.day;
    const level = el("td"); level.className = "level"; level.dataset.color = d.color || "";
    level.append(swatch(d.color), d.category_zh ? `${d.level} ${d.category_zh}` : "无数据");
    const over = (v, lim) => { const td = el("td", v ?? "—"); if (v !== null && lim !== null && v > lim) td.className = "over"; return td; };
    tr.append(el("td", d.day), el("td", d.aqi ?? "—"), level, el("td", d.primary_pollutant || "—"),
              over(d.pm25, d.pm25_limit), over(d.o3_8h, d.o3_8h_limit));
    body.append(tr);
  }
}

// Water class per reading (I best … 劣V worst) against the section's target class, coloured by how far from it.
function classChart(data, common) {
  const classes = common.water_classes;
  const name = (rank) => (classes.find((c) => c.class_rank === rank) || {}).water_class || "";
  const target = classes.find((c) => c.water_class === data.place.target_class);
  const c = chart("classes");
  c.setOption({
    animation: false,
    tooltip: {
      formatter: (p) => {
        const r = p.data.reading; const esc = (t) => echarts.format.encodeHTML(String(t ?? "—"));
        return `${esc(r.ts)}<br>${esc(r.water_class)}类 / 目标 ${esc(r.target_class)}类 · ${esc(r.status_zh)}`;
      },
    },
    grid: { left: 44, right: 12, top: 16, bottom: 28 },
    xAxis: { type: "time", axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", min: 1, max: classes.length, interval: 1, axisLabel: { formatter: (v) => name(v) } },
    series: [{
      id: "readings", type: "line", symbolSize: 8, lineStyle: { color: "#aaa", width: 1 },
      data: data.readings.map((r) => ({ value: [r.ts.replace(" ", "T"), r.class_rank], itemStyle: { color: r.color }, reading: r })),
      markLine: target ? {
        symbol: "none", silent: true, lineStyle: { color: "#1f4e79", type: "dashed" },
        label: { formatter: `目标 ${target.water_class}类`, position: "insideEndTop" },
        data: [{ yAxis: target.class_rank }],
      } : undefined,
    }],
  });
  window.classesChart = c;
}

function readingTable(data, common) {
  const params = common.water_parameters;
  const body = document.querySelector("#readings tbody");
  for (const r of [...data.readings].reverse()) {
    const tr = el("tr"); tr.dataset.ts = r.ts;
    const status = el("td"); status.append(swatch(r.color), r.status_zh || "—");
    const deciding = (r.worst_parameters || []).map((p) => (params[p] || [p])[0]).join("、");
    tr.append(el("td", r.ts), el("td", `${r.water_class}类`), el("td", `${r.target_class}类`), status, el("td", deciding || "—"));
    body.append(tr);
  }
  const met = data.readings.filter((r) => r.classes_worse === 0).length;
  const worst = data.readings.reduce((w, r) => (w && w.class_rank >= r.class_rank ? w : r), null);
  document.getElementById("readings-summary").textContent = data.readings.length
    ? `${data.readings.length} 次监测，${met} 次达到目标；最差 ${worst.water_class}类（${worst.ts}） · ${data.readings.length} readings, ${met} met the target`
    : "近30日无监测数据 no reading in the last 30 days";
}

// Each alert with its lifecycle: the state changes (issued, upgraded, downgraded, lifted, retracted) day by day,
// the days it stayed unchanged, and a link to its own page (alert.html, with who was told and who acknowledged).
function alertList(data, common) {
  const L = common.labels;
  if (KIND === "station") document.querySelector("#alerts h2").append(" ", both("（所在地区的）", "of its area"));
  const list = document.querySelector("#alerts ul");
  if (!data.alerts.length) {
    list.append(el("li", "近30日没有预警或告警 (no warning or alert in the last 30 days)", "none"));
    return;
  }
  const word = (table, key) => (table[key] || [key])[0];
  for (const a of data.alerts) {
    const li = el("li"); li.dataset.eventId = a.event_id;
    li.style.borderLeftColor = L.level_colours[a.level] || "#d7263d";
    const title = el("div", null, "title");
    const subject = a.subject === "region" ? "川南渝西（区域）" : a.subject;
    title.append(link(`alert.html?id=${encodeURIComponent(a.event_id)}`, `${word(L.levels, a.level)} ${a.title_zh} — ${subject}`, a.title_en));
    li.append(title);
    if (a.summary_zh) li.append(el("div", a.summary_zh));
    li.append(el("div", `${word(L.statuses, a.status)} · ${a.first_seen} 起 · 最近生效 ${a.last_seen || "—"} · 数据：${word(L.data_statuses, a.data_status)}`, "meta"));
    const steps = el("ol", null, "lifecycle");
    for (const c of a.changes) {
      const step = el("li", `${c.day} ${word(L.statuses, c.status)} ${word(L.levels, c.level)}`);
      step.dataset.status = c.status; steps.append(step);
    }
    li.append(steps);
    if (a.days_active) li.append(el("div", `其间持续生效 ${a.days_active} 天（无变化） · unchanged on ${a.days_active} day(s)`, "meta"));
    list.append(li);
  }
}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-cache" });
  if (r.status === 404) throw new Error(`${path}: 没有这个${KIND_NAMES[KIND][0]} (no such ${KIND_NAMES[KIND][1]})`);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

async function main() {
  const id = new URLSearchParams(location.search).get("id");
  if (!id) throw new Error(`缺少 ?id= (missing ?id=, e.g. ${KIND}.html?id=…)`);
  const [common, data] = await Promise.all([getJson("places/common.json"),
                                           getJson(`places/${KIND}/${encodeURIComponent(id)}.json`)]);
  heading(data, common);
  related(data);
  if (KIND === "section") {
    classChart(data, common);
    readingTable(data, common);
  } else {
    calendar(data, common);
    window.limitCharts = [limitChart("pm25", data, common, "pm25", "pm25_limit", "PM2.5"),
                          limitChart("o3", data, common, "o3_8h", "o3_8h_limit", "O3-8h")];
    dayTable(data);
  }
  alertList(data, common);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  document.getElementById("as-of").textContent = `无法加载数据 could not load the data: ${err.message}`;
  document.body.dataset.ready = "error";
});
