// Polls /dokumen/<id>/status until the job is DONE or FAILED; no framework.
(function () {
  "use strict";
  var root = document.getElementById("document-job");
  if (!root) return;
  var url = root.dataset.statusUrl;
  var $ = function (id) { return document.getElementById(id); };

  function show(state) {
    $("job-status").textContent = state.status_label;
    $("job-count").textContent = state.total ? "(" + state.progress + " dari " + state.total + ")" : "";
    var bar = $("job-bar");
    bar.style.width = state.percent + "%";
    bar.textContent = state.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", state.percent);
    bar.classList.toggle("bg-danger", state.status === "FAILED");
    $("job-error").textContent = state.error || "";
    $("job-error").classList.toggle("d-none", !state.error);
    $("job-remake").classList.toggle("d-none", !state.can_remake);
    if (state.download_url) {
      $("job-download").href = state.download_url;
      $("job-download").classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          show({ status_label: "Sesi berakhir", percent: 0, error: "Sesi Anda berakhir. Silakan masuk lagi, lalu buka halaman ini kembali." });
          return null;
        }
        return response.json();
      })
      .then(function (state) {
        if (!state) return;
        show(state);
        if (state.status !== "DONE" && state.status !== "FAILED") setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  // The bar's first width comes from here: the Content-Security-Policy forbids style="".
  $("job-bar").style.width = $("job-bar").dataset.percent + "%";
  if (root.dataset.status !== "DONE" && root.dataset.status !== "FAILED") setTimeout(poll, 1000);
})();
