(function () {
  var table = document.getElementById("findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  function matches(row) {
    var query = text.value.trim().toLowerCase();
    if (query && row.textContent.toLowerCase().indexOf(query) < 0) { return false; }
    return selects.every(function (select) {
      if (!select.value) { return true; }
      var values = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "");
      return values.split(" ").indexOf(select.value) >= 0;
    });
  }
  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      var visible = matches(row);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " findings shown";
  }
  text.addEventListener("input", filter);
  selects.forEach(function (select) { select.addEventListener("change", filter); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
    header.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      var numeric = header.getAttribute("data-type") === "number";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      function key(row) {
        var cell = row.cells[index];
        var value = cell.getAttribute("data-value");
        if (value === null) { value = cell.textContent.trim(); }
        return numeric ? (value === "" ? -Infinity : parseFloat(value)) : value.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = numeric ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter();
})();
