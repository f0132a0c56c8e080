// Draw every chart whose figure the server embedded as JSON (see templates/charts.html).
(function () {
  "use strict";
  var config = { displayModeBar: false, responsive: true };
  document.querySelectorAll("script[data-chart-for]").forEach(function (node) {
    var target = document.getElementById(node.getAttribute("data-chart-for"));
    var figure = JSON.parse(node.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, config).then(function () {
      target.setAttribute("data-rendered", "true");
    });
  });
})();
