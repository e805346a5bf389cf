// Suggestions as you type, for the header's search box and every <input data-suggest="KIND">
// (KIND: person, account, org, opportunity, or any). The list comes from /api/suggest (the
// URL is on this script's data-suggest-api), closest first; names are inserted as text
// (textContent), never as HTML. Arrow keys move through the list, Enter or a click chooses,
// Escape closes it. Choosing in a box with data-suggest-go opens the page of what was chosen;
// in a form it fills in the name (the forms take names) and keeps the id in data-suggested-id.
// A box added after the page loaded: window.graphcrmSuggest(input).
(function () {
  "use strict";
  var script = document.currentScript;
  var api = (script && script.getAttribute("data-suggest-api")) || "/api/suggest";
  var WAIT_MS = 120; // typing pauses shorter than this send no request
  var WIDE_PX = 480; // the list's width when the box is narrower
  var counter = 0;

  function attach(input) {
    if (input.hasAttribute("data-suggest-ready")) { return; }
    input.setAttribute("data-suggest-ready", "");
    var kind = input.getAttribute("data-suggest");
    var go = input.hasAttribute("data-suggest-go");
    var list = document.createElement("ul");
    var listId = "suggest-" + ++counter;
    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0; // the number of the last request: older answers are dropped
    var shownFor = null;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    document.body.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function place() {
      // Under the box, at least as wide as it and wide enough for a title and an organisation,
      // moved left when it would run off the right edge (the header's box sits there).
      var box = input.getBoundingClientRect();
      var screen = document.documentElement.clientWidth;
      var width = Math.min(Math.max(box.width, WIDE_PX), screen - 16);
      var left = Math.max(8, Math.min(box.left, screen - width - 8));
      list.style.width = width + "px";
      list.style.left = left + window.scrollX + "px";
      list.style.top = box.bottom + window.scrollY + 2 + "px";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var hit = items[index];
      if (!hit) { return; }
      close();
      if (go) {
        window.location.href = hit.url;
        return;
      }
      input.value = hit.name;
      input.setAttribute("data-suggested-id", hit.id);
      shownFor = input.value.trim();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(hits, text) {
      items = hits;
      shownFor = text;
      list.textContent = "";
      if (!hits.length) { close(); return; }
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = hit.name;
        li.appendChild(name);
        if (!kind || kind === "any") {
          var label = document.createElement("span");
          label.className = "kind";
          label.textContent = hit.kind === "org" ? "organisation" : hit.kind;
          li.appendChild(label);
        }
        if (hit.detail) {
          var detail = document.createElement("span");
          detail.className = "suggestion-detail";
          detail.textContent = hit.detail;
          li.appendChild(detail);
        }
        // mousedown, not click: the box would lose focus (and close the list) first.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        li.addEventListener("mousemove", function () { if (active !== i) { highlight(i); } });
        list.appendChild(li);
      });
      place();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    function ask() {
      var text = input.value.trim();
      if (!text) { items = []; shownFor = null; close(); return; }
      if (text === shownFor && items.length) { place(); list.hidden = false; input.setAttribute("aria-expanded", "true"); return; }
      var number = ++asked;
      var url = api + "?q=" + encodeURIComponent(text);
      if (kind && kind !== "any") { url += "&kind=" + encodeURIComponent(kind); }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (answer) {
          if (number === asked && input.value.trim() === text) { show(answer.suggestions || [], text); }
        })
        .catch(function () { /* no suggestions: the box still works as a plain field */ });
    }

    input.addEventListener("input", function () {
      input.removeAttribute("data-suggested-id"); // typed over what was chosen
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("focus", function () { if (input.value.trim()) { ask(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) { ask(); return; }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next < -1) { next = items.length - 1; }
        if (next >= items.length) { next = -1; }
        highlight(next);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // the chosen suggestion, not the text typed
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    window.addEventListener("resize", function () { if (!list.hidden) { place(); } });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
  window.graphcrmSuggest = attach; // for a box added to the page later
})();
