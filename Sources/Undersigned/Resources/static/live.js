// Keeps the petition's count live while its page is open: the server pushes it when it
// changes, at most once a second. Without JavaScript the count is as the page was served.
// The count's phrase is rebuilt in the page's language from the plural forms it carries.
"use strict";

(function () {
  const progress = document.querySelector("[data-events]");
  if (!progress || !window.EventSource) return;
  const lang = document.documentElement.lang || "en";
  const numbers = new Intl.NumberFormat(lang, { numberingSystem: "latn" });
  const plurals = new Intl.PluralRules(lang);

  function phrase(line, count) {
    let forms;
    try { forms = JSON.parse(line.dataset.forms); } catch { return; }
    const form = forms[plurals.select(count)] || forms.other;
    if (!form || !form.includes("{count}")) return;
    const [before, after] = form.split("{count}", 2);
    const strong = document.createElement("strong");
    strong.className = "count";
    strong.textContent = numbers.format(count);
    line.replaceChildren(before, strong, after);
  }

  const events = new EventSource(progress.dataset.events);
  events.addEventListener("count", (event) => {
    let figures;
    try { figures = JSON.parse(event.data); } catch { return; }
    for (const line of progress.querySelectorAll(".count-line")) phrase(line, figures.count);
    for (const node of progress.querySelectorAll(".goal")) node.textContent = numbers.format(figures.goalCount);
    for (const bar of progress.querySelectorAll("progress")) {
      bar.value = figures.percent;
      bar.textContent = figures.percent + "%";
    }
  });
})();
