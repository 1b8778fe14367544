// The campaign report's chart, from the json_script block of campaigns/campaign.html (no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("campaign-chart");
    const canvas = document.getElementById("conversion-chart");
    if (!source || !canvas || !window.Chart) return;
    const d = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: d.days,
        datasets: [
          { label: d.text.treated, data: d.treated, borderColor: "#0b6e4f", backgroundColor: "#0b6e4f", pointRadius: 2 },
          { label: d.text.control, data: d.control, borderColor: "#b45309", backgroundColor: "#b45309", pointRadius: 2, borderDash: [6, 4] },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: { title: { display: true, text: d.text.day } },
          y: { beginAtZero: true, title: { display: true, text: d.text.rate } },
        },
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
