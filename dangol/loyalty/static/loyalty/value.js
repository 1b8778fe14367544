// The 고객 가치 page's charts, from the json_script blocks of loyalty/value.html (no inline script: CSP).
(function () {
  "use strict";
  const d = (id) => JSON.parse(document.getElementById(id).textContent);

  function draw() {
    if (!document.getElementById("tier-chart")) return;
    const text = d("value-chart-text");
    const bar = (id, labels, data, color, horizontal) =>
      new Chart(document.getElementById(id), {
        type: "bar",
        data: { labels: d(labels), datasets: [{ data: d(data), backgroundColor: color }] },
        options: {
          indexAxis: horizontal ? "y" : "x",
          plugins: { legend: { display: false } },
          maintainAspectRatio: false,
        },
      });
    bar("tier-chart", "tier-labels", "tier-counts", "#0b6e4f");
    bar("stage-chart", "stage-labels", "stage-counts", "#2563eb", true);
    bar("segment-chart", "segment-labels", "segment-counts", "#b45309", true);
    bar("clv-chart", "clv-labels", "clv-counts", "#7e22ce");
    const curves = d("pareto-curves");
    const line = (points, label, color) => ({
      label,
      data: points.map(([x, y]) => ({ x: x * 100, y: y * 100 })),
      borderColor: color,
      pointRadius: 0,
      showLine: true,
    });
    new Chart(document.getElementById("pareto-chart"), {
      type: "scatter",
      data: {
        datasets: [
          line(curves.revenue, text.revenue, "#0b6e4f"),
          line(curves.clv, text.clv, "#b45309"),
          line([[0, 0], [1, 1]], text.even, "#cbd5e1"),
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: { min: 0, max: 100, title: { display: true, text: text.customers } },
          y: { min: 0, max: 100, title: { display: true, text: "%" } },
        },
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
