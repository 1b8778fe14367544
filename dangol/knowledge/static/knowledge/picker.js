// The agents' FAQ link picker: clicking an article inserts "title: URL" at the cursor of the reply textarea
// named by data-kb-target (an element id).
(function () {
  "use strict";
  if (window.dangolKbPicker) return; // the partial may be swapped in again by htmx
  window.dangolKbPicker = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".kb-insert") : null;
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-kb-target"));
    if (!target) return;
    var text = button.getAttribute("data-kb-title") + ": " + button.getAttribute("data-kb-url");
    var start = target.selectionStart || target.value.length;
    var end = target.selectionEnd || start;
    var before = target.value.slice(0, start);
    var glue = before && !/\s$/.test(before) ? "\n" : "";
    target.value = before + glue + text + target.value.slice(end);
    target.focus();
    target.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
