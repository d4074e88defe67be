// The QA return form: keep the "N of M indicators scored" count up to date as scores are chosen.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("return-form");
  const count = document.querySelector("[data-progress-count]");
  if (!form || !count) {
    return;
  }
  const update = () => {
    const names = new Set();
    form.querySelectorAll("input[type=radio][name$='-rating']:checked").forEach((input) => {
      names.add(input.name);
    });
    count.textContent = String(names.size);
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=radio]")) {
      update();
    }
  });
});
