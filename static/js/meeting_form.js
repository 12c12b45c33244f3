// The meeting form: when the kind of meeting changes, the proposed title follows it, unless the
// title was typed by hand. Without this file the form works the same (a blank title is proposed
// by the server).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.js-meeting-form");
  if (!form) return;
  const kind = form.querySelector("select[name='kind']");
  const title = form.querySelector("input[name='title']");
  if (!kind || !title || !title.dataset.proposedTitles) return;
  const proposed = new Map(
    title.dataset.proposedTitles.split("|").map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const isProposed = (text) => text.trim() === "" || [...proposed.values()].includes(text.trim());
  kind.addEventListener("change", () => {
    if (isProposed(title.value) && proposed.has(kind.value)) {
      title.value = proposed.get(kind.value);
    }
  });
});
