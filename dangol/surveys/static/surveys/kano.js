// The Kano page's Better–Worse chart, from the json_script blocks "kano-points" and "kano-text" (CSP).
(function () {
  "use strict";

  function draw() {
    const el = document.getElementById("kano-chart");
    if (!el) return;
    const pts = JSON.parse(document.getElementById("kano-points").textContent);
    const t = JSON.parse(document.getElementById("kano-text").textContent);
    const waves = [...new Set(pts.map((p) => p.wave))];
    const colors = ["#2563eb", "#b91c1c", "#0b6e4f", "#b45309"];
    // with several waves each point says which one it is, so a drifting attribute can be followed
    const named = pts.map((p) => ({ ...p, label: waves.length > 1 && p.wave ? p.label + " · " + p.wave : p.label }));
    new Chart(el, {
      type: "scatter",
      data: {
        datasets: waves.map((w, i) => ({
          label: w || t.all,
          data: named.filter((p) => p.wave === w),
          backgroundColor: colors[i % 4],
          pointRadius: 6,
        })),
      },
      options: {
        maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: {
              label: (c) => c.raw.label + " (|Worse| " + c.raw.x.toFixed(2) + ", Better " + c.raw.y.toFixed(2) + ")",
            },
          },
        },
        scales: {
          x: { min: 0, max: 1, title: { display: true, text: "|Worse|" } },
          y: { min: 0, max: 1, title: { display: true, text: "Better" } },
        },
      },
      plugins: [window.dangolQuadrants({ x: 0.5, y: 0.5, corners: t.corners })],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
