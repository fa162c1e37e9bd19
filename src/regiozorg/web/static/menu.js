// The site menu: on a narrow screen (a phone) it folds behind the "Menu" button. Loaded in
// the head, without defer, so the page is laid out folded from the first paint; without
// script the menu simply stays open (regiozorg.css folds it only under html.js).
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-toggle");
  const nav = button ? button.closest("nav") : null;
  if (!button || !nav) {
    return;
  }
  const show = (open) => {
    nav.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", String(open));
    if (!open) {
      nav.querySelectorAll("details[open]").forEach((details) => details.removeAttribute("open"));
    }
  };
  button.addEventListener("click", () => show(!nav.classList.contains("menu-open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("menu-open")) {
      show(false);
      button.focus();
    }
  });
});
