// The score grid: keyboard moves between cells, and each cell's save status as htmx reports it.
// Without this file the grid is still a plain form ("Lưu cả bảng"). With it, htmx saves each cell on
// change: the table carries hx-post, hx-trigger and hx-sync (a cell's change event bubbles up to it),
// this file says which cell the request is for (its unit, criterion, version and value) and shows the
// answer on that cell; the answer's status and totals are swapped in out of band.
(() => {
  "use strict";

  const grid = document.getElementById("score-grid");
  if (!grid) {
    return;
  }
  const CELL_PATH = new URL(grid.getAttribute("hx-post") || "/", location.href).pathname;

  const isCellInput = (el) => el instanceof HTMLInputElement && el.classList.contains("score-input");
  const keyOf = (input) => input.id.slice(2); // "s-<unit>-<criterion>" -> "<unit>-<criterion>"
  /** The cell a request of the table is for: the input whose change triggered it. */
  const inputOf = (detail) => {
    const target = (detail.requestConfig || detail).triggeringEvent?.target;
    return isCellInput(target) ? target : null;
  };
  const norm = (text) => {
    const value = String(text ?? "").trim().replace(/\s/g, "").replace(",", ".").replace("\u2212", "-");
    if (value === "") {
      return "";
    }
    const number = Number(value);
    return Number.isNaN(number) ? value : String(number);
  };

  // --- Keyboard ---------------------------------------------------------------------------------

  /** The input of the same criterion (column) `step` editable rows below (1) or above (-1), if any. */
  const vertical = (input, step) => {
    const cell = input.closest("td");
    const rows = cell.closest("tbody").rows;
    for (let i = cell.parentElement.sectionRowIndex + step; i >= 0 && i < rows.length; i += step) {
      const other = rows[i].cells[cell.cellIndex]?.querySelector("input.score-input");
      if (other) {
        return other;
      }
    }
    return null;
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

  // htmx sends the whole grid form from the table; the cell endpoint needs the token, the kind of value
  // (hx-vals) and this cell: read when the request leaves, so a queued save carries the version its
  // predecessor brought back.
  grid.addEventListener("htmx:configRequest", (event) => {
    const input = inputOf(event.detail);
    const data = event.detail.formData;
    if (!input || !data) {
      event.preventDefault(); // a change the table cannot place: no request
      return;
    }
    const keep = new Set(["csrfmiddlewaretoken", "field"]);
    for (const key of Array.from(data.keys())) {
      if (!keep.has(key)) {
        data.delete(key);
      }
    }
    const [unit, criterion] = keyOf(input).split("-");
    data.set("unit", unit);
    data.set("criterion", criterion);
    data.set("version", input.dataset.version);
    data.set("value", input.value);
  });

  grid.addEventListener("htmx:beforeRequest", (event) => {
    const input = inputOf(event.detail);
    if (input) {
      input.dataset.pending = "1";
      localStatus(input, "saving", grid.dataset.msgSaving);
    }
  });

  // A redirect to the sign-in page (expired session) answers 200 with the wrong page: never swap it in.
  grid.addEventListener("htmx:beforeSwap", (event) => {
    const input = inputOf(event.detail);
    if (!input || !event.detail.xhr) {
      return;
    }
    const answered = new URL(event.detail.xhr.responseURL || location.href, location.href).pathname;
    if (event.detail.xhr.status === 200 && answered !== CELL_PATH) {
      event.detail.shouldSwap = false;
      input.dataset.failure = grid.dataset.msgSession;
    }
  });

  grid.addEventListener("htmx:afterRequest", (event) => {
    const input = inputOf(event.detail);
    if (!input) {
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
    if (status.dataset.version) {
      input.dataset.version = status.dataset.version; // the same if refused; the other person's after a conflict
    }
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

  grid.addEventListener("htmx:sendError", (event) => {
    const input = inputOf(event.detail);
    if (input) {
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
