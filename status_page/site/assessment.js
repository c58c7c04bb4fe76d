// The assessment (评估) of a month: the snapshot's latest (assessment.json) or the one of ?month=YYYY-MM
// (assessment/YYYY-MM.json), written by `envmon status` (status_page/assessment.py: the joint report's own queries).
// Tables only: they print and read on a phone.
"use strict";

function row(cells, data) {
  const tr = el("tr");
  Object.assign(tr.dataset, data || {});
  for (const c of cells) {
    const td = el("td");
    if (c instanceof Node) td.append(c); else td.textContent = c ?? "—";
    tr.append(td);
  }
  return tr;
}

function areaLink(area, en) {
  const a = el("a"); a.href = `area.html?id=${encodeURIComponent(area)}`; a.append(both(area, en)); return a;
}

function empty(tbody, text, columns) {
  const tr = el("tr"); const td = el("td", text, "muted"); td.colSpan = columns; tr.append(td); tbody.append(tr);
}

const yesNo = (v) => (v === null || v === undefined ? "—（数据不足 insufficient）" : v ? "达标 yes" : "未达标 no");

function ranking(data, names) {
  const body = document.querySelector("#ranking tbody");
  for (const r of data.composite_index) {
    const excl = r.i_sum_excluding_events === null ? "—"
      : `${r.i_sum_excluding_events}${r.rank_excluding_events ? `（第${r.rank_excluding_events}名）` : ""}`;
    const status = r.ranking_status === "ranked" ? "已排名 ranked" : r.ranking_status;
    body.append(row([r.rank ?? "—", areaLink(r.area, names[r.area]), r.i_sum, r.primary_pollutant, excl, status],
                    { area: r.area, rank: r.rank ?? "", iSum: r.i_sum ?? "" }));
  }
  if (!data.composite_index.length) empty(body, "本月无综合指数 no index this month", 6);
}

function attainment(data, names) {
  const body = document.querySelector("#attainment tbody");
  const events = Object.fromEntries(data.exceptional_attainment.filter((x) => x.scope === "area").map((x) => [x.code, x]));
  for (const a of data.attainment) {
    const x = events[a.area];
    const without = x
      ? `${x.good_days_ratio_without_events ?? "—"}% · ${yesNo(x.attain_all_without_events)}（剔除 ${x.excluded_days} 天）`
      : "无例外事件，同左 no exceptional event";
    body.append(row([areaLink(a.area, a.area_en), a.valid_days, a.good_days_ratio === null ? "—" : `${a.good_days_ratio}%`,
                     a.heavy_pollution_days, yesNo(a.attain_all), without], { area: a.area }));
  }
  if (!data.attainment.length) empty(body, "本月无数据 no data this month", 6);
  const list = document.getElementById("events");
  for (const e of data.exceptional_events) {
    list.append(el("li", `例外事件 ${e.event_id}：${e.code}，${e.first_day} 至 ${e.last_day}，${e.event_type}（${e.reason}），${e.approved_by} 批准`));
  }
}

function border(data) {
  const card = document.querySelector("#scorecard tbody");
  for (const s of data.water_scorecard) {
    const a = el("a"); a.href = `section.html?id=${encodeURIComponent(s.section_code)}`; a.textContent = `${s.section_name}（${s.section_code}）`;
    const role = s.border_role === "upstream" ? "上游 upstream" : s.border_role === "downstream" ? "下游 downstream" : "";
    card.append(row([s.crossing, a, `${s.province} ${role}`, `${s.target_class}类`, s.worst_class ? `${s.worst_class}类` : "—",
                     s.compliance_rate === null ? "—" : `${Math.round(s.compliance_rate * 100)}%（${s.months_compliant}/${s.months_assessed} 月）`, (s.main_pollutants_zh || []).join("、") || "—"],
                    { section: s.section_code }));
  }
  if (!data.water_scorecard.length) empty(card, "本月无跨界断面考核 no border section assessed this month", 7);
  const pairs = document.querySelector("#pairs tbody");
  for (const p of data.air_border_pairs) {
    pairs.append(row([p.border, `${p.sichuan_name}（${p.sichuan_code}）`, `${p.chongqing_name}（${p.chongqing_code}）`,
                      p.days_compared, `${p.sichuan_pm25 ?? "—"} / ${p.chongqing_pm25 ?? "—"}`, p.days_disputed], { pair: p.pair_id }));
  }
  if (!data.air_border_pairs.length) empty(pairs, "本月无站点对数据 no pair data this month", 6);
}

function disputes(data) {
  const body = document.querySelector("#disputes tbody");
  for (const d of data.air_disputes) {
    body.append(row([d.day, `${d.border}（空气 air）`, `${d.sichuan_name} AQI ${d.sichuan_aqi ?? "—"} ${d.sichuan_level ?? ""}`,
                     `${d.chongqing_name} AQI ${d.chongqing_aqi ?? "—"} ${d.chongqing_level ?? ""}`,
                     (d.disputed_parameters || []).join("、") || "级别不同 level differs"], { kind: "air" }));
  }
  for (const d of data.water_report_disputes) {
    body.append(row([d.ts, `${d.section_name}（${d.section_code}，水 water）`,
                     `${d.province_a}：${d.class_a ?? "—"}类${d.used_province === d.province_a ? "（采用 used）" : ""}`,
                     `${d.province_b}：${d.class_b ?? "—"}类`, (d.disputed_parameters || []).join("、") || "类别不同 class differs"],
                    { kind: "water" }));
  }
  if (!data.air_disputes.length && !data.water_report_disputes.length) empty(body, "本月无争议数据 no disputed reading", 5);
}

function months(data) {
  const nav = document.getElementById("months");
  for (const m of data.months || []) {  // a page built before the month list: none
    const a = el("a", m); a.href = `assessment.html?month=${m}`;
    if (m === data.month) a.setAttribute("aria-current", "page");
    nav.append(a);
  }
}

function reports(data) {
  const list = document.getElementById("reports");
  for (const r of data.reports) {
    const li = el("li"); const a = el("a"); a.href = r.href; a.append(both(r.title_zh, r.title_en)); li.append(a); list.append(li);
  }
  if (!data.reports.length) list.append(el("li", "尚无报告（envmon report --month YYYY-MM 生成） no report written yet", "muted"));
}

// On a phone the tables stack: each row a card, each cell labelled with its column (pages.css, .stack).
function labelCells() {
  for (const table of document.querySelectorAll("table.stack")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    for (const tr of table.querySelectorAll("tbody tr")) {
      [...tr.children].forEach((td, i) => { if (td.colSpan === 1) td.dataset.label = heads[i] || ""; });
    }
  }
}

// The month asked for (?month=YYYY-MM), else the latest; anything else in the address is not a file name.
function dataFile() {
  const month = new URLSearchParams(location.search).get("month");
  if (month === null) return "assessment.json";
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`month ${month}: not YYYY-MM`);
  return `assessment/${month}.json`;
}

async function main() {
  const file = dataFile();
  const r = await fetch(file, { cache: "no-cache" });
  if (r.status === 404) throw new Error(`${file}: 该月无评估 no assessment of that month; 评估 Assessment lists the months there are`);
  if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
  const data = await r.json();
  document.getElementById("demo").hidden = !data.demo;
  months(data);
  reports(data);
  if (!data.month) {
    document.getElementById("as-of").textContent = "尚无评估月份 no month assessed yet";
  } else {
    const which = data.month === (data.months || [data.month])[0] ? "the snapshot's latest month (so far, if it has not ended)" : "an earlier month";
    document.getElementById("as-of").replaceChildren(
      both(`${data.month} 月（${data.period_start} 至 ${data.period_end}，未结束的月份为截至目前）`, which));
    const names = Object.fromEntries(data.attainment.map((a) => [a.area, a.area_en]));
    ranking(data, names);
    attainment(data, names);
    border(data);
    disputes(data);
    labelCells();
  }
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  document.getElementById("as-of").textContent = `无法加载数据 could not load the data: ${err.message}`;
  document.body.dataset.ready = "error";
});
