// The board's review pages: select all rows, count the selection, ask for a reason where the workflow
// requires one. Progressive enhancement only: the server checks everything again.
(() => {
  const form = document.querySelector("form.js-bulk");
  if (form) {
    const all = form.querySelector(".js-select-all");
    const boxes = () => Array.from(form.querySelectorAll("input.js-select"));
    const counter = form.querySelector(".js-selected-count");
    const update = () => {
      const checked = boxes().filter((box) => box.checked).length;
      if (all) {
        all.checked = checked > 0 && checked === boxes().length;
        all.indeterminate = checked > 0 && checked < boxes().length;
      }
      if (counter) {
        counter.textContent = checked ? counter.dataset.template.replace("__N__", checked) : "";
      }
    };
    if (all) {
      all.hidden = false;
      all.addEventListener("change", () => {
        boxes().forEach((box) => { box.checked = all.checked; });
        update();
      });
    }
    form.addEventListener("change", (event) => {
      if (event.target.classList.contains("js-select")) {
        update();
      }
    });
    const action = form.querySelector("select[data-reason-actions]");
    const reason = form.querySelector("textarea[name=ly_do]");
    if (action && reason) {
      const needs = action.dataset.reasonActions.split(" ");
      const sync = () => { reason.required = needs.includes(action.value); };
      action.addEventListener("change", sync);
      sync();
    }
    update();
  }

  const single = document.querySelector("form.js-review-form");
  if (single) {
    const reason = single.querySelector("textarea[name=ly_do]");
    single.querySelectorAll("button[name=thao_tac]").forEach((button) => {
      button.addEventListener("click", () => { reason.required = Boolean(button.dataset.reasonRequired); });
    });
  }
})();
