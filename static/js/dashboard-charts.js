/* Draws every chart of the dashboard pages with the vendored Chart.js. Each
   <div class="dash-chart" data-chart="ID"> reads its spec from <script id="ID"
   type="application/json"> (dashboards.tables.Table.chart_spec): the same rows as the
   table beside it. No inline script or style: the Content-Security-Policy forbids them. */
(function () {
  "use strict";
  if (!window.Chart) return;
  var PALETTE = ["#1b5e20", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f"];

  // A dashed line at the target value (e.g. the 80% coverage target).
  var targetLine = {
    id: "targetLine",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.value == null) return;
      var horizontal = chart.options.indexAxis === "y";
      var scale = horizontal ? chart.scales.x : chart.scales.y;
      var at = scale.getPixelForValue(options.value);
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#b71c1c";
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (horizontal) { ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); }
      else { ctx.moveTo(area.left, at); ctx.lineTo(area.right, at); }
      ctx.stroke();
      ctx.fillStyle = "#b71c1c";
      ctx.fillText("Target " + options.value + "%", horizontal ? at + 4 : area.left + 4,
        horizontal ? area.top + 10 : at - 4);
      ctx.restore();
    }
  };

  document.querySelectorAll(".dash-chart[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var rows = spec.labels.length;
    if (spec.horizontal) {
      box.style.height = Math.max(240, rows * (spec.datasets.length > 1 && !spec.stacked ? 34 : 24) + 90) + "px";
    } else {
      box.style.height = "300px";
    }
    var colors = spec.colors || PALETTE;
    var datasets = spec.datasets.map(function (d, i) {
      return {
        label: d.label,
        data: d.data,
        backgroundColor: colors[i % colors.length],
        borderColor: colors[i % colors.length],
        fill: false,
        tension: 0.2
      };
    });
    var valueAxis = {
      beginAtZero: true,
      stacked: spec.stacked,
      max: spec.percent ? 100 : undefined,
      ticks: { callback: function (v) { return spec.percent ? v + "%" : v; } }
    };
    var labelAxis = { stacked: spec.stacked, ticks: { autoSkip: false } };
    new window.Chart(box.querySelector("canvas"), {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { y: valueAxis, x: labelAxis },
        plugins: {
          legend: { display: spec.datasets.length > 1, position: "bottom" },
          targetLine: { value: spec.target },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed[spec.horizontal ? "x" : "y"];
                return ctx.dataset.label + ": " + (v == null ? "–" : v.toLocaleString("id-ID")) + (spec.percent ? "%" : "");
              }
            }
          }
        }
      },
      plugins: [targetLine]
    });
  });
})();
