// Draw every graph of the page from its JSON (a <script type="application/json">), with the
// vis-network that the app serves itself. Tooltips and the side panel are plain text
// (textContent), never HTML. No page has inline script (the Content-Security-Policy forbids
// it): behaviour lives here.
//
// Stable layouts: the server fixes the layout (levels, or a random seed); once drawn, physics
// is switched off, overlapping labels are pushed apart (the same way every time), and a layout
// the user saved for this page (localStorage, this machine only) is put back. The container
// gets data-ready="1" when the map has settled.
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
  function layoutKey(id) {
    return "graphcrm-layout:" + window.location.pathname + window.location.search + "#" + id;
  }
  function readSaved(id) {
    try { return JSON.parse(window.localStorage.getItem(layoutKey(id)) || "null"); } catch (e) { return null; }
  }

  // Push apart nodes whose boxes (label included) overlap. Hierarchical maps keep their rows:
  // each row is swept left to right; other maps push each overlapping pair apart.
  function separate(network, ids, hierarchical) {
    var gap = 12;
    var pos = network.getPositions(ids);
    var box = {};
    ids.forEach(function (id) {
      var b = network.getBoundingBox(id);
      var p = pos[id];
      box[id] = { l: p.x - b.left, r: b.right - p.x, t: p.y - b.top, b: b.bottom - p.y };
    });
    function overlap(a, c) {
      var pa = pos[a], pc = pos[c], ba = box[a], bc = box[c];
      var ox = Math.min(pa.x + ba.r, pc.x + bc.r) - Math.max(pa.x - ba.l, pc.x - bc.l) + gap;
      var oy = Math.min(pa.y + ba.b, pc.y + bc.b) - Math.max(pa.y - ba.t, pc.y - bc.t) + gap;
      return ox > 0 && oy > 0 ? { x: ox, y: oy } : null;
    }
    if (hierarchical) {
      var rows = {};
      ids.forEach(function (id) { var y = Math.round(pos[id].y); (rows[y] = rows[y] || []).push(id); });
      Object.keys(rows).forEach(function (y) {
        var row = rows[y].sort(function (a, c) { return pos[a].x - pos[c].x || (a < c ? -1 : 1); });
        for (var i = 1; i < row.length; i++) {
          var prev = row[i - 1], cur = row[i];
          var least = pos[prev].x + box[prev].r + gap + box[cur].l;
          if (pos[cur].x < least) { pos[cur].x = least; }
        }
      });
    }
    for (var round = 0; round < 200; round++) {
      var moved = false;
      for (var i = 0; i < ids.length; i++) {
        for (var j = i + 1; j < ids.length; j++) {
          var a = ids[i], c = ids[j], o = overlap(a, c);
          if (!o) { continue; }
          moved = true;
          if (hierarchical || o.x <= o.y) {
            var sx = pos[a].x < pos[c].x || (pos[a].x === pos[c].x && a < c) ? -1 : 1;
            pos[a].x += sx * o.x / 2; pos[c].x -= sx * o.x / 2;
          } else {
            var sy = pos[a].y < pos[c].y || (pos[a].y === pos[c].y && a < c) ? -1 : 1;
            pos[a].y += sy * o.y / 2; pos[c].y -= sy * o.y / 2;
          }
        }
      }
      if (!moved) { break; }
    }
    ids.forEach(function (id) { network.moveNode(id, pos[id].x, pos[id].y); });
  }

  // The page of a node: the one for its kind (a person, an organisation, an opportunity), else
  // the map's own; the id goes in with encodeURIComponent.
  function pageOf(container, node) {
    var pages = JSON.parse(container.getAttribute("data-pages") || "{}");
    var pattern = pages[node.page] || container.getAttribute("data-link");
    return pattern ? pattern.replace("__ID__", encodeURIComponent(node.id)) : null;
  }

  function showPanel(container, panel, node) {
    panel.textContent = "";
    var heading = document.createElement("h3");
    heading.textContent = node.name || node.id;
    panel.appendChild(heading);
    var lines = (node.titleText || "").split("\n").slice(1);
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    panel.appendChild(list);
    var actions = document.createElement("p");
    actions.className = "panel-actions";
    function action(text, href, cls) {
      var a = document.createElement("a");
      a.textContent = text;
      a.href = href;
      a.className = cls;
      actions.appendChild(a);
      actions.appendChild(document.createTextNode(" "));
    }
    var page = pageOf(container, node);
    if (node.person) {
      action("Find a warm path", container.getAttribute("data-paths") + "?target=" + encodeURIComponent(node.id), "panel-path");
    }
    if (page) { action(node.person ? "Open their page" : "Open its page", page, "panel-open"); }
    if (node.person && page) { action("Log a contact", page + "#log-contact", "panel-log"); }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { panel.hidden = true; });
    actions.appendChild(close);
    panel.appendChild(actions);
    panel.hidden = false;  // over the map's corner (app.css): the map keeps its size
  }

  window.graphcrmNetworks = {};
  document.querySelectorAll("[data-graph]").forEach(function (container) {
    var source = document.getElementById(container.getAttribute("data-graph"));
    var data = JSON.parse(source.textContent);
    data.nodes.forEach(function (n) { if (n.title) { n.titleText = n.title; n.title = textTooltip(n.title); } });
    data.edges.forEach(function (e) { if (e.title) { e.title = textTooltip(e.title); } });
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var hierarchical = Boolean(data.options.layout && data.options.layout.hierarchical);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    var id = container.id;
    var panel = document.getElementById(id + "-panel");
    var status = document.querySelector("[data-layout-status='" + id + "']");
    var settled = false;
    function settle() {
      if (settled) { return; }
      settled = true;
      network.setOptions({ physics: { enabled: false } });
      var ids = nodes.getIds();
      if (ids.length <= 400) { separate(network, ids, hierarchical); }
      var saved = readSaved(id);
      if (saved) {
        ids.forEach(function (n) { if (saved[n]) { network.moveNode(n, saved[n].x, saved[n].y); } });
        if (status) { status.textContent = "Your saved layout."; }
      }
      network.redraw();
      // fit once the moved nodes are drawn: fitting at once can take the positions before them
      window.requestAnimationFrame(function () {
        network.fit({ animation: false });
        window.requestAnimationFrame(function () { container.setAttribute("data-ready", "1"); });
      });
    }
    // settle after a drawing: only a drawn node knows the size of its label's box
    function settleWhenDrawn() {
      network.once("afterDrawing", settle);
      network.redraw();
    }
    if (data.options.physics && data.options.physics.enabled === false) {
      network.once("afterDrawing", settle);
    } else {
      network.once("stabilizationIterationsDone", settleWhenDrawn);
      network.once("stabilized", settleWhenDrawn);
    }
    network.on("click", function (params) {
      if (panel && params.nodes.length === 1) {
        showPanel(container, panel, nodes.get(params.nodes[0]));
      }
    });
    network.on("doubleClick", function (params) {
      var page = params.nodes.length === 1 ? pageOf(container, nodes.get(params.nodes[0])) : null;
      if (page) { window.location.href = page; }
    });
    var save = document.querySelector("[data-save-layout='" + id + "']");
    if (save) {
      save.addEventListener("click", function () {
        window.localStorage.setItem(layoutKey(id), JSON.stringify(network.getPositions()));
        if (status) { status.textContent = "Layout saved on this computer."; }
      });
    }
    var reset = document.querySelector("[data-reset-layout='" + id + "']");
    if (reset) {
      reset.addEventListener("click", function () {
        window.localStorage.removeItem(layoutKey(id));
        window.location.reload();
      });
    }
    document.querySelectorAll("[data-toggles-for='" + id + "'] input[data-edge-kind]").forEach(function (box) {
      box.addEventListener("change", function () {
        var kind = box.getAttribute("data-edge-kind");
        edges.update(edges.get({ filter: function (e) { return e.kind === kind; } }).map(function (e) {
          return { id: e.id, hidden: !box.checked };
        }));
      });
    });
    window.graphcrmNetworks[id] = network;
  });
})();
