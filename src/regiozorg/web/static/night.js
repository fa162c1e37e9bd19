// The night console: live updates (live.js), a highlight and a beep for new alarms.
// No inline scripts (the CSP is default-src 'self'): everything starts from here.
(function () {
  "use strict";

  var live = window.regiozorgLive; // live.js, loaded by base.html
  var known = null; // ids of new (unacknowledged) incidents already seen on this page

  function newIncidents() {
    var ids = [];
    document.querySelectorAll("[data-incident][data-state=received]").forEach(function (row) {
      ids.push(row.getAttribute("data-incident"));
    });
    return ids;
  }

  // After each refresh: rows of incidents not seen before flash, and one beep sounds.
  function noticeNew() {
    var ids = newIncidents();
    var fresh = known === null ? [] : ids.filter(function (id) { return known.indexOf(id) < 0; });
    known = ids;
    fresh.forEach(function (id) {
      var row = document.getElementById("incident-" + id);
      if (row) { row.classList.add("just-in"); }
    });
    if (fresh.length) {
      document.body.setAttribute("data-new-alarms", String(fresh.length));
      live.sound.alarm();
    }
  }

  // Browsers keep audio silent until a click: the "geluid aan" button is that click.
  function setUpSound() {
    var button = document.getElementById("sound-toggle");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var on = live.sound.toggle();
      button.textContent = button.getAttribute(on ? "data-on" : "data-off");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) { live.sound.alarm(); }
    });
  }

  // A part the person is typing in is left alone: a refresh would wipe the form. So is a part
  // the server gave back with a refusal and what was typed (until it is sent again).
  function markEdited() {
    document.querySelectorAll("[data-night-live]").forEach(function (part) {
      if (part.querySelector("#night-error")) { part.setAttribute("data-editing", "true"); }
    });
    document.addEventListener("input", function (event) {
      var part = event.target.closest && event.target.closest("[data-night-live]");
      if (part) { part.setAttribute("data-editing", "true"); }
    });
  }

  // Every part marked data-night-live re-fetches itself (its hx-get) after a "night" event and
  // after every (re)connect; a burst of events (acknowledge, then triage) refreshes once.
  function startLiveUpdates() {
    var line = live.connect({
      url: "/night/stream",
      events: ["incident.changed"],
      parts: "[data-night-live]",
      trigger: "night-changed",
      delay: 150,
      skip: function (part) { return part.getAttribute("data-editing") === "true"; },
      onOpen: function () { document.body.setAttribute("data-night-stream", "open"); }
    });
    if (line) {
      document.body.addEventListener("htmx:afterSwap", noticeNew);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    noticeNew();
    setUpSound();
    markEdited();
    startLiveUpdates();
  });
})();
