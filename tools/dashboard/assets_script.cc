// The dashboard's script (assets.h): polls the live panels' JSON endpoints every 2 s (paused while
// the page is hidden) and redraws their tables in place; runs the weather view and the SQL panel
// on request. Data is put into the page as text (textContent), never as HTML, except the charts'
// SVG, which the server drew from numbers and escaped text (tools/chart/).
#include "tools/dashboard/assets.h"

namespace freshet::dashboard {

const std::string_view kAppJs = R"js("use strict";
const $ = (id) => document.getElementById(id);
const REFRESH_MS = 2000;

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function number(n) { return n === null || n === undefined ? "\u2014" : Number(n).toLocaleString("en-US"); }
function size(n) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}
function age(ms) {
  if (ms === null || ms === undefined) return "\u2014";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return s + " s ago";
  if (s < 7200) return Math.round(s / 60) + " min ago";
  if (s < 172800) return Math.round(s / 3600) + " h ago";
  return Math.round(s / 86400) + " days ago";
}

// Replaces the rows of a tbody: rows are arrays of cells, a cell is text or {text, numeric, field}.
function fillRows(tbody, rows, emptyText, columns) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = tbody.insertRow();
    const td = tr.insertCell();
    td.colSpan = columns;
    td.className = "none";
    td.textContent = emptyText;
    return;
  }
  for (const row of rows) {
    const tr = tbody.insertRow();
    for (const cell of row.cells) {
      const td = tr.insertCell();
      if (typeof cell === "object" && cell !== null) {
        td.textContent = cell.text;
        if (cell.numeric) td.className = "n";
        if (cell.field) td.dataset.field = cell.field;
      } else {
        td.textContent = cell;
      }
    }
    if (row.key) tr.dataset.key = row.key;
  }
}

const panels = {
  streams(data) {
    const now = data.now_ms;
    fillRows($("streams-table").tBodies[0], data.streams.map((s) => ({ key: s.name, cells: [
      s.name,
      { text: s.shards + " (" + s.open_shards + ")", numeric: true, field: "shards" },
      { text: number(s.records), numeric: true, field: "records" },
      { text: s.put_rate === null ? "measuring" : number(s.put_rate) + "/s", numeric: true, field: "put_rate" },
      { text: s.retention_hours + " h", numeric: true, field: "retention" },
      { text: s.oldest_arrival_ms === null ? "\u2014" : age(now - s.oldest_arrival_ms), field: "oldest" },
    ] })), "none", 6);
  },
  consumers(data) {
    fillRows($("consumers-table").tBodies[0], data.consumers.map((c) => ({ key: c.name, cells: [
      c.name, c.stream,
      { text: number(c.records_behind), numeric: true, field: "records_behind" },
      { text: number(c.ms_behind), numeric: true, field: "ms_behind" },
      c.shards.map((s) => "#" + Number(s.shard_id.replace("shardId-", "")) + ": " + number(s.records_behind) + " / " +
                          number(s.ms_behind)).join(", "),
    ] })), "none", 5);
  },
  tables(data) {
    fillRows($("tables-table").tBodies[0], data.tables.map((t) => ({ key: t.name, cells: [
      t.name, t.partition_key + (t.sort_key ? ", " + t.sort_key : ""),
      { text: number(t.items), numeric: true, field: "items" },
      { text: size(t.size_bytes), numeric: true, field: "size" },
    ] })), "none", 4);
  },
  functions(data) { genericPanel("functions-body", data.items); },
  deliveries(data) { genericPanel("deliveries-body", data.items); },
};

// A panel whose items are flat objects: one row each, one column per key.
function genericPanel(id, items) {
  const box = $(id);
  if (!items || items.length === 0) {
    const p = document.createElement("p");
    p.className = "none";
    p.textContent = "none";
    box.replaceChildren(p);
    return;
  }
  const columns = Object.keys(items[0]);
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of columns) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th); }
  fillRows(table.createTBody(), items.map((it) => ({ cells: columns.map((c) =>
    typeof it[c] === "object" ? JSON.stringify(it[c]) : String(it[c])) })), "none", columns.length);
  box.replaceChildren(table);
}

function panelError(name, error) {
  const section = $(name);
  let p = section.querySelector("p.error");
  if (!p) { p = document.createElement("p"); p.className = "error"; section.appendChild(p); }
  p.textContent = error ? "cannot read " + name + ": " + error.message : "";
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  let failures = 0;
  await Promise.all(Object.keys(panels).map(async (name) => {
    try {
      panels[name](await getJson("/dashboard/api/" + name));
      panelError(name, null);
    } catch (e) {
      failures++;
      panelError(name, e);
    }
  }));
  $("status").textContent = (failures ? "server unreachable or failing; " : "") + "updated " +
      new Date().toLocaleTimeString("en-GB");
  refreshing = false;
}

function schedule() {
  setTimeout(async () => {
    if (!document.hidden) await refresh();
    schedule();
  }, REFRESH_MS);
}

function table(tableEl, columns, rows) {
  const head = tableEl.tHead;
  head.replaceChildren();
  const tr = head.insertRow();
  for (const c of columns) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; tr.appendChild(th); }
  fillRows(tableEl.tBodies[0], rows.map((r) => ({ cells: r.map((v) =>
    v === null ? { text: "NULL" } : typeof v === "number" ? { text: String(v), numeric: true } : { text: String(v) }) })),
    "no rows", columns.length);
}

async function loadStations() {
  const select = $("station");
  try {
    const data = await getJson("/dashboard/api/weather/stations");
    select.replaceChildren();
    for (const s of data.stations) {
      const option = document.createElement("option");
      option.value = s.station;
      option.textContent = s.station + (s.name ? " \u2014 " + s.name : "") + " (" + s.first + " to " + s.last + ")";
      option.dataset.first = s.first;
      option.dataset.last = s.last;
      select.appendChild(option);
    }
    const preferred = [...select.options].find((o) => o.value === "USC00182336");
    if (preferred) preferred.selected = true;
    stationChosen();
  } catch (e) {
    $("weather-status").textContent = "no weather table yet (" + e.message + ")";
  }
}

function stationChosen() {
  const option = $("station").selectedOptions[0];
  if (!option) return;
  const last = option.dataset.last;
  $("to").value = last;
  $("from").value = last.slice(0, 8) + "01";
}

async function showWeather(event) {
  if (event) event.preventDefault();
  const params = new URLSearchParams({ station: $("station").value, from: $("from").value, to: $("to").value,
                                       units: $("units").value, by: $("by").value, style: $("style").value });
  $("weather-status").textContent = "loading\u2026";
  try {
    const data = await getJson("/dashboard/api/weather?" + params);
    $("weather-chart").innerHTML = data.svg;
    const columns = ["month", "days observed"].concat(data.elements.map((e) =>
      e + (data.totalled.includes(e) ? " total" : " mean") + " (" + data.units[e] + ")"));
    table($("weather-months"), columns, data.months.map((m) =>
      [m.month, m.days].concat(data.elements.map((e) => (e in m ? m[e] : null)))));
    $("weather-status").textContent = data.days + " days observed";
  } catch (e) {
    $("weather-status").textContent = e.message;
  }
}

async function runSql(event) {
  if (event) event.preventDefault();
  $("sql-status").textContent = "running\u2026";
  try {
    const data = await getJson("/dashboard/api/sql?" + new URLSearchParams({ q: $("sql-text").value }));
    table($("sql-result"), data.columns, data.rows);
    $("sql-chart").innerHTML = data.svg || "";
    $("sql-status").textContent = number(data.row_count) + " rows" + (data.truncated ? " (first shown)" : "") +
        (data.chart_error ? "; no chart: " + data.chart_error : "");
  } catch (e) {
    $("sql-status").textContent = e.message;
    $("sql-chart").replaceChildren();
  }
}

$("weather-form").addEventListener("submit", showWeather);
$("station").addEventListener("change", stationChosen);
$("sql-form").addEventListener("submit", runSql);
$("sql-text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) runSql(e);
});
refresh().then(schedule);
loadStations();
)js";

}  // namespace freshet::dashboard
