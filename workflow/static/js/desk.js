/* Adaptdesk desk pages: live machine-draft progress, Ctrl/Cmd+S to save, a warning before leaving
   unsaved text (the adaptor's editor has its own, with autosave, in editor.js), confirmations for
   irreversible actions, and small form helpers.
   Loaded with <script src defer>; the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var MAX_FAILURES = 5;
  /* Draft states after which nothing will change any more. */
  var FINISHED = { ready: true, failed: true, superseded: true };

  /* The page's words for what desk.js writes (data-words, in the reader's language); English without them. */
  function wordsOf(block) {
    try {
      return JSON.parse(block.getAttribute("data-words") || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  /* A message with {name} placeholders filled in. */
  function fill(message, values) {
    return String(message).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function stateLabel(state, words) {
    var labels = (words && words.states) || {};
    return labels[state] || String(state || "").replace(/_/g, " ");
  }

  function draftWords(state, done, total, words) {
    words = words || {};
    if (state === "queued") { return words.queued || "waiting for a translator"; }
    if (state === "translating") {
      if (!total) { return words.translating || "translating"; }
      return fill(words.translating_n || "translating {done} of {total} sentences", { done: done, total: total });
    }
    if (state === "ready") { return words.ready || "ready"; }
    if (state === "failed") { return words.failed || "failed"; }
    return stateLabel(state, words);
  }

  /* Apply one API reading to a progress block; returns true once the draft is finished. */
  function applyReading(block, id, data) {
    var words = wordsOf(block);
    var draft = (data && data.draft) || {};
    var progress = draft.progress || {};
    var done = Number(progress.done || 0);
    var total = Number(progress.total || 0);
    var bar = block.querySelector("[data-progress]");
    if (bar) {
      if (draft.state === "ready") {
        bar.max = total || 1;
        bar.value = total || 1;
      } else if (total > 0) {
        bar.max = total;
        bar.value = done;
      }
      bar.textContent = done + "/" + total;
      bar.setAttribute(
        "aria-label",
        fill(words.label || "Machine draft: {state}", { state: draftWords(draft.state, done, total, words) })
      );
    }
    var shown = block.querySelector("[data-draft-state]");
    if (shown && draft.state) {
      shown.textContent = draftWords(draft.state, done, total, words);
      shown.className = "draft-state draft-" + draft.state;
    }
    if (data && data.state) {
      document.querySelectorAll('[data-state-for="' + id + '"]').forEach(function (badge) {
        badge.textContent = stateLabel(data.state, words);
        badge.className = "state state-" + data.state;
      });
    }
    var finished = !draft.state || FINISHED[draft.state] === true;
    if (finished && draft.state === "ready") {
      document.querySelectorAll("[data-draft-ready-notice]").forEach(function (notice) {
        notice.hidden = false;
      });
    }
    return finished;
  }

  function pollDraft(block) {
    var id = block.getAttribute("data-poll-adaptation");
    if (!/^\d+$/.test(id || "")) { return; }
    var url = block.getAttribute("data-poll-url") || "/api/v1/adaptations/" + id + "/progress";
    var failures = 0;

    function schedule() { window.setTimeout(tick, POLL_MS); }

    function tick() {
      window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.status === 403 || response.status === 404) {
            failures = MAX_FAILURES; /* no access or gone: asking again will not help */
          }
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          if (!applyReading(block, id, data)) { schedule(); }
        })
        .catch(function () {
          failures += 1;
          if (failures < MAX_FAILURES) { schedule(); }
        });
    }

    schedule();
  }

  /* Warn before leaving a page whose form holds text that was not sent. */
  var watched = [];

  function serialize(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      parts.push(el.name + "=" + el.value);
    });
    return parts.join("\u0000");
  }

  function watchUnsaved(form) {
    watched.push({
      form: form,
      snapshot: serialize(form),
      /* Re-rendered after a refusal: what is in the form was never stored. */
      dirty: form.hasAttribute("data-dirty"),
      leaving: false
    });
  }

  function hasUnsaved() {
    return watched.some(function (w) {
      return !w.leaving && (w.dirty || serialize(w.form) !== w.snapshot);
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (hasUnsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* Ask before irreversible actions (a form's or its submit button's data-confirm). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  /* Runs after every other submit handler: a form really being sent no longer counts as unsaved. */
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    watched.forEach(function (w) {
      if (w.form === event.target) { w.leaving = true; }
    });
  });

  /* Ctrl+S (Cmd+S on a Mac) saves the adaptation instead of saving the web page. */
  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || String(event.key).toLowerCase() !== "s") { return; }
    var form = document.querySelector("form[data-save-form]");
    if (!form || form.hasAttribute("data-autosave")) { return; } /* editor.js saves that one in place */
    event.preventDefault();
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      watched.forEach(function (w) { if (w.form === form) { w.leaving = true; } });
      form.submit();
    }
  });

  /* Copy the finished machine draft into the adaptation form, only when the person asks. */
  function setupCopyDraft(button) {
    button.addEventListener("click", function () {
      var form = document.getElementById(button.getAttribute("data-target-form") || "");
      if (!form || !form.elements.title || !form.elements.body) { return; }
      var title = form.elements.title;
      var body = form.elements.body;
      var hasText = title.value.trim() !== "" || body.value.trim() !== "";
      var question = button.getAttribute("data-confirm-replace") ||
        "Replace the text in the form with the machine draft? Nothing is stored until you save.";
      if (hasText && !window.confirm(question)) {
        return;
      }
      title.value = button.getAttribute("data-draft-title") || "";
      body.value = button.getAttribute("data-draft-body") || "";
      body.focus();
    });
  }

  /* On the report form, the title and text fields follow the chosen language's direction. */
  function setupReportForm(form) {
    var rtl = (form.getAttribute("data-rtl-languages") || "").split(/\s+/);
    var select = form.querySelector("[data-language-select]");
    if (!select) { return; }
    select.addEventListener("change", function () {
      var code = select.value;
      form.querySelectorAll("[data-follows-language]").forEach(function (field) {
        field.setAttribute("lang", code);
        field.setAttribute("dir", rtl.indexOf(code) >= 0 ? "rtl" : "ltr");
      });
    });
  }

  /* Active editing time: seconds while the page is visible and the person typed, clicked or scrolled in
     the last minute. Sent with each save in the hidden active_seconds field (which a refused save hands
     back, so the time is not lost) and counted afresh on the page that follows a save. */
  var ACTIVE_WINDOW_MS = 60000;
  var TICK_MS = 1000;
  /* A longer gap between ticks (a sleeping laptop) counts as one tick at most. */
  var MAX_TICK_MS = 5000;

  function setupActiveTime(form) {
    var field = form.querySelector("[data-active-seconds]");
    if (!field) { return; }
    var counted = (parseInt(field.value, 10) || 0) * 1000;
    var lastActivity = -Infinity;
    var lastTick = Date.now();

    function touch() { lastActivity = Date.now(); }
    ["keydown", "input", "mousedown", "click", "wheel", "touchstart"].forEach(function (name) {
      document.addEventListener(name, touch, { capture: true, passive: true });
    });
    /* Scrolling inside the text area does not bubble: listen in the capture phase. */
    document.addEventListener("scroll", touch, { capture: true, passive: true });

    function write() { field.value = String(Math.floor(counted / 1000)); }

    window.setInterval(function () {
      var now = Date.now();
      var elapsed = Math.min(Math.max(0, now - lastTick), MAX_TICK_MS);
      lastTick = now;
      if (document.visibilityState === "visible" && now - lastActivity <= ACTIVE_WINDOW_MS) {
        counted += elapsed;
        write();
      }
    }, TICK_MS);
    document.addEventListener("visibilitychange", function () { lastTick = Date.now(); });

    /* editor.js saved in place, with the seconds counted so far: count on from what is left. */
    form.addEventListener("adaptdesk:saved", function (event) {
      var sent = Number((event.detail && event.detail.activeSeconds) || 0);
      counted = Math.max(0, counted - sent * 1000);
      write();
    });

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      write();
      /* The seconds now travel with this save; if the page stays (the save was not sent), keep them. */
      window.addEventListener("pageshow", function (shown) {
        if (shown.persisted) { counted = 0; write(); }
      }, { once: true });
    });
  }

  function start() {
    document.querySelectorAll("[data-poll-adaptation]").forEach(pollDraft);
    document.querySelectorAll("form[data-active-time]").forEach(setupActiveTime);
    document.querySelectorAll("form[data-unsaved-warning]").forEach(watchUnsaved);
    document.querySelectorAll("[data-copy-draft]").forEach(setupCopyDraft);
    document.querySelectorAll("form[data-report-form]").forEach(setupReportForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
