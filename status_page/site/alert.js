// One alert (预警详情) drawn from alerts/<hex of the id>.json, written by `envmon status` beside this file from the
// published snapshot (status_page/alert_pages.py). alert.html?id=<alert id>, the id as the mails print it. Text is
// set with textContent only (names and evidence come from data files); no request leaves the server.
"use strict";

const NO_LEVEL = "#2c7fb8";
const COLOURS = { red: "#d7191c", orange: "#f28c28", yellow: "#e6c200", severe: "#7e0023", heavy: "#99004c" };

// The file name of an alert: the hex of its id's UTF-8 bytes (alert_pages.file_name).
function fileOf(id) {
  return [...new TextEncoder().encode(id)].map((b) => b.toString(16).padStart(2, "0")).join("") + ".json";
}

function headline(a) {
  const h = document.getElementById("headline");
  const [levelZh, levelEn] = a.level_words;
  h.replaceChildren(both(`${levelZh ? levelZh + " " : ""}${a.title_zh} — ${a.subjects.join("、")}`,
                         `${levelEn ? levelEn + " " : ""}${a.title_en}`));
  document.getElementById("alert").style.borderLeft = `8px solid ${COLOURS[a.level] || NO_LEVEL}`;
  const state = document.getElementById("state");
  const [stZh, stEn] = a.status_words;
  const badge = el("span", a.in_force ? `生效中 in force（${stZh}）` : `已结束 ended：${stZh} ${stEn}`,
                   a.in_force ? "badge in-force" : "badge ended");
  state.replaceChildren(badge, ` 自 ${a.first_seen} 起 · 最近生效 ${a.last_seen || "—"} · 最近评估 ${a.day}`);
  document.getElementById("summary").textContent = a.summary_zh;
  document.getElementById("summary-en").textContent = a.summary_en;
  document.getElementById("demo").hidden = !a.demo;
  document.title = `${a.title_zh} — ${a.subjects.join("、")} · 预警详情`;
}

function facts(a) {
  const section = a.section_name && a.river && !a.section_name.startsWith(a.river)
    ? `${a.river} ${a.section_name}` : a.section_name;  // most section names start with their river's
  const place = a.section_name
    ? `${section}（${a.subject}）${a.is_border_section ? " 跨界断面 border section" : ""}`
    : (a.subject === "region" ? "川南渝西 region" : `${a.subject} ${a.area_en || ""}`);
  const rows = [
    ["预警编号 alert id", a.event_id],
    ["类型 kind", `${a.kind_words[0]} ${a.kind_words[1]}`],
    ["对象 subject", place.trim()],
    ["区县 / 省市 area", [a.area, a.province].filter(Boolean).join(" · ") || "—"],
    ["起始 since", a.first_seen],
    ["数据状态 data status", a.data_status_words ? a.data_status_words.join(" / ") : "—"],
    ["数据获取率 capture", a.capture_pct === null ? "—" : `${a.capture_pct.toFixed(1)}%`],
    ["评价依据 standard", a.standard || "—"],
  ];
  const dl = document.getElementById("facts");
  for (const [k, v] of rows) dl.append(el("dt", k), el("dd", v));
}

function evidence(a) {
  document.getElementById("evidence-heading").replaceChildren(both(...a.evidence_heading));
  const table = document.querySelector("#evidence table");
  const cols = [...new Set(a.evidence.flatMap((r) => Object.keys(r)))];
  if (!cols.length) { table.replaceWith(el("p", "无 none")); return; }
  const head = el("tr");
  for (const c of cols) head.append(el("th", c));
  table.tHead.append(head);
  for (const r of a.evidence) {
    const tr = el("tr");
    for (const c of cols) tr.append(el("td", r[c] ?? "—"));
    table.tBodies[0].append(tr);
  }
}

function told(a) {
  const body = document.querySelector("#told tbody");
  if (!a.told.length) {
    const tr = el("tr"); const td = el("td", "尚无通知记录 nobody told yet"); td.colSpan = 6; tr.append(td);
    body.append(tr);
    return;
  }
  for (const t of a.told) {
    const tr = el("tr");
    tr.dataset.acknowledged = t.acknowledged_at ? "yes" : "no";
    const ack = t.acknowledged_at ? `✔ ${t.acknowledged_at}${t.ack_note ? "（" + t.ack_note + "）" : ""}`
                                  : "未确认 not yet";
    tr.append(el("td", t.name), el("td", t.role_zh), el("td", t.channel_words[0]), el("td", t.queued_at || "—"),
              el("td", t.delivered_at || "待发送 pending"), el("td", ack, t.acknowledged_at ? "none" : "late"));
    body.append(tr);
  }
}

function lifecycle(a) {
  const list = document.querySelector("#lifecycle ol");
  for (const c of a.lifecycle) {
    const li = el("li");
    li.dataset.status = c.status;
    if (!c.current) li.className = "superseded";
    const [stZh, stEn] = c.status_words;
    const level = c.level_words[0] && c.status !== "retracted" ? ` · ${c.level_words[0]}` : "";
    li.append(el("div", `${c.day} ${stZh}${level}${c.revision ? `（第${c.revision}次更正 correction ${c.revision}）` : ""}`, "title"));
    li.append(el("div", stEn, "en"));
    if (c.retraction_reason) li.append(el("div", `撤回原因：${c.retraction_reason[0]}`, "reason"));
    else if (c.summary_zh) li.append(el("div", c.summary_zh));
    const note = c.current ? "" : " · 已被后来的更正取代 superseded by a later correction";
    li.append(el("div", `评估于 ${c.evaluated_at} · 通知 ${c.told} 人（即时 ${c.told_at_once}）${note}`, "meta"));
    list.append(li);
  }
  if (!a.lifecycle.length) list.append(el("li", "无记录 no change recorded"));
}

async function main() {
  const id = new URLSearchParams(location.search).get("id");
  if (!id) throw new Error("没有预警编号 no alert id in the address (alert.html?id=…)");
  const r = await fetch(`alerts/${fileOf(id)}`, { cache: "no-cache" });
  if (r.status === 404) throw new Error(`预警 ${id} 不在已发布快照中 not in the published snapshot`);
  if (!r.ok) throw new Error(`${id}: HTTP ${r.status}`);
  const a = await r.json();
  headline(a);
  facts(a);
  evidence(a);
  told(a);
  lifecycle(a);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  document.getElementById("headline").textContent = `无法加载预警 could not load the alert: ${err.message}`;
  document.body.dataset.ready = "error";
});
