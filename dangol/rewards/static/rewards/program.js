// The program page's charts, from the json_script block of rewards/program.html (no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("rewards-chart");
    if (!source || !window.Chart) return;
    const d = JSON.parse(source.textContent);
    new Chart(document.getElementById("points-chart"), {
      data: {
        labels: d.months,
        datasets: [
          { type: "bar", label: d.text.earned, data: d.earned, backgroundColor: "#0b6e4f" },
          { type: "bar", label: d.text.redeemed, data: d.redeemed, backgroundColor: "#2563eb" },
          { type: "bar", label: d.text.expired, data: d.expired, backgroundColor: "#b45309" },
          { type: "line", label: d.text.outstanding, data: d.outstanding, borderColor: "#7e22ce", yAxisID: "y2", pointRadius: 2 },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true }, y2: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } },
      },
    });
    new Chart(document.getElementById("funnel-chart"), {
      type: "bar",
      data: { labels: d.funnel_labels, datasets: [{ data: d.funnel, backgroundColor: "#0b6e4f" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, maintainAspectRatio: false },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
