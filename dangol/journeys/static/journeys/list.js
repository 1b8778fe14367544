// The journeys page's chart: treated vs control conversion per journey (json_script data; no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("journeys-chart-data");
    if (!source || !window.Chart) return;
    const d = JSON.parse(source.textContent);
    new Chart(document.getElementById("journeys-chart"), {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.text.treated, data: d.treated, backgroundColor: "#0b6e4f" },
          { label: d.text.control, data: d.control, backgroundColor: "#9ca3af" },
        ],
      },
      options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { callback: (v) => v + "%" } } } },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
