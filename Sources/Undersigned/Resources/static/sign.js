// Undersigned: the sign form's proof of work. When many people sign at once the server
// asks each signature for a small puzzle; a worker solves it while the signer types, and
// the form waits for it if Sign is pressed first. When calm, the puzzle is empty.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow-worker]");
  if (!form) return;
  var challenge = form.elements.namedItem("pow");
  var solution = form.elements.namedItem("powSolution");
  var status = form.querySelector(".pow-status");
  var button = form.querySelector("button[type=submit]");
  if (!challenge || !solution || !status || !button) return;
  var difficulty = parseInt(challenge.getAttribute("data-difficulty"), 10) || 0;
  var solved = false;
  var waiting = false;

  function solvedWith(value) {
    solution.value = value;
    solved = true;
    if (waiting) {
      status.textContent = "Sending your signature…";
      form.submit();
    }
  }

  if (difficulty === 0) {
    solvedWith("0");
  } else if (window.Worker) {
    var worker = new Worker(form.getAttribute("data-pow-worker"));
    worker.onmessage = function (event) {
      worker.terminate();
      solvedWith(String(event.data));
    };
    // Without a working worker the form is sent as it is, and the server says what to do.
    worker.onerror = function () {
      solvedWith("");
    };
    worker.postMessage({ challenge: challenge.value, difficulty: difficulty });
  } else {
    solvedWith("");
  }

  form.addEventListener("submit", function (event) {
    if (waiting) {
      // Pressed twice: the puzzle buys one signature, so send the form once.
      event.preventDefault();
      return;
    }
    waiting = true;
    button.disabled = true;
    if (!solved) {
      event.preventDefault();
      status.textContent = "Preparing your signature… Many people are signing right now: this takes a few seconds.";
    }
  });

  // Coming back to the page from the browser's history makes the form usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      waiting = false;
      button.disabled = false;
      status.textContent = "";
    }
  });
})();
