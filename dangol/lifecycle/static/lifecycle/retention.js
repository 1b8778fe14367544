// The retention page's chart, from the json_script block of lifecycle/retention.html (no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    const source = document.getElementById("lifecycle-chart");
    const canvas = document.getElementById("destruction-chart");
    if (!source || !canvas || !window.Chart) return;
    const d = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ data: d.counts, backgroundColor: "#0b6e4f" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, maintainAspectRatio: false },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
