// The 만족도 분석 page's charts, from the json_script block "chart-data" (no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("chart-data");
    if (!source) return;
    const d = JSON.parse(source.textContent);
    const t = d.text;
    const band = (label, mid, low, high, color) => [
      { label: label, data: mid, borderColor: color, backgroundColor: color, tension: 0.2 },
      { label: "95%", data: high, borderColor: "transparent", backgroundColor: color + "33", fill: "+1", pointRadius: 0 },
      { label: "", data: low, borderColor: "transparent", pointRadius: 0 },
    ];
    const opts = { maintainAspectRatio: false, plugins: { legend: { labels: { filter: (i) => i.text } } } };
    new Chart(document.getElementById("nps-chart"), {
      type: "line",
      data: { labels: d.months, datasets: band("NPS", d.nps, d.nps_low, d.nps_high, "#0b6e4f") },
      options: opts,
    });
    new Chart(document.getElementById("csat-chart"), {
      type: "line",
      data: { labels: d.months, datasets: band("CSAT", d.csat, d.csat_low, d.csat_high, "#2563eb") },
      options: opts,
    });
    const ipa = document.getElementById("ipa-chart");
    if (ipa && d.ipa.length) {
      new Chart(ipa, {
        type: "scatter",
        data: {
          datasets: [
            { label: t.people, data: d.ipa.filter((p) => p.aspect === "people"), backgroundColor: "#0b6e4f", pointRadius: 6 },
            { label: t.physical, data: d.ipa.filter((p) => p.aspect !== "people"), backgroundColor: "#b45309", pointRadius: 6 },
          ],
        },
        options: {
          maintainAspectRatio: false,
          layout: { padding: { right: 8 } },
          plugins: {
            tooltip: { callbacks: { label: (c) => c.raw.label + " (" + c.raw.x.toFixed(0) + "%, " + c.raw.y.toFixed(0) + ")" } },
          },
          scales: {
            x: { title: { display: true, text: t.importance }, grace: "10%" },
            y: { title: { display: true, text: t.performance }, grace: "10%" },
          },
        },
        plugins: [window.dangolQuadrants({ x: d.ipa_cut[0], y: d.ipa_cut[1], corners: d.ipa_corners })],
      });
    }
    new Chart(document.getElementById("loyalty-chart"), {
      type: "bar",
      data: { labels: d.loyalty_labels, datasets: [{ label: t.repurchase, data: d.loyalty, backgroundColor: "#0b6e4f" }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
