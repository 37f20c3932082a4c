/* Jieli page behaviour. Everything is wired from data attributes, never inline handlers, so the
   pages run under `script-src 'self'; style-src 'self'`. Each feature degrades to plain HTML. */
(function () {
  "use strict";

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  /* A select that submits its form when changed (the language switch). */
  function autosubmit(root) {
    each("select[data-autosubmit]", function (select) {
      select.addEventListener("change", function () {
        if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
      });
    }, root);
  }

  /* Province → prefecture → county selects: load the next level's options from the server. */
  function regionPickers(root) {
    each(".region-picker[data-children-url]", function (picker) {
      var url = picker.getAttribute("data-children-url");
      if (!url || !window.fetch) { return; }
      var selects = picker.querySelectorAll("select");
      Array.prototype.forEach.call(selects, function (select, index) {
        select.addEventListener("change", function () {
          for (var i = index + 1; i < selects.length; i++) { selects[i].length = 1; }
          var next = selects[index + 1];
          if (!next || !select.value) { return; }
          fetch(url + "?parent=" + encodeURIComponent(select.value), {credentials: "same-origin"})
            .then(function (r) { return r.ok ? r.json() : {results: []}; })
            .then(function (data) {
              data.results.forEach(function (row) { next.add(new Option(row.name, row.code)); });
            });
        });
      });
    }, root);
  }

  /* Autocomplete pickers for region, industry and discipline codes (Tom Select from npm),
     backed by the read-only code-list API. The input keeps submitting plain codes. */
  function codePickers(root) {
    if (!window.TomSelect) { return; }
    each("input[data-code-picker]", function (input) {
      if (input.tomselect) { return; }
      var url = input.getAttribute("data-url");
      var multiple = input.hasAttribute("data-multiple");
      var maxLevel = parseInt(input.getAttribute("data-max-level") || "0", 10);
      var labels = {};
      try { labels = JSON.parse(input.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
      var options = [];
      var current = input.value.replace(/，/g, ",");
      if (!multiple && current.indexOf(" ") > 0) {
        // "C38 电气机械…" from a listing form: the code is the first word.
        var code = current.split(" ")[0];
        options.push({code: code, label: current.slice(code.length + 1)});
        input.value = code;
      } else {
        current.split(/[\s,]+/).forEach(function (code) {
          if (code) { options.push({code: code, label: labels[code] || ""}); }
        });
      }
      new window.TomSelect(input, {
        valueField: "code",
        labelField: "label",
        searchField: ["code", "label", "name", "name_en"],
        // Keep the server's order (broad codes first) instead of re-ranking client-side.
        sortField: [{field: "$order"}, {field: "$score"}],
        options: options,
        maxItems: multiple ? 20 : 1,
        delimiter: ",",
        create: false,
        persist: false,
        preload: "focus",
        loadThrottle: 250,
        maxOptions: 60,
        placeholder: input.getAttribute("data-placeholder") || "",
        plugins: multiple ? {remove_button: {title: removeLabel()}} : {clear_button: {title: clearLabel()}},
        shouldLoad: function () { return !!url; },
        load: function (query, callback) {
          var q = query ? "q=" + encodeURIComponent(query.slice(0, 100)) + "&" : "";
          fetch(url + "?" + q + "page_size=50", {credentials: "same-origin"})
            .then(function (r) { return r.ok ? r.json() : {results: []}; })
            .then(function (data) {
              callback((data.results || []).filter(function (row) {
                return !maxLevel || row.level <= maxLevel;
              }));
            })
            .catch(function () { callback(); });
        },
        render: {
          option: function (item, escape) {
            return "<div><span class=\"code\">" + escape(item.code) + "</span>" + escape(item.label || item.name || "") + "</div>";
          },
          item: function (item, escape) {
            return "<div title=\"" + escape(item.label || "") + "\">" + escape(item.code) + (item.label ? " " + escape(lastPart(item.label)) : "") + "</div>";
          }
        }
      });
    }, root);
    each("select[data-searchable]", function (select) {
      if (select.tomselect) { return; }
      new window.TomSelect(select, {maxOptions: 2000, allowEmptyOption: true, plugins: {clear_button: {title: clearLabel()}}});
    }, root);
  }

  // The plugins' own button titles are English; the page carries them in its language.
  function clearLabel() { return document.body.getAttribute("data-label-clear") || ""; }
  function removeLabel() { return document.body.getAttribute("data-label-remove") || ""; }

  function lastPart(label) {
    var parts = String(label).split(" ");
    return parts[parts.length - 1];
  }

  /* "Suggest industry and discipline from the text" on listing forms. */
  function codeSuggestions() {
    var box = document.getElementById("code-suggestions");
    if (!box) { return; }
    var out = document.getElementById("code-suggest-result");
    var button = document.getElementById("code-suggest-button");
    var labels = {
      section: box.getAttribute("data-label-section"),
      division: box.getAttribute("data-label-division"),
      discipline: box.getAttribute("data-label-discipline")
    };
    function apply(target, code) {
      var el = document.getElementById(target === "discipline" ? "id_discipline" : "id_industry");
      if (!el) { return; }
      if (el.tomselect) {
        el.tomselect.addOption({code: code, label: ""});
        el.tomselect.setValue(code);
      } else {
        el.value = code;
        el.dispatchEvent(new Event("change"));
      }
    }
    button.addEventListener("click", function () {
      var text = box.getAttribute("data-fields").split(",").map(function (id) {
        var el = document.getElementById(id); return el ? el.value : "";
      }).join("\n").trim();
      if (!text) { out.textContent = box.getAttribute("data-msg-empty"); return; }
      fetch(box.getAttribute("data-url"), {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
        body: JSON.stringify({text: text})
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          out.textContent = "";
          ["section", "division", "discipline"].forEach(function (target) {
            (data[target] || []).forEach(function (s) {
              var b = document.createElement("button");
              b.type = "button"; b.className = "tag";
              b.textContent = labels[target] + ": " + s.code + " " + s.label + " (" + Math.round(s.probability * 100) + "%)";
              b.addEventListener("click", function () { apply(target, s.code); });
              out.appendChild(b);
            });
          });
          if (!out.childNodes.length) { out.textContent = box.getAttribute("data-msg-none"); }
        })
        .catch(function () { out.textContent = box.getAttribute("data-msg-error"); });
    });
  }

  /* Import progress: poll the job's status until it finishes, then reload. */
  function importProgress() {
    var box = document.getElementById("job-status");
    if (!box || box.getAttribute("data-finished") === "1") { return; }
    function poll() {
      fetch(box.getAttribute("data-url"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          document.getElementById("job-progress").value = s.progress;
          document.getElementById("job-progress-text").textContent = s.progress + "%";
          document.getElementById("job-state").textContent = s.status_label;
          if (s.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  }

  /* Review queue: "select all" and a live count of the chosen items. The checkboxes sit in the
     table and belong to the batch form through their form="" attribute. */
  function batchSelection() {
    each("form[data-batch]", function (form) {
      function owned(test) {
        return Array.prototype.filter.call(form.elements, test);
      }
      var all = owned(function (el) { return el.hasAttribute("data-select-all"); })[0];
      var count = document.querySelector("[data-selected-count]");
      function boxes() { return owned(function (el) { return el.name === "ids"; }); }
      function update() {
        var list = boxes();
        var n = list.filter(function (b) { return b.checked; }).length;
        if (count) { count.textContent = String(n); }
        if (all) { all.checked = n > 0 && n === list.length; all.indeterminate = n > 0 && n < list.length; }
      }
      if (all) {
        all.addEventListener("change", function () {
          boxes().forEach(function (b) { b.checked = all.checked; });
          update();
        });
      }
      document.addEventListener("change", function (e) {
        if (e.target.form === form && e.target.name === "ids") { update(); }
      });
      update();
    });
  }

  /* Filters start folded on narrow screens (open in the HTML, so they show without JS). */
  function foldFilters() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 991.98px)").matches) { return; }
    each("details.filters-toggle[open]", function (d) {
      if (!d.querySelector(".errorlist")) { d.removeAttribute("open"); }
    });
  }

  function init(root) {
    autosubmit(root);
    regionPickers(root);
    codePickers(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters();
    init(document);
    batchSelection();
    codeSuggestions();
    importProgress();
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:load", function (e) { if (e.target && e.target !== document.body) { init(e.target); } });
})();
