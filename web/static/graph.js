// Draw every graph of the page from its JSON (a <script type="application/json">), with the
// vis-network that the app serves itself. Tooltips are plain text (textContent), never HTML.
// No page has inline script (the Content-Security-Policy forbids it): behaviour lives here.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  function textTooltip(value) {
    var box = document.createElement("div");
    box.className = "tooltip-text";
    box.textContent = value;
    return box;
  }
  window.graphcrmNetworks = {};
  document.querySelectorAll("[data-graph]").forEach(function (container) {
    var source = document.getElementById(container.getAttribute("data-graph"));
    var data = JSON.parse(source.textContent);
    data.nodes.forEach(function (n) { if (n.title) { n.title = textTooltip(n.title); } });
    data.edges.forEach(function (e) { if (e.title) { e.title = textTooltip(e.title); } });
    var network = new vis.Network(
      container,
      { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) },
      data.options
    );
    network.on("doubleClick", function (params) {
      var link = container.getAttribute("data-link");
      if (link && params.nodes.length === 1) {
        window.location.href = link.replace("__ID__", encodeURIComponent(params.nodes[0]));
      }
    });
    window.graphcrmNetworks[container.id] = network;
  });
})();
