/* Registers the self-check's own service worker (scope /cek-mandiri/), so the page opens
   again without signal. Its URL comes from the script tag's data-sw attribute. */
(function () {
  "use strict";
  var tag = document.getElementById("self-check-sw-script");
  if (!tag || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(tag.dataset.sw, { scope: "/cek-mandiri/" }).catch(function () {
    /* No offline copy (e.g. plain http on another host): the page still works online. */
  });
})();
