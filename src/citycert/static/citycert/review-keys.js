// The reviewer's workspace: j / Alt+ArrowDown moves focus to the next criterion's heading,
// k / Alt+ArrowUp to the previous one. The "Previous" / "Next" links do the same without
// JavaScript. A static file, so the Content-Security-Policy needs no exception.
(function () {
  "use strict";

  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-criterion-heading]"));
  }

  function currentIndex(list) {
    var active = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      var section = list[i].closest("section");
      if (section && section.contains(active)) {
        return i;
      }
    }
    // Nothing focused in a criterion: the last heading above the middle of the window.
    var index = -1;
    for (var j = 0; j < list.length; j++) {
      if (list[j].getBoundingClientRect().top < window.innerHeight / 2) {
        index = j;
      }
    }
    return index;
  }

  function move(step) {
    var list = headings();
    if (!list.length) {
      return;
    }
    var index = currentIndex(list) + step;
    if (index < 0) {
      index = 0;
    }
    if (index >= list.length) {
      index = list.length - 1;
    }
    list[index].focus();
    list[index].scrollIntoView({ block: "start" });
  }

  function typing(target) {
    return Boolean(
      target.closest && target.closest("input, textarea, select, [contenteditable]")
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey) {
      return;
    }
    var step = 0;
    if (event.altKey && event.key === "ArrowDown") {
      step = 1;
    } else if (event.altKey && event.key === "ArrowUp") {
      step = -1;
    } else if (!event.altKey && !event.shiftKey && !typing(event.target)) {
      if (event.key === "j") {
        step = 1;
      } else if (event.key === "k") {
        step = -1;
      }
    }
    if (step) {
      event.preventDefault();
      move(step);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var hint = document.getElementById("review-keys-hint");
    if (hint && headings().length) {
      hint.hidden = false;
    }
  });
})();
