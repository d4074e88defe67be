// Practice forums: after a note row is added with htmx, put the keyboard back in the form so the
// facilitator can type the next one, or on the first field with an error. After settling: htmx
// gives a swapped element with an unchanged id its new classes (is-invalid) only then. No inline
// script anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:afterSettle", (event) => {
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
