// Keyboard behaviour of the class hierarchy (WAI-ARIA navigation treeview): one tab stop, arrow
// keys move, Right/Left expand and collapse, Home/End jump, Enter follows the link.
// Without JavaScript the tree is a list of ordinary links, all expanded.
(function () {
  "use strict";
  document.querySelectorAll('[role="tree"]').forEach(function (tree) {
    var items = function () {
      return Array.prototype.filter.call(tree.querySelectorAll('[role="treeitem"]'), function (item) {
        return !item.closest('[role="group"][hidden]');
      });
    };
    var all = tree.querySelectorAll('[role="treeitem"]');
    all.forEach(function (item, index) { item.tabIndex = index === 0 ? 0 : -1; });
    var focus = function (item) {
      if (!item) { return; }
      all.forEach(function (other) { other.tabIndex = -1; });
      item.tabIndex = 0;
      item.focus();
    };
    var group = function (item) { var next = item.nextElementSibling; return next && next.getAttribute("role") === "group" ? next : null; };
    var parent = function (item) { var g = item.parentElement.closest('[role="group"]'); return g ? g.previousElementSibling : null; };
    var setExpanded = function (item, open) {
      var g = group(item);
      if (!g) { return; }
      item.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { g.removeAttribute("hidden"); } else { g.setAttribute("hidden", ""); }
    };
    tree.addEventListener("keydown", function (event) {
      var item = event.target.closest('[role="treeitem"]');
      if (!item) { return; }
      var visible = items();
      var index = visible.indexOf(item);
      var handled = true;
      switch (event.key) {
        case "ArrowDown": focus(visible[index + 1]); break;
        case "ArrowUp": focus(visible[index - 1]); break;
        case "Home": focus(visible[0]); break;
        case "End": focus(visible[visible.length - 1]); break;
        case "ArrowRight":
          if (item.getAttribute("aria-expanded") === "false") { setExpanded(item, true); }
          else if (group(item)) { focus(group(item).querySelector('[role="treeitem"]')); }
          break;
        case "ArrowLeft":
          if (item.getAttribute("aria-expanded") === "true") { setExpanded(item, false); }
          else { focus(parent(item)); }
          break;
        default: handled = false;
      }
      if (handled) { event.preventDefault(); }
    });
  });
})();
