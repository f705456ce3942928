/* Adaptdesk: the adaptor's editor. The segment grid (move between segments, insert a segment's machine draft
   or best memory match at the cursor), a help overlay for the keyboard shortcuts, autosave through the
   form's own save address (the version travels with each save: a save someone else made is never
   overwritten) and a warning before leaving unsaved text.
   Loaded with <script src defer>; the Content-Security-Policy forbids inline scripts. Without it the page
   is a plain form that saves with its button. */
(function () {
  "use strict";

  /* Autosave this long after the last keystroke; after a failure that may pass (network), try again after. */
  var AUTOSAVE_MS = 3000;
  var RETRY_MS = 10000;
  var PREFERENCE = "adaptdesk.autosave";

  function fill(message, values) {
    return String(message || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function isTextField(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    return tag === "textarea" || tag === "select" || el.isContentEditable ||
      (tag === "input" && !/^(button|submit|reset|checkbox|radio|file|image|range|color)$/.test(el.type));
  }

  function preference() {
    try { return window.localStorage.getItem(PREFERENCE) !== "off"; } catch (e) { return true; }
  }

  function remember(on) {
    try { window.localStorage.setItem(PREFERENCE, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  function start() {
    var editor = document.querySelector("[data-editor]");
    if (!editor) { return; }
    var words = {};
    try { words = JSON.parse(editor.getAttribute("data-words") || "{}") || {}; } catch (e) { words = {}; }
    var form = document.querySelector("form[data-autosave]");
    var saver = form ? setupAutosave(form, words) : null;
    setupSegments(editor, form, saver, words);
  }

  /* ------------------------------------------------------------------ segments and shortcuts */

  function setupSegments(editor, form, saver, words) {
    var rows = Array.prototype.slice.call(editor.querySelectorAll("tr.segment"));
    var help = document.querySelector("dialog[data-help]");
    var panel = editor.querySelector("[data-current-segment]");
    var current = 0;
    var lastField = form ? form.elements.body : null;

    if (form) {
      [form.elements.title, form.elements.body].forEach(function (field) {
        if (field) { field.addEventListener("focus", function () { lastField = field; }); }
      });
    }

    function reveal(row) {
      var box = row.closest(".segment-scroll");
      var r = row.getBoundingClientRect();
      if (box && box.scrollHeight > box.clientHeight + 1) {
        var b = box.getBoundingClientRect();
        var head = box.querySelector("thead");
        var top = b.top + (head ? head.getBoundingClientRect().height : 0);
        if (r.top < top) { box.scrollTop -= top - r.top; } else if (r.bottom > b.bottom) { box.scrollTop += r.bottom - b.bottom; }
      } else if (r.top < 0 || r.bottom > window.innerHeight) {
        row.scrollIntoView({ block: "nearest" });
      }
    }

    function select(index, show) {
      if (!rows.length) { return; }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) {
        row.classList.toggle("is-current", i === current);
        if (i === current) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
      });
      var label = fill(words.segment || "Segment {number} of {total}", { number: current + 1, total: rows.length });
      editor.querySelectorAll("[data-segment-position]").forEach(function (el) { el.textContent = label; });
      var source = rows[current].querySelector(".seg-source");
      var shown = editor.querySelector("[data-current-source]");
      if (shown && source) { shown.textContent = source.textContent.trim(); }
      if (show) { reveal(rows[current]); }
    }

    function textOf(kind) {
      var row = rows[current];
      if (!row) { return ""; }
      var el = row.querySelector(kind === "match" ? ".tm-best .tm-target" : ".seg-mt-text");
      return el ? el.textContent.trim() : "";
    }

    function insert(kind) {
      var field = lastField || (form && form.elements.body);
      if (!field) { return; }
      var text = textOf(kind);
      if (!text) {
        if (saver) { saver.say(kind === "match" ? words.no_match : words.no_draft, false); }
        return;
      }
      field.focus();
      var start = field.selectionStart || 0;
      var before = field.value.slice(0, start);
      if (before && !/\s$/.test(before)) { text = " " + text; }
      /* insertText keeps the browser's undo history (Ctrl+Z takes the insertion back). */
      var done = false;
      try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
      if (!done) {
        field.setRangeText(text, start, field.selectionEnd || start, "end");
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }

    function openHelp() {
      if (help && !help.open && typeof help.showModal === "function") { help.showModal(); }
    }

    rows.forEach(function (row, i) {
      row.addEventListener("click", function (event) {
        if (event.target.closest("a, summary, button")) { return; }
        select(i, false);
      });
    });
    editor.querySelectorAll("[data-go]").forEach(function (button) {
      button.addEventListener("click", function () { select(current + Number(button.getAttribute("data-go")), true); });
    });
    editor.querySelectorAll("[data-insert]").forEach(function (button) {
      button.addEventListener("click", function () { insert(button.getAttribute("data-insert")); });
    });
    document.querySelectorAll("[data-open-help]").forEach(function (button) {
      button.addEventListener("click", openHelp);
    });

    document.addEventListener("keydown", function (event) {
      if (help && help.open) { return; } /* the dialog handles Esc itself */
      var ctrl = event.ctrlKey || event.metaKey;
      var key = String(event.key);
      if (ctrl && !event.altKey && !event.shiftKey && (event.code === "KeyS" || key.toLowerCase() === "s")) {
        if (!saver) { return; }
        event.preventDefault();
        saver.saveNow();
        return;
      }
      if ((ctrl && !event.altKey && (key === "/" || event.code === "Slash")) ||
          ((key === "?" || key === "\u061F") && !ctrl && !event.altKey && !isTextField(event.target))) {
        if (!help) { return; }
        event.preventDefault();
        openHelp();
        return;
      }
      if (!rows.length) { return; }
      if (event.altKey && !ctrl && !event.shiftKey && (key === "ArrowDown" || key === "ArrowUp")) {
        event.preventDefault();
        select(current + (key === "ArrowDown" ? 1 : -1), true);
        return;
      }
      if (ctrl && event.shiftKey && !event.altKey && form && (event.code === "KeyD" || event.code === "KeyM")) {
        event.preventDefault();
        insert(event.code === "KeyD" ? "draft" : "match");
      }
    });

    if (rows.length) {
      if (panel && form) { panel.hidden = false; }
      select(0, false);
    }
  }

  /* ------------------------------------------------------------------ autosave and the unsaved guard */

  function setupAutosave(form, words) {
    var title = form.elements.title;
    var body = form.elements.body;
    var version = form.elements.version;
    var seconds = form.querySelector("[data-active-seconds]");
    var bar = form.querySelector("[data-autosave-bar]");
    var toggle = form.querySelector("[data-autosave-toggle]");
    var status = form.querySelector("[data-autosave-status]");
    var conflictNotice = document.querySelector("[data-conflict-notice]");
    /* After a refused save the form holds text that was never stored: dirty from the start. */
    var saved = form.hasAttribute("data-dirty") ? { title: null, body: null } : { title: title.value, body: body.value };
    /* After a stale save the person merges by hand: their next save is theirs to make, not the timer's. */
    var paused = form.hasAttribute("data-autosave-paused");
    var enabled = preference();
    var conflict = false;
    var inFlight = false;
    var again = false;
    var leaving = false;
    var timer = null;

    if (bar) { bar.hidden = false; }
    if (toggle) { toggle.checked = enabled; }

    function dirty() { return title.value !== saved.title || body.value !== saved.body; }

    function say(message, error) {
      if (!status) { return; }
      status.textContent = message || "";
      status.classList.toggle("is-error", !!error);
    }

    function idleWords() {
      if (!enabled) { return words.off; }
      if (paused) { return words.paused; }
      return dirty() ? words.unsaved : "";
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = null;
      if (!enabled || paused || conflict || leaving) { return; }
      timer = window.setTimeout(function () { save(false); }, delay);
    }

    function showConflict(current) {
      conflict = true;
      window.clearTimeout(timer);
      var text = fill(words.conflict || "Not saved: someone else saved version {version}.", {
        version: current && current.version != null ? current.version : "?"
      });
      if (conflictNotice) {
        conflictNotice.querySelector("[data-conflict-text]").textContent = text;
        conflictNotice.hidden = false;
      }
      say(text, true);
    }

    function saved_(data, sent) {
      saved = sent;
      paused = false;
      form.removeAttribute("data-dirty");
      version.value = String(data.version);
      document.querySelectorAll("[data-version-label]").forEach(function (el) {
        el.textContent = fill(words.version || "version {number}", { number: data.version });
      });
      var time = new Date().toLocaleTimeString(document.documentElement.lang || undefined,
        { hour: "2-digit", minute: "2-digit" });
      say(fill(words.saved || "Saved (version {version}).", { time: time, version: data.version }), false);
      /* The active seconds went with this save: the timer of desk.js counts on from what is left. */
      form.dispatchEvent(new CustomEvent("adaptdesk:saved", { detail: { activeSeconds: sent.seconds } }));
    }

    function save(manual) {
      if (leaving) { return; }
      if (inFlight) { again = true; return; }
      if (!manual && (conflict || paused || !enabled || !dirty())) { return; }
      window.clearTimeout(timer);
      var sent = { title: title.value, body: body.value, seconds: parseInt(seconds && seconds.value, 10) || 0 };
      inFlight = true;
      say(words.saving || "Saving…", false);
      window.fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) { throw new Error("HTTP " + response.status); }
        return response.json().then(function (data) { return { status: response.status, data: data || {} }; });
      }).then(function (answer) {
        var data = answer.data;
        if (answer.status === 200 && data.version != null) {
          saved_(data, sent);
        } else if (data.error === "stale_version") {
          showConflict(data.current);
        } else if (answer.status >= 500) {
          throw new Error("HTTP " + answer.status);
        } else {
          /* Refused for a reason of its own (too long, no longer editable…): say it, keep the text. */
          say(fill(words.refused || "Not saved: {reason}", { reason: data.message || "" }), true);
        }
      }).catch(function () {
        say(fill(words.failed || "Not saved: {reason}", { reason: words.offline || "" }), true);
        schedule(RETRY_MS);
      }).then(function () {
        inFlight = false;
        if (again) {
          again = false;
          save(manual);
        } else if (!conflict && dirty()) {
          schedule(AUTOSAVE_MS);
        }
      });
    }

    function changed() {
      if (conflict) { return; }
      say(idleWords(), false);
      schedule(AUTOSAVE_MS);
    }

    title.addEventListener("input", changed);
    body.addEventListener("input", changed);
    if (toggle) {
      toggle.addEventListener("change", function () {
        enabled = toggle.checked;
        remember(enabled);
        if (!conflict) { say(idleWords(), false); }
        schedule(AUTOSAVE_MS);
      });
    }
    document.querySelectorAll("[data-copy-draft]").forEach(function (button) {
      button.addEventListener("click", function () { window.setTimeout(changed, 0); });
    });
    var reload = document.querySelector("[data-reload-stored]");
    if (reload) {
      reload.addEventListener("click", function () {
        if (!window.confirm(words.reload || "Load the stored version? Your unsaved text will be lost.")) { return; }
        leaving = true;
        window.location.reload();
      });
    }

    /* A form really being sent (Save, Submit, Compare) is no longer unsaved. desk.js asks its confirmations
       in the capture phase, before this runs, so a refused one has already prevented the submission. */
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) { leaving = true; window.clearTimeout(timer); }
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) { leaving = false; } });
    window.addEventListener("beforeunload", function (event) {
      if (!leaving && (dirty() || inFlight)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    say(idleWords(), false);
    return {
      saveNow: function () { save(true); },
      say: say,
      isDirty: dirty
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
