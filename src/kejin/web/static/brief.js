// Document page: following a citation highlights the cited paragraph (also on load with #p-n).
(function () {
  "use strict";
  function highlight(id) {
    document.querySelectorAll(".doc-text .highlight").forEach(function (node) {
      node.classList.remove("highlight");
    });
    var target = id && document.getElementById(id);
    if (target) {
      target.classList.add("highlight");
      target.scrollIntoView({ block: "center" });
    }
  }
  document.querySelectorAll("a.cite").forEach(function (link) {
    link.addEventListener("click", function () {
      highlight("p-" + link.dataset.paragraph);
    });
  });
  if (location.hash.indexOf("#p-") === 0) { highlight(location.hash.slice(1)); }
})();
