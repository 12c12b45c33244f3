// The score grid: keyboard moves between cells, and each cell's save status as htmx reports it.
// Without this file the grid is still a plain form ("Lưu cả bảng"); with it, htmx saves each cell
// on change (hx-post on the input) and this file only adds navigation and the per-cell indicator.
(() => {
  "use strict";

  const grid = document.getElementById("score-grid");
  if (!grid) {
    return;
  }
  const CELL_PATH = new URL(document.querySelector("[hx-post]")?.getAttribute("hx-post") || "/", location.href)
    .pathname;

  const isCellInput = (el) => el instanceof HTMLInputElement && el.classList.contains("score-input");
  const keyOf = (input) => input.id.slice(2); // "s-<unit>-<criterion>" -> "<unit>-<criterion>"
  const norm = (text) => {
    const value = String(text ?? "").trim().replace(/\s/g, "").replace(",", ".").replace("\u2212", "-");
    if (value === "") {
      return "";
    }
    const number = Number(value);
    return Number.isNaN(number) ? value : String(number);
  };

  // --- Keyboard ---------------------------------------------------------------------------------

  /** The input of the same criterion `step` editable rows below (1) or above (-1), if any. */
  const vertical = (input, step) => {
    const column = Array.from(grid.querySelectorAll(`input.score-input[data-c="${input.dataset.c}"]`));
    return column[column.indexOf(input) + step] || null;
  };

  const moveTo = (target) => {
    target.focus();
    target.select();
    target.closest("td")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  };

  grid.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!isCellInput(input) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    let step = 0;
    if (event.key === "Enter") {
      step = event.shiftKey ? -1 : 1;
    } else if (event.key === "ArrowDown" && !event.shiftKey) {
      step = 1;
    } else if (event.key === "ArrowUp" && !event.shiftKey) {
      step = -1;
    }
    if (!step) {
      return;
    }
    event.preventDefault(); // Enter would submit the whole form; arrows would only move the caret
    const target = vertical(input, step);
    if (target) {
      moveTo(target); // leaving the cell fires "change": htmx saves it
    } else if (event.key === "Enter" && norm(input.value) !== norm(input.dataset.saved)) {
      input.dispatchEvent(new Event("change", { bubbles: true })); // last row: save in place
    }
  });

  // --- Per-cell status --------------------------------------------------------------------------

  const statusOf = (input) => document.getElementById(`st-${keyOf(input)}`);

  const showState = (input, state, message) => {
    const cell = input.closest("td");
    cell.dataset.state = state;
    cell.classList.remove("gc-saving", "gc-saved", "gc-invalid", "gc-conflict", "gc-failed");
    if (state) {
      cell.classList.add(`gc-${state}`);
    }
    const bad = state === "invalid" || state === "conflict" || state === "failed";
    input.classList.toggle("is-invalid", bad);
    if (bad) {
      input.setAttribute("aria-invalid", "true");
      input.title = message || "";
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("title");
    }
  };

  /** A status written here, for what the server could not answer (saving, network, rights). */
  const localStatus = (input, state, message) => {
    const status = statusOf(input);
    if (!status) {
      return;
    }
    status.dataset.state = state;
    status.replaceChildren();
    const icon = document.createElement("span");
    icon.className = "cell-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = state === "saving" ? "…" : "✗";
    status.append(icon);
    const text = document.createElement("span");
    text.className = state === "saving" ? "visually-hidden" : "cell-msg";
    text.textContent = message;
    status.append(text);
    showState(input, state, message);
  };

  // htmx sends the whole grid form with each cell; the cell endpoint needs only these.
  document.addEventListener("htmx:configRequest", (event) => {
    const input = event.detail.elt;
    const data = event.detail.formData;
    if (!isCellInput(input) || !data) {
      return;
    }
    const keep = new Set(["csrfmiddlewaretoken", "unit", "criterion", "field", "version", input.name]);
    for (const key of Array.from(data.keys())) {
      if (!keep.has(key)) {
        data.delete(key);
      }
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const input = event.detail.elt;
    if (isCellInput(input)) {
      input.dataset.pending = "1";
      localStatus(input, "saving", grid.dataset.msgSaving);
    }
  });

  // A redirect to the sign-in page (expired session) answers 200 with the wrong page: never swap it in.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const input = event.detail.elt;
    if (!isCellInput(input) || !event.detail.xhr) {
      return;
    }
    const answered = new URL(event.detail.xhr.responseURL || location.href, location.href).pathname;
    if (event.detail.xhr.status === 200 && answered !== CELL_PATH) {
      event.detail.shouldSwap = false;
      input.dataset.failure = grid.dataset.msgSession;
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const input = event.detail.elt;
    if (!isCellInput(input)) {
      return;
    }
    delete input.dataset.pending;
    const xhr = event.detail.xhr;
    if (input.dataset.failure || !event.detail.successful) {
      let message = input.dataset.failure || grid.dataset.msgError;
      if (!xhr || xhr.status === 0) {
        message = grid.dataset.msgNetwork;
      } else if (xhr.status === 403) {
        message = grid.dataset.msgForbidden;
      }
      delete input.dataset.failure;
      localStatus(input, "failed", message);
      return;
    }
    const status = statusOf(input);
    if (!status) {
      return;
    }
    const state = status.dataset.state;
    const message = status.querySelector(".cell-msg")?.textContent || "";
    if (state === "saved" || state === "conflict") {
      input.dataset.saved = status.dataset.value;
      // Show the value as stored (7,5), or the other person's value after a conflict: but never
      // under the user's fingers, if they came back to this cell meanwhile.
      if (document.activeElement !== input) {
        input.value = status.dataset.value;
      }
    }
    showState(input, state, message);
  });

  document.addEventListener("htmx:sendError", (event) => {
    const input = event.detail.elt;
    if (isCellInput(input)) {
      delete input.dataset.pending;
      localStatus(input, "failed", grid.dataset.msgNetwork);
    }
  });

  // Once a saved cell is left, show its value as stored ("7.5" becomes "7,5").
  grid.addEventListener("focusout", (event) => {
    const input = event.target;
    if (isCellInput(input) && !input.dataset.pending && norm(input.value) === norm(input.dataset.saved)) {
      input.value = input.dataset.saved;
    }
  });

  // --- Nothing typed is lost silently ----------------------------------------------------------

  window.addEventListener("beforeunload", (event) => {
    const unsaved = Array.from(grid.querySelectorAll("input.score-input")).some(
      (input) => input.dataset.pending || norm(input.value) !== norm(input.dataset.saved),
    );
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // The no-JavaScript save button posts everything: no warning for that departure.
  document.getElementById("grid-form")?.addEventListener("submit", () => {
    grid.querySelectorAll("input.score-input").forEach((input) => {
      input.dataset.saved = input.value;
    });
  });
})();
