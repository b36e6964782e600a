// Live updates for signed-in staff (shared/api.md "Live updates"), loaded from templates/base.html.
//
// - Opens the WebSocket /ws/notifications/ (ws: or wss: as the page) and reconnects with backoff; when no
//   socket ever opens (runserver under WSGI has none) it stops after a few tries and the page works as before.
// - Count badges: every element marked data-live-count="<counter>" shows that count from /live/counts/,
//   read on load, after each event and after a reconnect.
// - A small toast per event links to the event's page.
// - Regions marked data-live-region="<event types>" ("*" for any) are refreshed in place when a matching
//   event arrives: the current URL is fetched and each region's HTML swapped for its new version
//   (matched by id, else by position).
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch || !window.DOMParser) return;
  var config = {
    socketPath: script.getAttribute("data-socket-path") || "/ws/notifications/",
    countsUrl: script.getAttribute("data-counts-url") || "/live/counts/",
    dismissLabel: script.getAttribute("data-dismiss-label") || "Dismiss",
    toastMillis: 8000,
    maxToasts: 3,
  };
  var RETRY_MIN = 1000;
  var RETRY_MAX = 60000;
  var GIVE_UP_UNOPENED = 4; // tries without any open socket before giving up (no WebSocket endpoint)

  // Count badges --------------------------------------------------------------------------------

  var countsTimer = null;

  function showCounts(counts) {
    var marked = document.querySelectorAll("[data-live-count]");
    Array.prototype.forEach.call(marked, function (element) {
      var value = counts[element.getAttribute("data-live-count")];
      if (typeof value !== "number") return;
      var badge = element.querySelector(".live-count");
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "live-count";
        element.appendChild(badge);
      }
      badge.textContent = value > 99 ? "99+" : String(value);
      badge.hidden = value <= 0;
    });
  }

  function loadCounts() {
    countsTimer = null;
    if (!document.querySelector("[data-live-count]")) return;
    fetch(config.countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        // Signed out meanwhile: the login page answers (redirected); nothing to show.
        if (!response.ok || response.redirected) return null;
        return response.json();
      })
      .then(function (counts) {
        if (counts && typeof counts === "object") showCounts(counts);
      })
      .catch(function () {});
  }

  function scheduleCounts() {
    if (countsTimer === null) countsTimer = window.setTimeout(loadCounts, 300);
  }

  // Toasts --------------------------------------------------------------------------------------

  var toastBox = null;

  function safeUrl(url) {
    // Our own pages only: a path on this site, never another origin or a javascript: URL.
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\"
      ? url
      : null;
  }

  function toast(event) {
    if (typeof event.title !== "string" || !event.title) return;
    if (!toastBox) {
      toastBox = document.createElement("div");
      toastBox.className = "live-toasts";
      toastBox.setAttribute("role", "status");
      toastBox.setAttribute("aria-live", "polite");
      document.body.appendChild(toastBox);
    }
    var item = document.createElement("div");
    item.className = "live-toast";
    var url = safeUrl(event.url);
    var text = document.createElement(url ? "a" : "span");
    text.textContent = event.title;
    if (url) text.href = url;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "live-toast-close";
    close.setAttribute("aria-label", config.dismissLabel);
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(text);
    item.appendChild(close);
    toastBox.appendChild(item);
    while (toastBox.children.length > config.maxToasts) toastBox.firstElementChild.remove();
    window.setTimeout(function () { item.remove(); }, config.toastMillis);
  }

  // Live regions --------------------------------------------------------------------------------

  var dueTypes = []; // event types whose regions wait for a refresh
  var regionsBusy = false;

  function listens(region, type) {
    var types = (region.getAttribute("data-live-region") || "").split(/\s+/);
    return types.indexOf(type) >= 0 || types.indexOf("*") >= 0;
  }

  function noteRegions(type) {
    var regions = document.querySelectorAll("[data-live-region]");
    var matched = Array.prototype.some.call(regions, function (region) { return listens(region, type); });
    if (!matched) return;
    if (dueTypes.indexOf(type) < 0) dueTypes.push(type);
    window.setTimeout(refreshRegions, 300);
  }

  function counterpart(region, index, fresh) {
    if (region.id) return fresh.getElementById(region.id);
    return fresh.querySelectorAll("[data-live-region]")[index] || null;
  }

  function refreshRegions() {
    if (!dueTypes.length || regionsBusy || document.hidden) return;
    var types = dueTypes;
    dueTypes = [];
    regionsBusy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) {
        if (!response.ok || response.redirected) return null;
        return response.text();
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var regions = document.querySelectorAll("[data-live-region]");
        Array.prototype.forEach.call(regions, function (region, index) {
          if (!types.some(function (type) { return listens(region, type); })) return;
          var next = counterpart(region, index, fresh);
          // Never pull the page from under someone typing in it.
          if (!next || region.contains(document.activeElement)) return;
          region.innerHTML = next.innerHTML;
        });
      })
      .catch(function () {})
      .then(function () {
        regionsBusy = false;
        if (dueTypes.length) window.setTimeout(refreshRegions, 300);
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refreshRegions();
  });

  // Events --------------------------------------------------------------------------------------

  function handle(event) {
    if (!event || typeof event.type !== "string") return;
    toast(event);
    scheduleCounts();
    noteRegions(event.type);
  }

  // The socket ----------------------------------------------------------------------------------

  var socket = null;
  var everOpened = false;
  var failures = 0;
  var stopped = false;
  var retryTimer = null;

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + config.socketPath;
  }

  function connect() {
    retryTimer = null;
    if (stopped || socket) return;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      stopped = true; // no WebSocket support, or the URL is refused outright
      return;
    }
    socket.onopen = function () {
      if (everOpened) scheduleCounts(); // events may have been missed while away
      everOpened = true;
      failures = 0;
    };
    socket.onmessage = function (message) {
      var event = null;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      handle(event);
    };
    socket.onclose = function (close) {
      socket = null;
      // 4401: the server says we are not signed in; 1000: closed on purpose. Neither comes back by retrying.
      if (stopped || close.code === 4401 || close.code === 1000) {
        stopped = true;
        return;
      }
      failures += 1;
      if (!everOpened && failures >= GIVE_UP_UNOPENED) {
        stopped = true;
        return;
      }
      var delay = Math.min(RETRY_MAX, RETRY_MIN * Math.pow(2, failures - 1));
      retryTimer = window.setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
    };
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (retryTimer !== null) window.clearTimeout(retryTimer);
    if (socket) socket.close(1000);
  });
  window.addEventListener("pageshow", function (page) {
    if (!page.persisted) return; // restored from the back-forward cache: start again
    stopped = false;
    failures = 0;
    loadCounts();
    if ("WebSocket" in window) connect();
  });
  window.addEventListener("online", function () {
    if (!stopped && !socket) {
      if (retryTimer !== null) window.clearTimeout(retryTimer);
      connect();
    }
  });

  loadCounts();
  if ("WebSocket" in window) connect();
})();
