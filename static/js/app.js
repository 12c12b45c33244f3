// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form.js-autosubmit");
  if (form && event.target.tagName === "SELECT") {
    form.requestSubmit();
  }
});
document.addEventListener("submit", (event) => {
  const message = event.submitter && event.submitter.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
