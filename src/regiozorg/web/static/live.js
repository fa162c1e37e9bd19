// Live pages: one way to listen to the server (server-sent events), to show at once when that
// line is lost, to come back and reload the page's whole state, and to let ages tick.
// Loaded by base.html on every page; it does nothing until a page asks. No inline scripts (the
// CSP is default-src 'self'): a page's own script calls it.
//
// Making a page live (night.js and beds.js do exactly this):
//   1. Mark each part that shows live state with an hx-get that re-renders it and an hx-trigger
//      of your choosing, e.g. <div id="offers" data-beds-live hx-get="/beds/offers/list"
//      hx-trigger="beds-changed" hx-swap="innerHTML">.
//   2. From the page's script:
//        window.regiozorgLive.connect({
//          url: "/beds/events",                  // the stream (web/sse.py stream_response)
//          events: ["bed.held", "request.changed"], // event names that mean "re-read"
//          parts: "[data-beds-live]",            // the parts of step 1
//          trigger: "beds-changed",              // the hx-trigger of step 1
//          delay: 200,                           // optional: one refresh per burst (ms)
//          skip: function (part) { ... },        // optional: true leaves a part alone
//                                                // (not re-fetched, nor swapped if asked)
//          concerns: function (part, events) {}, // optional: false leaves a part alone on
//                                                // this burst of events (a reconnect still
//                                                // re-reads it)
//          onOpen: function () { ... }           // optional: called on every (re)connect
//        });
//      The parts are refreshed on every event and on every (re)connect, so nothing that
//      happened while the line was down (or before it first opened) is missed.
//   3. Wrap any sentence that promises live updates in <span data-live-claim>: it is hidden
//      while the line is down, when base.html's banner (#live-lost) says so instead.
//
// Ticking ages: render <td data-since="<ISO UTC>"> (optionally with data-norm-seconds="60", a
// child [data-age] for the figure and a child [data-norm-text] with data-within and data-over
// texts), and on the same render an element with data-server-now="<ISO UTC>" (the server's
// clock, so a wrong clock in the browser does not matter). The age is shown as m:ss (or
// "1u05") and the element gets class norm-near from 75% of the norm and norm-over past it.
(function () {
  "use strict";

  var MAX_BACKOFF_MS = 5000; // the page is back within ~5 s of the server's return
  var FIRST_BACKOFF_MS = 500;
  var LOST_REMINDER_MS = 30000; // the lost tone again while the line stays down
  // The server's keepalive events (web/sse.py) say how often they come; a line silent for two
  // of them and a margin died without a word (a phone off its network, a proxy that hung).
  var DEFAULT_KEEPALIVE_S = 15;
  var SILENCE_MARGIN_MS = 5000;
  var CONNECT_TIMEOUT_MS = 10000; // a reconnection that neither opens nor fails: try again

  // --- sound: browsers keep audio silent until a click, so a page's button enables it -------

  var audio = null;
  var soundOn = false;

  function tones(pitches, gap) {
    if (!soundOn || !audio) {
      return;
    }
    var start = audio.currentTime;
    pitches.forEach(function (pitch, i) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.25, start + i * gap);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * gap + gap - 0.02);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(start + i * gap);
      tone.stop(start + i * gap + gap - 0.01);
    });
  }

  var sound = {
    isOn: function () { return soundOn; },
    // Call from a click handler: that click is what allows the browser to play.
    toggle: function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) {
        audio = new Context();
      }
      if (audio && audio.state === "suspended") {
        audio.resume();
      }
      soundOn = !soundOn;
      document.body.setAttribute("data-sound", soundOn ? "on" : "off");
      return soundOn;
    },
    alarm: function () { tones([880, 660], 0.18); }, // a new alarm: two tones up high
    lost: function () { tones([440, 330, 220], 0.3); } // the line is lost: three falling low
  };

  // --- the server's clock and the ages that tick on it ----------------------------------------

  var offset = 0; // the server's clock minus this browser's, in ms

  function readServerClock() {
    document.querySelectorAll("[data-server-now]:not([data-clock-read])").forEach(function (el) {
      var server = Date.parse(el.getAttribute("data-server-now"));
      if (!isNaN(server)) {
        offset = server - Date.now();
      }
      el.setAttribute("data-clock-read", "");
    });
  }

  function age(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    if (minutes < 60) {
      return minutes + ":" + (rest < 10 ? "0" : "") + rest;
    }
    var past = minutes % 60;
    return Math.floor(minutes / 60) + "u" + (past < 10 ? "0" : "") + past;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (isNaN(since)) {
        return;
      }
      var seconds = Math.max(0, Math.floor((now - since) / 1000));
      var figure = el.querySelector("[data-age]") || el;
      figure.textContent = age(seconds);
      var norm = parseInt(el.getAttribute("data-norm-seconds"), 10);
      if (norm > 0) {
        var over = seconds >= norm;
        el.classList.toggle("norm-over", over);
        el.classList.toggle("norm-near", !over && seconds >= norm * 0.75);
        var text = el.querySelector("[data-norm-text]");
        if (text) {
          text.textContent = text.getAttribute(over ? "data-over" : "data-within");
        }
      }
    });
  }

  // --- the line to the server -----------------------------------------------------------------

  var lostSince = null;
  var reminder = null;

  function showLost() {
    document.body.setAttribute("data-live", "lost");
    var banner = document.getElementById("live-lost");
    if (banner && lostSince === null) {
      // (re)written text is what makes a screen reader read out a role=alert
      banner.textContent = banner.getAttribute("data-text");
      banner.hidden = false;
    }
    if (lostSince === null) {
      lostSince = Date.now();
      sound.lost();
      reminder = window.setInterval(sound.lost, LOST_REMINDER_MS);
    }
  }

  function showBack() {
    document.body.setAttribute("data-live", "open");
    var banner = document.getElementById("live-lost");
    if (banner) {
      banner.hidden = true;
      banner.textContent = "";
    }
    lostSince = null;
    if (reminder !== null) {
      window.clearInterval(reminder);
      reminder = null;
    }
  }

  function connect(options) {
    if (!window.EventSource || !window.htmx || !document.querySelector(options.parts)) {
      return null;
    }
    var source = null;
    var attempt = 0;
    var retry = null;
    var burst = null;
    var leaving = false;
    var heard = Date.now();
    var keepalive = DEFAULT_KEEPALIVE_S;
    var opened = false; // has the line been open before (a reconnect), or is this the first

    // firstOpen: the page was rendered a moment ago, so only the parts without a form are read
    // again (for what happened before the line first opened): a form on a fresh page may hold
    // what the server gave back after a refusal, or a button about to be pressed.
    // events: the burst of events that asked for this refresh, or none on a (re)connect.
    function refresh(firstOpen, events) {
      burst = null;
      document.querySelectorAll(options.parts).forEach(function (part) {
        if (firstOpen && part.querySelector("form")) {
          return;
        }
        if (events && options.concerns && !options.concerns(part, events)) {
          return;
        }
        if (!options.skip || !options.skip(part)) {
          window.htmx.trigger(part, options.trigger);
        }
      });
    }

    var pending = [];
    function changed(event) {
      heard = Date.now();
      pending.push(event);
      if (burst === null) {
        burst = window.setTimeout(function () {
          var events = pending;
          pending = [];
          refresh(false, events);
        }, options.delay || 150);
      }
    }

    // A part someone started typing in after its refresh was asked keeps what they typed.
    document.querySelectorAll(options.parts).forEach(function (part) {
      part.addEventListener("htmx:beforeSwap", function (event) {
        if (options.skip && options.skip(part) && event.detail.target === part) {
          event.detail.shouldSwap = false;
        }
      });
    });

    function open() {
      retry = null;
      heard = Date.now();
      source = new EventSource(options.url);
      (options.events || []).forEach(function (kind) {
        source.addEventListener(kind, changed);
      });
      source.addEventListener("keepalive", function (event) {
        heard = Date.now();
        keepalive = parseFloat(event.data) || DEFAULT_KEEPALIVE_S;
      });
      source.addEventListener("open", function () {
        heard = Date.now();
        attempt = 0;
        showBack();
        // What changed while the line was down (or before it first opened) sent no event
        // this page heard: read the whole live state again.
        refresh(!opened);
        opened = true;
        if (options.onOpen) { options.onOpen(); }
      });
      // The browser would retry by itself, at its own pace and not after every kind of
      // failure: close, say so at once, and retry on our own short backoff.
      source.addEventListener("error", lose);
    }

    function lose() {
      if (leaving || retry !== null) {
        return;
      }
      source.close();
      showLost();
      schedule();
    }

    function watch() {
      if (!source || retry !== null) {
        return;
      }
      var silent = Date.now() - heard;
      var open = source.readyState === EventSource.OPEN;
      if ((open && silent > keepalive * 2000 + SILENCE_MARGIN_MS) ||
          (!open && silent > CONNECT_TIMEOUT_MS)) {
        lose();
      }
    }

    function schedule() {
      if (retry !== null) {
        return;
      }
      var wait = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * Math.pow(2, attempt));
      attempt += 1;
      retry = window.setTimeout(open, wait);
    }

    function reconnectNow() {
      if (retry !== null) {
        window.clearTimeout(retry);
        retry = null;
        attempt = 0;
        open();
      }
    }

    window.addEventListener("pagehide", function () {
      leaving = true;
      if (source) { source.close(); }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { // back from the browser's cache: a new line, a fresh state
        leaving = false;
        opened = true;
        open();
      }
    });
    window.addEventListener("online", reconnectNow);
    window.addEventListener("offline", lose);
    window.setInterval(watch, 1000);
    open();
    return {
      close: function () {
        leaving = true;
        if (source) { source.close(); }
      }
    };
  }

  window.regiozorgLive = { connect: connect, sound: sound, age: age };

  document.addEventListener("DOMContentLoaded", function () {
    readServerClock();
    tick();
    window.setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSettle", function () {
      readServerClock();
      tick();
    });
  });
})();
