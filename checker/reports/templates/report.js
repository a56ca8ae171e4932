(function () {
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.type"));
  var text = document.getElementById("filter-text");
  var shown = document.getElementById("shown");
  if (!text || !shown) { return; }
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  function matches(finding) {
    var query = text.value.trim().toLowerCase();
    if (query && finding.textContent.toLowerCase().indexOf(query) < 0) { return false; }
    return selects.every(function (select) {
      if (!select.value) { return true; }
      var values = finding.getAttribute("data-" + select.getAttribute("data-filter")) || "";
      return values.split(" ").indexOf(select.value) >= 0;
    });
  }
  function filter() {
    var count = 0;
    findings.forEach(function (finding) {
      var visible = matches(finding);
      finding.hidden = !visible;
      if (visible) { count += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("article.finding:not([hidden])");
    });
    shown.textContent = shown.getAttribute("data-template")
      .replace("{shown}", count).replace("{total}", findings.length);
  }
  text.addEventListener("input", filter);
  selects.forEach(function (select) { select.addEventListener("change", filter); });
  filter();
})();
