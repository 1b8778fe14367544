// The VOC board's charts, from the numbers the page carries in <script type="application/json"> blocks
// (json_script): weekly cases by kind, the busiest categories, and repurchase after a bad experience with its
// 95% interval drawn as whiskers on each bar.
(function () {
  "use strict";

  const data = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };
  const colors = ["#b91c1c", "#2563eb", "#b45309", "#0b6e4f"];

  // Chart.js plugin: a vertical line from low to high with short caps, on every bar of the first dataset.
  const whiskers = (low, high) => ({
    id: "dangolWhiskers",
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const bars = chart.getDatasetMeta(0).data;
      ctx.save();
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 1.5;
      bars.forEach((bar, i) => {
        if (low[i] === null || high[i] === null) return;
        const top = scales.y.getPixelForValue(high[i]);
        const bottom = scales.y.getPixelForValue(low[i]);
        const cap = Math.min(8, bar.width / 4);
        ctx.beginPath();
        ctx.moveTo(bar.x, top);
        ctx.lineTo(bar.x, bottom);
        ctx.moveTo(bar.x - cap, top);
        ctx.lineTo(bar.x + cap, top);
        ctx.moveTo(bar.x - cap, bottom);
        ctx.lineTo(bar.x + cap, bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
  });

  function draw() {
    const series = data("weekly-series");
    const weekly = document.getElementById("weekly-chart");
    if (weekly && series) {
      new Chart(weekly, {
        type: "bar",
        data: {
          labels: data("weekly-labels"),
          datasets: Object.keys(series).map((k, i) => ({ label: k, data: series[k], backgroundColor: colors[i % 4] })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true } }, maintainAspectRatio: false },
      });
    }
    const categories = document.getElementById("category-chart");
    if (categories) {
      new Chart(categories, {
        type: "bar",
        data: { labels: data("category-labels"), datasets: [{ data: data("category-counts"), backgroundColor: "#b91c1c" }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, maintainAspectRatio: false },
      });
    }
    const recovery = data("recovery-data");
    const canvas = document.getElementById("recovery-chart");
    if (canvas && recovery) {
      const last = recovery.labels.length - 1; // the comparison group, drawn in grey
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: recovery.labels,
          datasets: [
            {
              label: recovery.axis,
              data: recovery.rates,
              backgroundColor: recovery.labels.map((_, i) => (i === last ? "#94a3b8" : "#0b6e4f")),
            },
          ],
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) => {
                  const i = item.dataIndex;
                  if (recovery.rates[i] === null) return "n = 0";
                  return `${recovery.rates[i]}% (${recovery.low[i]}–${recovery.high[i]}%), n = ${recovery.counts[i]}`;
                },
              },
            },
          },
          scales: {
            y: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` }, title: { display: true, text: recovery.axis } },
          },
          maintainAspectRatio: false,
        },
        plugins: [whiskers(recovery.low, recovery.high)],
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
