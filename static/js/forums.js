// Practice forums: after a note row is added with htmx, put the keyboard back in the form so the
// facilitator can type the next one. No inline script anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const section = event.detail.target;
    if (!section || !section.classList || !section.classList.contains("forum-notes")) {
      return;
    }
    const swapped = document.getElementById(section.id) || section;
    const invalid = swapped.querySelector(".is-invalid, [role='alert'] ~ * input, input[name='privacy_confirmed']");
    const first = invalid || swapped.querySelector("form[data-note-form] textarea, form select");
    if (first) {
      first.focus();
    }
  });
});
