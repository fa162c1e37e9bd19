// The night reports' charts. No inline scripts (the CSP is default-src 'self'): the page
// carries its figures as JSON blocks, and this script draws them with Chart.js.
(function () {
  "use strict";

  var OUTCOMES = ["false_alarm", "resolved_remotely", "visit", "emergency_112", "reset_at_source", "undecided"];
  var COLOURS = {
    false_alarm: "#9e9e9e", resolved_remotely: "#43a047", visit: "#fb8c00",
    emergency_112: "#c62828", reset_at_source: "#90caf9", undecided: "#fdd835"
  };

  function readJson(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function drawCharts() {
    var data = readJson("night-report-data");
    var text = readJson("night-report-text");
    if (!data || !text || !window.Chart) {
      return;
    }
    new window.Chart(document.getElementById("chart-outcomes"), {
      type: "bar",
      data: {
        labels: data.nights,
        datasets: OUTCOMES.map(function (name) {
          return { label: text.outcomes[name] || name, data: data.outcomes[name], backgroundColor: COLOURS[name] };
        })
      },
      options: {
        responsive: true,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    new window.Chart(document.getElementById("chart-answer"), {
      type: "line",
      data: {
        labels: data.nights,
        datasets: [
          { label: text.answer_share, data: data.answer_share, borderColor: "#1565c0", spanGaps: true },
          {
            label: text.target,
            data: data.nights.map(function () { return data.target; }),
            borderColor: "#c62828",
            borderDash: [6, 4],
            pointRadius: 0
          }
        ]
      },
      options: { responsive: true, animation: false, scales: { y: { suggestedMin: 80, max: 100 } } }
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
})();
