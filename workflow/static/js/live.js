/* Adaptdesk's live desk: one EventSource per page on /api/v1/events (Server-Sent Events).
   - the notification count in the header follows `notification` and `unread` events;
   - an adaptation page (data-live-adaptation) shows who else has it open (`presence`) and a notice when
     someone else saves it, acts on it, or its original is revised (`adaptation`);
   - a queue or list page (data-live-list) shows "this list changed (N updates)" with a Refresh button.
   The browser reconnects by itself when a stream ends (the server ends each after a few minutes) and sends
   Last-Event-ID, so nothing published in between is missed. Loaded with <script src defer> (no inline JS). */
(function () {
  "use strict";

  function wordsOf(block) {
    try {
      return JSON.parse(block.getAttribute("data-words") || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function fill(message, values) {
    return String(message).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  /* Write a message into `element`, people's names (the `names` keys) each in <bdi lang="" dir="auto">: a name
     keeps its own direction inside a sentence of the interface's language. */
  function writeInto(element, message, values, names) {
    element.textContent = "";
    String(message).split(/(\{\w+\})/).forEach(function (part) {
      var key = /^\{(\w+)\}$/.test(part) ? part.slice(1, -1) : null;
      if (key === null || !Object.prototype.hasOwnProperty.call(values, key)) {
        if (part) { element.appendChild(document.createTextNode(part)); }
        return;
      }
      if (names.indexOf(key) >= 0) {
        listParts([].concat(values[key])).forEach(function (piece) {
          if (piece.type !== "element") {
            element.appendChild(document.createTextNode(piece.value));
            return;
          }
          var bdi = document.createElement("bdi");
          bdi.setAttribute("lang", "");
          bdi.setAttribute("dir", "auto");
          bdi.textContent = piece.value;
          element.appendChild(bdi);
        });
      } else {
        element.appendChild(document.createTextNode(String(values[key])));
      }
    });
  }

  /* A list of names as the page's language writes it ("A, B and C"), in pieces: names and what is between. */
  function listParts(names) {
    try {
      return new Intl.ListFormat(document.documentElement.lang || "en", { type: "conjunction" }).formatToParts(names);
    } catch (e) {
      var parts = [];
      names.forEach(function (name, index) {
        if (index) { parts.push({ type: "literal", value: ", " }); }
        parts.push({ type: "element", value: name });
      });
      return parts;
    }
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return null;
    }
  }

  function showUnread(count, words) {
    var link = document.querySelector(".nav-notifications");
    if (!link || typeof count !== "number") { return; }
    var badge = link.querySelector("[data-unread-count]");
    if (count > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "count";
        badge.setAttribute("data-unread-count", "");
        link.appendChild(document.createTextNode(" "));
        link.appendChild(badge);
      }
      badge.textContent = String(count);
      link.setAttribute("aria-label", fill(words.unread || "Notifications, {num} unread", { num: count }));
    } else {
      if (badge) { badge.remove(); }
      link.removeAttribute("aria-label");
    }
  }

  function wireReload(block) {
    var button = block.querySelector("[data-live-reload]");
    if (button && !button.hasAttribute("data-wired")) {
      button.setAttribute("data-wired", "");
      button.addEventListener("click", function () { window.location.reload(); });
    }
  }

  function start() {
    var desk = document.querySelector("[data-live-desk]");
    if (!desk || !window.EventSource) { return; }
    var words = wordsOf(desk);
    var me = Number(desk.getAttribute("data-me"));
    var watched = document.querySelector("[data-live-adaptation]");
    var lists = Array.prototype.slice.call(document.querySelectorAll("[data-live-list]"));
    var wantsDesk = lists.some(function (bar) { return bar.getAttribute("data-live-list") === "desk"; });

    var params = ["since=" + encodeURIComponent(desk.getAttribute("data-since") || "")];
    if (watched) { params.push("adaptation=" + encodeURIComponent(watched.getAttribute("data-live-adaptation"))); }
    if (wantsDesk) { params.push("desk=1"); }
    var source = new EventSource(desk.getAttribute("data-events-url") + "?" + params.join("&"));
    document.documentElement.setAttribute("data-live", "connecting");
    source.addEventListener("hello", function () {
      document.documentElement.setAttribute("data-live", "open");
    });

    source.addEventListener("notification", function (event) {
      var data = parse(event);
      if (data) { showUnread(data.unread, words); }
    });
    source.addEventListener("unread", function (event) {
      var data = parse(event);
      if (data) { showUnread(data.unread, words); }
    });

    /* Lists: count the changes (each history entry once, though it may come as `desk` and as `mine`). */
    var seen = {};
    var changes = 0;
    function listChanged(event) {
      var data = parse(event);
      if (!data || !lists.length) { return; }
      var key = String(data.entry || "") + ":" + String(data.adaptation_id);
      if (seen[key]) { return; }
      seen[key] = true;
      changes += 1;
      lists.forEach(function (bar) {
        bar.querySelector("[data-live-message]").textContent =
          fill(words.list || "This list changed since you opened it ({count} updates).", { count: changes });
        wireReload(bar);
        bar.hidden = false;
      });
    }
    source.addEventListener("desk", listChanged);
    source.addEventListener("mine", listChanged);

    if (watched) {
      var version = Number(watched.getAttribute("data-version"));
      var notice = watched.querySelector("[data-live-notice]");
      var presence = watched.querySelector("[data-live-presence]");
      source.addEventListener("presence", function (event) {
        var data = parse(event);
        if (!data) { return; }
        var names = (data.people || []).map(function (p) { return p.name; });
        writeInto(presence, names.length ? words.present || "Also open now by {names}." : "", { names: names }, ["names"]);
        presence.hidden = !names.length;
        watched.setAttribute("data-present", String(names.length));
      });
      source.addEventListener("adaptation", function (event) {
        var data = parse(event);
        if (!data) { return; }
        var actor = data.actor || null;
        if (actor && actor.id === me) { return; }  /* one's own save or action: the page already shows it */
        if (data.change !== "source" && typeof data.version === "number" && data.version <= version) { return; }
        var states = words.states || {};
        var state = states[data.state] || String(data.state || "").replace(/_/g, " ");
        var message;
        if (data.change === "saved") {
          message = words.saved;
        } else if (data.change === "source") {
          message = words.source;
        } else {
          message = actor ? words.action : words.changed;
        }
        var values = { name: actor ? actor.name : "", version: data.version, revision: data.revision || "", state: state };
        writeInto(notice.querySelector("[data-live-message]"), message, values, ["name"]);
        notice.setAttribute("data-change", data.change);
        wireReload(notice);
        notice.hidden = false;
      });
    }

    window.addEventListener("pagehide", function () { source.close(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
