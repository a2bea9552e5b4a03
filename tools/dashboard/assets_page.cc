// The dashboard's HTML page and its style sheet (assets.h). Controls are labelled form elements
// reachable with the keyboard; the layout is one column, with the live panels in two columns from 1500 px.
#include "tools/dashboard/assets.h"

namespace freshet::dashboard {

const Asset* FindAsset(std::string_view path) {
  static const Asset kHtml{"text/html; charset=utf-8", kIndexHtml};
  static const Asset kCss{"text/css; charset=utf-8", kAppCss};
  static const Asset kJs{"text/javascript; charset=utf-8", kAppJs};
  if (path == "/dashboard/index.html" || path == "/dashboard/" || path == "/dashboard") return &kHtml;
  if (path == "/dashboard/app.css") return &kCss;
  if (path == "/dashboard/app.js") return &kJs;
  return nullptr;
}

const std::string_view kIndexHtml = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>freshet dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<header>
  <h1>freshet</h1>
  <p id="status" role="status" aria-live="polite">loading&hellip;</p>
</header>
<nav aria-label="Sections">
  <a href="#streams">Streams</a> <a href="#consumers">Consumers</a> <a href="#tables">Tables</a>
  <a href="#functions">Functions</a> <a href="#deliveries">Deliveries</a> <a href="#weather">Weather</a>
  <a href="#sql">SQL</a>
</nav>
<main>
<div class="live">
<section id="streams" aria-labelledby="streams-h">
  <h2 id="streams-h">Streams</h2>
  <div class="scroll"><table id="streams-table">
    <thead><tr><th scope="col">Stream</th><th scope="col">Shards (open)</th><th scope="col">Records</th>
    <th scope="col">Put rate, last minute</th><th scope="col">Retention</th><th scope="col">Oldest record</th></tr></thead>
    <tbody></tbody></table></div>
</section>
<section id="consumers" aria-labelledby="consumers-h">
  <h2 id="consumers-h">Consumers</h2>
  <div class="scroll"><table id="consumers-table">
    <thead><tr><th scope="col">Consumer</th><th scope="col">Stream</th><th scope="col">Behind (records)</th>
    <th scope="col">Behind (ms)</th><th scope="col">Per shard: records / ms behind</th></tr></thead>
    <tbody></tbody></table></div>
</section>
<section id="tables" aria-labelledby="tables-h">
  <h2 id="tables-h">Tables</h2>
  <div class="scroll"><table id="tables-table">
    <thead><tr><th scope="col">Table</th><th scope="col">Key</th><th scope="col">Items</th>
    <th scope="col">Size</th></tr></thead>
    <tbody></tbody></table></div>
</section>
<section id="functions" aria-labelledby="functions-h">
  <h2 id="functions-h">Functions</h2>
  <div class="scroll" id="functions-body"><p class="none">none</p></div>
</section>
<section id="deliveries" aria-labelledby="deliveries-h">
  <h2 id="deliveries-h">Deliveries</h2>
  <div class="scroll" id="deliveries-body"><p class="none">none</p></div>
</section>
</div>
<section id="weather" aria-labelledby="weather-h">
  <h2 id="weather-h">Weather</h2>
  <form id="weather-form">
    <div class="field"><label for="station">Station</label>
      <select id="station" name="station" required></select></div>
    <div class="field"><label for="from">From</label><input type="date" id="from" name="from" required></div>
    <div class="field"><label for="to">To</label><input type="date" id="to" name="to" required></div>
    <div class="field"><label for="units">Units</label>
      <select id="units" name="units"><option value="metric">metric (mm, C)</option>
      <option value="standard">standard (in, F)</option></select></div>
    <div class="field"><label for="by">Points</label>
      <select id="by" name="by"><option value="day">one per day</option>
      <option value="month">one per month</option></select></div>
    <div class="field"><label for="style">Temperature</label>
      <select id="style" name="style"><option value="lines">lines</option>
      <option value="band">min-max band</option></select></div>
    <button type="submit">Show</button>
  </form>
  <p id="weather-status" role="status" aria-live="polite"></p>
  <div id="weather-chart" class="chart"></div>
  <h3>Monthly summary</h3>
  <div class="scroll"><table id="weather-months"><thead></thead><tbody></tbody></table></div>
</section>
<section id="sql" aria-labelledby="sql-h">
  <h2 id="sql-h">SQL</h2>
  <form id="sql-form">
    <label for="sql-text">Statement (read-only; Ctrl+Enter runs it)</label>
    <textarea id="sql-text" name="q" rows="4" spellcheck="false">SELECT substr(date, 1, 7) AS month, round(avg(TMAX), 1) AS tmax, round(avg(TMIN), 1) AS tmin
FROM weather WHERE station = 'USC00182336' GROUP BY month ORDER BY month</textarea>
    <button type="submit">Run</button>
  </form>
  <p id="sql-status" role="status" aria-live="polite"></p>
  <div id="sql-chart" class="chart"></div>
  <div class="scroll"><table id="sql-result"><thead></thead><tbody></tbody></table></div>
</section>
</main>
<script src="/dashboard/app.js"></script>
</body>
</html>
)html";

const std::string_view kAppCss = R"css(
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, "DejaVu Sans", Arial, sans-serif; color: #1d1d1f; background: #f5f6f8; }
header { display: flex; align-items: baseline; gap: 1em; padding: 0.5em 1em; background: #17324d; color: #fff; }
header h1 { margin: 0; font-size: 1.3em; }
header p { margin: 0; opacity: 0.85; }
nav { padding: 0.4em 1em; background: #e4e8ee; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
nav a { color: #0b4f8a; }
a:focus, button:focus, select:focus, input:focus, textarea:focus { outline: 3px solid #f0a500; outline-offset: 1px; }
main { padding: 0.5em 1em 2em; max-width: 1600px; margin: 0 auto; }
.live { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 1.5em; }
@media (min-width: 1500px) { .live { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
section { background: #fff; border: 1px solid #d8dce2; border-radius: 6px; padding: 0.3em 0.9em 0.8em; margin: 0.6em 0; min-width: 0; }
h2 { font-size: 1.1em; margin: 0.5em 0; }
h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.25em 0.6em; border-bottom: 1px solid #eceef1; white-space: nowrap; }
td.n { text-align: right; }
th { background: #f0f2f5; font-weight: 600; }
.none { color: #666; font-style: italic; }
.error { color: #a00000; }
form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5em 1em; }
.field { display: flex; flex-direction: column; }
label { font-weight: 600; font-size: 0.9em; }
select, input, textarea, button { font: inherit; padding: 0.3em 0.4em; max-width: 100%; }
.field { min-width: 0; max-width: 100%; }
#sql-form { flex-direction: column; align-items: stretch; }
#sql-form button { align-self: flex-start; }
textarea { width: 100%; font-family: "DejaVu Sans Mono", monospace; }
button { background: #0b4f8a; color: #fff; border: 0; border-radius: 4px; padding: 0.4em 1.2em; cursor: pointer; }
.chart svg { width: 100%; height: auto; max-height: 70vh; display: block; }
)css";

}  // namespace freshet::dashboard
