// The night console: live updates over server-sent events, a highlight and a beep for new
// alarms. No inline scripts (the CSP is default-src 'self'): everything starts from here.
(function () {
  "use strict";

  var soundOn = false;
  var audio = null;
  var known = null; // ids of new (unacknowledged) incidents already seen on this page

  function newIncidents() {
    var ids = [];
    document.querySelectorAll("[data-incident][data-state=received]").forEach(function (row) {
      ids.push(row.getAttribute("data-incident"));
    });
    return ids;
  }

  // A short two-tone beep made by the Web Audio API: no sound file to fetch or to block.
  function beep() {
    if (!soundOn || !audio) {
      return;
    }
    var start = audio.currentTime;
    [880, 660].forEach(function (pitch, i) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.25, start + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.18 + 0.16);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(start + i * 0.18);
      tone.stop(start + i * 0.18 + 0.17);
    });
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
      beep();
    }
  }

  // Browsers keep audio silent until a click: the "geluid aan" button is that click.
  function setUpSound() {
    var button = document.getElementById("sound-toggle");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) {
        audio = new Context();
      }
      if (audio && audio.state === "suspended") {
        audio.resume();
      }
      soundOn = !soundOn;
      button.textContent = button.getAttribute(soundOn ? "data-on" : "data-off");
      button.setAttribute("aria-pressed", soundOn ? "true" : "false");
      if (soundOn) { beep(); }
    });
  }

  // A part the person is typing in is left alone: a refresh would wipe the form.
  function markEdited() {
    document.addEventListener("input", function (event) {
      var part = event.target.closest && event.target.closest("[data-night-live]");
      if (part) { part.setAttribute("data-editing", "true"); }
    });
  }

  // Every part marked data-night-live re-fetches itself (its hx-get) after a "night" event;
  // a burst of events (acknowledge, then triage) refreshes once.
  function startLiveUpdates() {
    if (!window.EventSource || !window.htmx || !document.querySelector("[data-night-live]")) {
      return;
    }
    var source = new EventSource("/night/stream");
    var timer = null;
    function refresh() {
      timer = null;
      document.querySelectorAll("[data-night-live]").forEach(function (part) {
        if (part.getAttribute("data-editing") !== "true") {
          window.htmx.trigger(part, "night-changed");
        }
      });
    }
    source.addEventListener("incident.changed", function () {
      if (timer === null) {
        timer = window.setTimeout(refresh, 150);
      }
    });
    source.addEventListener("open", function () {
      document.body.setAttribute("data-night-stream", "open");
    });
    window.addEventListener("pagehide", function () { source.close(); });
    document.body.addEventListener("htmx:afterSwap", noticeNew);
  }

  document.addEventListener("DOMContentLoaded", function () {
    noticeNew();
    setUpSound();
    markEdited();
    startLiveUpdates();
  });
})();
