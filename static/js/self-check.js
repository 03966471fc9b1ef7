/* The public self-check (/cek-mandiri/): pillar percentages and the pass verdict from the
   answers, computed here in the browser. Nothing is sent or stored. The indicators and
   the cycle's pass rule come from <script id="self-check-rule" type="application/json">. */
(function () {
  "use strict";
  var rule = JSON.parse(document.getElementById("self-check-rule").textContent);
  var form = document.getElementById("self-check-form");
  var MAX = 2;

  function fmt(n) {
    return (Math.round(n * 100) / 100).toLocaleString("id-ID", { maximumFractionDigits: 2 });
  }

  function answers() {
    var out = {};
    rule.indicators.forEach(function (ind) {
      var chosen = form.querySelector('input[name="nilai-' + ind.code + '"]:checked');
      if (chosen) out[ind.code] = Number(chosen.value);
    });
    return out;
  }

  function setRow(code, score, max, pct, ok, answered) {
    var row = document.querySelector('[data-pillar="' + code + '"]');
    row.querySelector('[data-cell="score"]').textContent = answered ? fmt(score) + " / " + max : "–";
    row.querySelector('[data-cell="pct"]').textContent = answered ? fmt(pct) + "%" : "–";
    var status = row.querySelector('[data-cell="status"]');
    status.textContent = answered ? (ok ? "di atas garis" : "di bawah garis") : "–";
    status.className = answered && !ok ? "text-danger fw-bold" : "";
  }

  function update() {
    var given = answers();
    var count = Object.keys(given).length;
    var total = 0;
    var allPillarsOk = true;
    var weakPillars = {};
    rule.pillars.forEach(function (p) {
      var inds = rule.indicators.filter(function (i) { return i.pillar === p.code; });
      var score = inds.reduce(function (s, i) { return s + (given[i.code] || 0); }, 0);
      var max = MAX * inds.length;
      var pct = max ? (score * 100) / max : 0;
      var ok = pct >= rule.min_pillar_pct;
      if (!ok) { allPillarsOk = false; weakPillars[p.code] = true; }
      total += score;
      setRow(p.code, score, max, pct, ok, count > 0);
    });
    var maxTotal = MAX * rule.indicators.length;
    var totalPct = maxTotal ? (total * 100) / maxTotal : 0;
    var passes = totalPct >= rule.min_total_pct && allPillarsOk;
    setRow("TOTAL", total, maxTotal, totalPct, totalPct >= rule.min_total_pct, count > 0);

    var summary = document.getElementById("self-check-summary");
    if (!count) {
      summary.innerHTML = "<p>Belum ada jawaban. Pilih nilai pada indikator di atas.</p>";
    } else {
      var p = document.createElement("p");
      var missing = rule.indicators.length - count;
      p.textContent = (passes ? "Menurut jawaban Anda, RT ini MEMENUHI aturan lulus." :
        "Menurut jawaban Anda, RT ini BELUM memenuhi aturan lulus.") +
        " Total " + fmt(totalPct) + "% (minimal " + fmt(rule.min_total_pct) + "%)." +
        (missing ? " " + missing + " indikator belum dijawab dan dihitung 0." : "");
      summary.replaceChildren(p);
    }

    // Improve first: indicators answered 0, then 1, those of pillars under the line first.
    var list = document.getElementById("self-check-improve");
    var todo = rule.indicators
      .filter(function (i) { return i.code in given && given[i.code] < MAX; })
      .sort(function (a, b) {
        return (given[a.code] - given[b.code]) ||
          ((weakPillars[b.pillar] ? 1 : 0) - (weakPillars[a.pillar] ? 1 : 0));
      });
    list.replaceChildren();
    if (!todo.length) {
      var li = document.createElement("li");
      li.className = "text-muted";
      li.textContent = count ? "Semua indikator yang dijawab sudah bernilai 2." : "Belum ada.";
      list.appendChild(li);
    }
    todo.forEach(function (i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + "cek-" + i.code;
      a.textContent = i.code;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (nilai " + given[i.code] + ") " + i.text));
      list.appendChild(li);
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  document.getElementById("self-check-print").addEventListener("click", function () { window.print(); });
  update();
})();
