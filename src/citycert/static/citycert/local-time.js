// Events are shown in their own time zone by the server. Where the reader's device is in another
// zone, this adds the same moment in the reader's zone, in the page's language. Without script,
// the event's own zone (named, with its offset from UTC) is what the reader gets.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var lang = document.documentElement.lang || undefined;
  var nodes = document.querySelectorAll(".local-time[data-start][data-zone]");
  Array.prototype.forEach.call(nodes, function (node) {
    if (!reader || node.getAttribute("data-zone") === reader) { return; }
    var start = new Date(node.getAttribute("data-start"));
    var end = new Date(node.getAttribute("data-end"));
    if (isNaN(start.getTime())) { return; }
    var format = new Intl.DateTimeFormat(lang, {
      dateStyle: "long", timeStyle: "short", timeZone: reader
    });
    var text = format.formatRange && !isNaN(end.getTime())
      ? format.formatRange(start, end) : format.format(start);
    node.textContent = node.getAttribute("data-label") + " " + text + " (" + reader + ")";
    node.hidden = false;
  });
}());
