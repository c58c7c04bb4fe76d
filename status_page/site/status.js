// The overview (总览) drawn from overview.json and areas.geojson, both written by `envmon status` beside this
// file: no request leaves the server. Text is set with textContent only (names come from data files).
"use strict";

const NO_DATA = "#cccccc";

function swatch(colour) {
  const s = el("span", null, "swatch");
  s.style.background = colour || NO_DATA;
  return s;
}

function asOf(data) {
  const st = data.data_status;
  const p = document.getElementById("as-of");
  p.replaceChildren(both(`空气 ${st.air_latest_day || "无数据"} · 小时 ${st.air_latest_hour || "—"} · 快照 ${data.snapshot_time}`,
                         "air day · latest hour (CST, end of hour) · snapshot"));
  document.getElementById("demo").hidden = !st.demo;
}

function legend(data) {
  const box = document.getElementById("legend");
  for (const l of data.levels) {
    const item = el("span"); item.append(swatch(l.color), `${l.category_zh} ${l.aqi_min}–${l.aqi_max}`);
    box.append(item);
  }
  for (const c of data.section_colors) {
    const item = el("span");
    const mark = el("span", "◆"); mark.style.color = c.color_hex; item.append(mark, ` 断面${c.label_zh}`);
    box.append(item);
  }
}

function areaTable(data) {
  const body = document.querySelector("#areas tbody");
  for (const a of data.areas) {
    const tr = el("tr");
    tr.dataset.area = a.area;
    const name = el("td");
    const page = el("a"); page.href = `area.html?id=${encodeURIComponent(a.area)}`; page.append(both(a.area, a.area_en));
    name.append(swatch(a.color), page);
    const level = el("td", a.category_zh ? `${a.level} ${a.category_zh}` : "无数据 no data");
    level.className = "level";
    level.dataset.color = a.color || "";
    tr.append(name, el("td", a.day || "—"), el("td", a.aqi ?? "—"), level, el("td", a.primary_pollutant || "—"));
    body.append(tr);
  }
}

// An alert's subject is an area, a section code or "region": shown as people name it.
function subjectName(data, subject) {
  if (subject === "region") return "川南渝西";
  const section = data.sections.find((s) => s.code === subject);
  return section ? `${section.name}（${subject}）` : subject;
}

function alertList(data) {
  const L = data.labels;
  const list = document.querySelector("#alerts ul");
  if (!data.alerts.length) {
    list.append(el("li", "目前没有生效中的预警或告警 (no warning or alert in force)", "none"));
    return;
  }
  for (const a of data.alerts) {
    const li = el("li");
    li.dataset.eventId = a.event_id;
    li.style.borderLeftColor = L.level_colours[a.level] || "#d7263d";
    const level = (L.levels[a.level] || [a.level])[0];
    const status = (L.statuses[a.status] || [a.status])[0];
    const link = el("a", `${level ? level + " " : ""}${a.title_zh} — ${subjectName(data, a.subject)}`);
    link.href = `alert.html?id=${encodeURIComponent(a.event_id)}`;  // its page: lifecycle, who was told
    const title = el("div", null, "title"); title.append(link);
    li.append(title);
    li.append(el("div", a.title_en, "en"));
    li.append(el("div", a.summary_zh || ""));
    const roles = (a.roles || "").split(",").filter(Boolean).map((r) => L.roles[r] || r).join("、");
    const dataStatus = (L.data_statuses[a.data_status] || [a.data_status || "—"])[0];
    li.append(el("div", `${status} · 自 ${a.first_seen} 起（最近 ${a.last_seen}）· 数据：${dataStatus}`, "meta"));
    li.append(el("div", `已通知 ${a.told} 人（${roles || "—"}）· 已确认收到 ${a.acknowledged} 人`, "meta"));
    list.append(li);
  }
}

function dataStatus(data) {
  const st = data.data_status;
  const inService = data.stations.length;
  const dl = document.querySelector("#data-status dl");
  const rows = [
    ["最新小时 latest hour", st.air_latest_hour || "无数据"],
    ["站点上报 stations reporting", `${st.stations_reporting ?? 0} / ${inService}`],
    ["最新日 latest day", st.air_latest_day || "无数据"],
    ["水质最新 latest river reading", st.water_latest || "无数据"],
    ["断面上报 sections (latest day)", `${st.sections_reporting ?? 0} / ${st.sections_total}`],
    ["最近批次 last batch received", st.last_batch_received || "—"],
    ["数据来源 sources", st.sources || "—"],
  ];
  for (const [k, v] of rows) dl.append(el("dt", k), el("dd", v));
  const outages = st.outages.map((o) => o.subject).join("、");
  dl.append(el("dt", "数据中断 outages"), el("dd", outages || "无 none", outages ? "late" : "none"));
}

function drawMap(data, geojson) {
  echarts.registerMap("region", geojson);
  const chart = echarts.init(document.getElementById("map"), null, { renderer: "canvas" });
  const regions = data.areas.map((a) => ({ name: a.area, itemStyle: { areaColor: a.color || NO_DATA } }));
  const stations = data.stations.filter((s) => s.lon !== null).map((s) => ({
    name: s.name, value: [s.lon, s.lat, s.aqi], itemStyle: { color: s.color || NO_DATA }, station: s,
  }));
  const sections = data.sections.filter((s) => s.lon !== null).map((s) => ({
    name: s.name, value: [s.lon, s.lat], itemStyle: { color: s.color || NO_DATA }, section: s,
    symbol: s.is_border_section ? "diamond" : "triangle", symbolSize: s.is_border_section ? 14 : 10,
  }));
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        const esc = (t) => echarts.format.encodeHTML(String(t ?? "—"));
        if (p.data && p.data.station) {
          const s = p.data.station;
          return `${esc(s.name)}（${esc(s.area)}）<br>AQI ${esc(s.aqi)} ${esc(s.category_zh)} · 首要 ${esc(s.primary_pollutant)}<br>${esc(s.ts)}`;
        }
        if (p.data && p.data.section) {
          const s = p.data.section;
          return `${esc(s.name)}${s.is_border_section ? "（跨界断面）" : ""}<br>${esc(s.water_class)}类 / 目标 ${esc(s.target_class)}类 · ${esc(s.status_zh)}<br>${esc(s.ts)}`;
        }
        const a = data.areas.find((x) => x.area === p.name);
        return a ? `${esc(a.area)} ${esc(a.area_en)}<br>${esc(a.day)} AQI ${esc(a.aqi)} ${esc(a.category_zh)}` : esc(p.name);
      },
    },
    geo: {
      map: "region", roam: true, regions, layoutCenter: ["50%", "50%"], layoutSize: "98%",
      label: { show: true, color: "#222", fontSize: 12 },
      itemStyle: { borderColor: "#555", borderWidth: 1 },
      emphasis: { label: { show: true } },
    },
    series: [
      { id: "stations", name: "站点 stations", type: "scatter", coordinateSystem: "geo", data: stations,
        symbolSize: 7, itemStyle: { borderColor: "#333", borderWidth: 0.6 } },
      { id: "sections", name: "断面 sections", type: "scatter", coordinateSystem: "geo", data: sections,
        itemStyle: { borderColor: "#1f4e79", borderWidth: 1 } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  // a click opens the area's, station's or section's own page (place.js)
  chart.on("click", (p) => {
    const [kind, id] = p.data?.station ? ["station", p.data.station.code]
      : p.data?.section ? ["section", p.data.section.code] : p.componentType === "geo" ? ["area", p.name] : [];
    if (kind) location.href = `${kind}.html?id=${encodeURIComponent(id)}`;
  });
  window.statusChart = chart;
}

async function main() {
  const [data, geojson] = await Promise.all(  // requested in the page's head (overview-data.js)
    window.overviewFiles.map((pending) => pending.then((r) => {
      if (!r.ok) throw new Error(`${new URL(r.url).pathname}: HTTP ${r.status}`);
      return r.json();
    })));
  asOf(data);
  legend(data);
  areaTable(data);
  alertList(data);
  dataStatus(data);
  drawMap(data, geojson);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  document.getElementById("as-of").textContent = `无法加载数据 could not load the data: ${err.message}`;
  document.body.dataset.ready = "error";
});
