// The overview's data start loading before ECharts (1.1 MB) is fetched and parsed, not after it: the page is
// drawn as soon as both are in (status.js awaits these). A file, not an inline script: the office's
// Content-Security-Policy allows scripts from the server only (deploy/nginx/envmon-status.conf).
window.overviewFiles = ["overview.json", "areas.geojson"].map((f) => fetch(f, { cache: "no-cache" }));
