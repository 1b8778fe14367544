// A Chart.js plugin for scatter charts read by quadrant (importance–performance, Kano Better–Worse):
// dashed cut lines, the name of each quadrant in its corner, and every point labelled with its name
// (moved down a line when it would cover another label). Loaded before the page scripts that use it.
(function () {
  "use strict";

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  // options: { x, y: the cut values on each axis; corners: { topLeft, topRight, bottomLeft, bottomRight } }
  window.dangolQuadrants = function (options) {
    return {
      id: "dangolQuadrants",
      afterDatasetsDraw(chart) {
        const { ctx, chartArea: area, scales } = chart;
        const cutX = scales.x.getPixelForValue(options.x);
        const cutY = scales.y.getPixelForValue(options.y);
        ctx.save();
        ctx.strokeStyle = "#64748b";
        ctx.lineWidth = 1;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        if (cutX >= area.left && cutX <= area.right) {
          ctx.moveTo(cutX, area.top);
          ctx.lineTo(cutX, area.bottom);
        }
        if (cutY >= area.top && cutY <= area.bottom) {
          ctx.moveTo(area.left, cutY);
          ctx.lineTo(area.right, cutY);
        }
        ctx.stroke();
        ctx.setLineDash([]);

        const corners = options.corners || {};
        const pad = 4;
        const lineHeight = 13;
        const placed = []; // boxes already written: the quadrant names first, then the point labels
        ctx.font = "600 11px system-ui, sans-serif";
        ctx.fillStyle = "#475569";
        ctx.textBaseline = "top";
        ctx.textAlign = "left";
        const corner = (text, right, bottom) => {
          if (!text) return;
          const w = ctx.measureText(text).width;
          const x = right ? area.right - pad - w : area.left + pad;
          const y = bottom ? area.bottom - pad - lineHeight : area.top + pad;
          ctx.fillText(text, x, y);
          placed.push({ x, y, w, h: lineHeight });
        };
        corner(corners.topLeft, false, false);
        corner(corners.topRight, true, false);
        corner(corners.bottomLeft, false, true);
        corner(corners.bottomRight, true, true);

        ctx.font = "11px system-ui, sans-serif";
        ctx.fillStyle = "#111827";
        ctx.textBaseline = "middle";
        ctx.textAlign = "left";
        chart.data.datasets.forEach((dataset, i) => {
          const meta = chart.getDatasetMeta(i);
          if (meta.hidden) return;
          meta.data.forEach((point, j) => {
            const text = (dataset.data[j] || {}).label;
            if (!text) return;
            const width = ctx.measureText(text).width;
            let x = point.x + 8;
            if (x + width > area.right) x = point.x - 8 - width;
            let box = { x, y: point.y - lineHeight / 2, w: width, h: lineHeight };
            for (let k = 1; k < 6 && placed.some((p) => overlaps(p, box)); k++) {
              const shift = (k % 2 ? 1 : -1) * Math.ceil(k / 2) * lineHeight;
              box = { x, y: point.y - lineHeight / 2 + shift, w: width, h: lineHeight };
            }
            placed.push(box);
            ctx.fillText(text, box.x, box.y + lineHeight / 2);
          });
        });
        ctx.restore();
      },
    };
  };
})();
