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
     table and belong to the batch form through their form="" attribute. Listeners are on the
     document, so a table swapped in by a filter or pager keeps working. */
  function batchBoxes(form) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === "ids"; });
  }

  function batchCount(form) {
    var list = batchBoxes(form);
    var n = list.filter(function (b) { return b.checked; }).length;
    var count = document.querySelector("[data-selected-count]");
    var all = Array.prototype.filter.call(form.elements, function (el) {
      return el.hasAttribute("data-select-all");
    })[0];
    if (count) { count.textContent = String(n); }
    if (all) { all.checked = n > 0 && n === list.length; all.indeterminate = n > 0 && n < list.length; }
  }

  function batchSelection() {
    document.addEventListener("change", function (e) {
      var form = e.target.form;
      if (!form || !form.hasAttribute("data-batch")) { return; }
      if (e.target.hasAttribute("data-select-all")) {
        batchBoxes(form).forEach(function (b) { b.checked = e.target.checked; });
      }
      if (e.target.name === "ids" || e.target.hasAttribute("data-select-all")) { batchCount(form); }
    });
  }

  /* Filter forms and pagers that replace only their results region (htmx; the hx-* attributes
     are in the templates). Without htmx the form submits with its button and the links load
     whole pages. Choices (selects, checkboxes, code pickers) apply at once; typed text waits
     for Enter or the button, so no request goes out per keystroke or mid-IME composition. */
  var lastQuery = new WeakMap();

  function formQuery(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function isTyped(el) {
    if (el.tagName === "TEXTAREA") { return true; }
    return el.tagName === "INPUT" && /^(text|search|number|email|tel|url)$/.test(el.type);
  }

  function liveFilters() {
    each("form[data-live-filter]", function (form) { lastQuery.set(form, formQuery(form)); });
    document.addEventListener("submit", function (e) {
      if (e.target.hasAttribute && e.target.hasAttribute("data-live-filter")) {
        lastQuery.set(e.target, formQuery(e.target));
      }
    }, true);
    document.addEventListener("change", function (e) {
      var el = e.target;
      var form = el.form;
      if (!window.htmx || !form || !form.hasAttribute("data-live-filter") || !el.name) { return; }
      // Tom Select reports a picked code as a change of the (hidden) text input it enhances.
      if (isTyped(el) && !el.classList.contains("tomselected")) { return; }
      if (formQuery(form) === lastQuery.get(form)) { return; }
      if (form.requestSubmit) { form.requestSubmit(); } else { window.htmx.trigger(form, "submit"); }
    });
  }

  function swappedResults(e) {
    var el = e.detail && e.detail.target;
    return el && el.hasAttribute && el.hasAttribute("data-results") ? el : null;
  }

  function requestPath(e) {
    var info = e.detail.pathInfo || {};
    return info.finalRequestPath || info.requestPath || "";
  }

  function resultsSwaps() {
    // A response that cannot be shown in place (a form error, a rate limit, a signed-out
    // redirect to the login page) is shown the way it would be without JavaScript: as a page.
    document.addEventListener("htmx:beforeSwap", function (e) {
      if (!swappedResults(e) || !e.detail.xhr || !e.detail.xhr.responseURL) { return; }
      var asked = new URL(requestPath(e), window.location.href);
      var got = new URL(e.detail.xhr.responseURL);
      if (got.pathname !== asked.pathname) {
        e.detail.shouldSwap = false;
        window.location.assign(got.href);
      }
    });
    ["htmx:responseError", "htmx:sendError"].forEach(function (name) {
      document.addEventListener(name, function (e) {
        if (swappedResults(e) && e.detail.requestConfig && e.detail.requestConfig.verb === "get") {
          window.location.assign(requestPath(e));
        }
      });
    });
    // After new results arrive: bring their top into view when it is scrolled past, and give
    // keyboard focus to them when the control that asked (a pager link) went with the old ones.
    document.addEventListener("htmx:afterSettle", function (e) {
      var results = e.target;
      if (!results.hasAttribute || !results.hasAttribute("data-results")) { return; }
      if (results.getBoundingClientRect().top < 0) { results.scrollIntoView({block: "start"}); }
      if (!document.activeElement || document.activeElement === document.body) {
        results.focus({preventScroll: true});
      }
      each("form[data-batch]", batchCount);
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
    each("form[data-batch]", batchCount);
    liveFilters();
    resultsSwaps();
    codeSuggestions();
    importProgress();
  });
  // Content swapped in by htmx gets the same behaviour.
  document.addEventListener("htmx:load", function (e) { if (e.target && e.target !== document.body) { init(e.target); } });
})();
