// Small progressive enhancements shared by every page. Screen-specific code lives next to its screen.
document.addEventListener("htmx:beforeRequest", () => document.body.classList.add("htmx-request"));
document.addEventListener("htmx:afterRequest", () => document.body.classList.remove("htmx-request"));
// Flash messages fade after a while, but stay while hovered (so they can be read).
document.addEventListener("htmx:afterSettle", hideFlashesLater);
document.addEventListener("DOMContentLoaded", hideFlashesLater);
function hideFlashesLater() {
  document.querySelectorAll(".flash:not([data-timer])").forEach((el) => {
    el.dataset.timer = "1";
    setTimeout(() => { if (!el.matches(":hover")) el.remove(); }, 6000);
  });
}
