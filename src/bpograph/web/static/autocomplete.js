// Progressive enhancement of the site search: suggestions from /search as you type (both
// languages, ignoring case and diacritics). Without JavaScript the form still submits to /search.
(function () {
  "use strict";
  var input = document.getElementById("site-q");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "site-q-suggestions";
  document.body.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  var pending = null;
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (pending) { clearTimeout(pending); }
    if (q.length < 2) { return; }
    pending = setTimeout(function () {
      fetch("/search?limit=10&q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          list.textContent = "";
          answer.results.forEach(function (hit) {
            var option = document.createElement("option");
            option.value = hit.label;
            list.appendChild(option);
          });
        });
    }, 150);
  });
})();
