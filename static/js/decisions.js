// The decision page: a "select all" box above the approved nominations. Without it, tick them one by one.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.classList.contains("js-check-all")) {
    return;
  }
  for (const item of box.form.querySelectorAll('input[name="nomination"]')) {
    item.checked = box.checked;
  }
});
