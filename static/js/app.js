// Small behaviours that need script. No inline script anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before doing something that cannot easily be undone.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
