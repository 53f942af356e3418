// Keeps the petition's count live while its page is open: the server pushes it when it
// changes, at most once a second. Without JavaScript the count is as the page was served.
"use strict";

(function () {
  const progress = document.querySelector("[data-events]");
  if (!progress || !window.EventSource) return;
  const events = new EventSource(progress.dataset.events);
  events.addEventListener("count", (event) => {
    let figures;
    try { figures = JSON.parse(event.data); } catch { return; }
    for (const node of progress.querySelectorAll(".count")) node.textContent = figures.formatted;
    for (const node of progress.querySelectorAll(".goal")) node.textContent = figures.goal;
    for (const bar of progress.querySelectorAll("progress")) {
      bar.value = figures.percent;
      bar.textContent = figures.percent + "%";
    }
  });
})();
