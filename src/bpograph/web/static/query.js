// bpograph query page: YASGUI against this server's endpoint, prefilled from ?query=.
// Served as a file (not inline) so that the page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var endpoint = window.location.origin + "/sparql";
  var params = new URLSearchParams(window.location.search);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
  });
  var query = params.get("query");
  if (query) {
    yasgui.getTab().setQuery(query);
  }
})();
