// The bed screens: live updates (live.js), and the report charts.
// No inline scripts (the CSP is default-src 'self'): everything starts from here.
(function () {
  "use strict";

  var EVENT_KINDS = ["bed.held", "bed.decided", "bed.status", "bed.released", "request.changed"];

  // Every part marked data-beds-live re-fetches itself (its hx-get) after a "beds" event and
  // after every (re)connect (live.js). Events often come in bursts (a hold changes a bed and a
  // request): refresh once per burst. A part that also has data-beds-request="<id>" is about
  // one request (its page): it only refreshes on events that name that request, not on every
  // bed in the region.
  function requestOf(event) {
    try {
      return JSON.parse(event.data).data.request_id || null;
    } catch (ignored) {
      return null; // an event without data still refreshes the other parts
    }
  }

  function startLiveUpdates() {
    window.regiozorgLive.connect({
      url: "/beds/events",
      events: EVENT_KINDS,
      parts: "[data-beds-live]",
      trigger: "beds-changed",
      delay: 200,
      concerns: function (part, events) {
        var only = part.getAttribute("data-beds-request");
        return !only || events.some(function (event) { return requestOf(event) === only; });
      }
    });
  }

  function readJson(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function drawCharts() {
    var data = readJson("beds-report-data");
    var text = readJson("beds-report-text");
    if (!data || !text || !window.Chart) {
      return;
    }
    var careTypes = [];
    data.placement.forEach(function (p) {
      if (careTypes.indexOf(p.care_type) < 0) { careTypes.push(p.care_type); }
    });
    var datasets = [];
    careTypes.forEach(function (care) {
      ["median", "p90"].forEach(function (measure) {
        datasets.push({
          label: (text.labels[care] || care) + " · " + text[measure],
          data: data.weeks.map(function (week) {
            var found = data.placement.find(function (p) {
              return p.week === week && p.care_type === care;
            });
            return found ? found[measure] : null;
          }),
          borderDash: measure === "p90" ? [6, 4] : [],
          spanGaps: true
        });
      });
    });
    new window.Chart(document.getElementById("chart-placement"), {
      type: "line",
      data: { labels: data.weeks, datasets: datasets },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } }
    });
    new window.Chart(document.getElementById("chart-occupancy"), {
      type: "bar",
      data: {
        labels: data.occupancy.map(function (o) { return text.labels[o.care_type] || o.care_type; }),
        datasets: [
          { label: text.occupied, data: data.occupancy.map(function (o) { return o.occupied; }) },
          { label: text.free, data: data.occupancy.map(function (o) { return o.total - o.occupied; }) }
        ]
      },
      options: {
        responsive: true,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
      }
    });
  }

  // The intake form shows the patient's age as soon as a date of birth is entered.
  function showAge() {
    var input = document.querySelector("input[data-age-output]");
    var output = input && document.getElementById(input.getAttribute("data-age-output"));
    if (!output) {
      return;
    }
    function update() {
      var born = input.valueAsDate; // midnight UTC of the chosen day
      var today = new Date();
      if (!born || born > today) {
        output.textContent = "";
        return;
      }
      var age = today.getFullYear() - born.getUTCFullYear();
      var month = today.getMonth() - born.getUTCMonth();
      if (month < 0 || (month === 0 && today.getDate() < born.getUTCDate())) {
        age -= 1;
      }
      output.textContent = output.getAttribute("data-template").replace("{age}", String(age));
    }
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showAge();
    startLiveUpdates();
    drawCharts();
  });
})();
