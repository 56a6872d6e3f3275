/* The review report's one script, inlined into every page. No network; nothing runs per
   mention at load: filters and record links work by event delegation. */
(function () {
  "use strict";

  function applyFilters() {
    var hidden = {};
    document.querySelectorAll("input.label-filter").forEach(function (box) {
      if (!box.checked) { hidden[box.getAttribute("data-label")] = true; }
    });
    var select = document.getElementById("neg-filter");
    var neg = select ? select.value : "all";
    document.querySelectorAll("mark.mention").forEach(function (mark) {
      var negated = mark.getAttribute("data-negated") === "true";
      var off = hidden[mark.getAttribute("data-label")] === true ||
        (neg === "only" && !negated) || (neg === "hide" && negated);
      mark.classList.toggle("off", off);
    });
  }

  function highlight(ids) {
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    var first = null;
    ids.forEach(function (id) {
      var el = id ? document.getElementById(id) : null;
      if (el) {
        el.classList.add("hl");
        if (!first) { first = el; }
      }
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input.label-filter, #neg-filter")) { applyFilters(); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target.closest ? target.closest("a.src") : null;
    if (link) {
      event.preventDefault();
      highlight((link.getAttribute("data-targets") || "").split(" "));
      return;
    }
    var toggle = target.closest ? target.closest("button.all-labels") : null;
    if (toggle) {
      var on = toggle.getAttribute("data-on") === "true";
      document.querySelectorAll("input.label-filter").forEach(function (box) { box.checked = on; });
      applyFilters();
    }
  });

  // A link from elsewhere (#m-M12) highlights its mention on arrival.
  if (location.hash.length > 1) {
    highlight([decodeURIComponent(location.hash.slice(1))]);
  }
})();
