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

/* === kanban (UI-WORK) === */
// Cards move by HTML5 drag and drop; the server decides. A refused drop snaps back with its reason.
function csrfToken() {
  try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch { return ""; }
}
function flash(text, level) {
  const box = document.getElementById("messages");
  if (!box) return;
  const el = document.createElement("div");
  el.className = `flash flash-${level || "info"}`;
  el.setAttribute("role", level === "error" ? "alert" : "status");
  el.textContent = text;
  box.appendChild(el);
  hideFlashesLater();
}
// A refused htmx request (4xx with a plain-text reason) shows its reason instead of failing silently.
document.addEventListener("htmx:responseError", (e) => {
  const xhr = e.detail.xhr;
  const type = xhr.getResponseHeader("Content-Type") || "";
  flash(type.startsWith("text/plain") && xhr.responseText ? xhr.responseText : `Request failed (${xhr.status}).`, "error");
});
let kanbanDrag = null;
let kanbanSaving = false;
function kanbanIdle() {
  // No refresh mid-drag, mid-save, in a hidden tab, or while the keyboard is on a card.
  const board = document.getElementById("board");
  const active = document.activeElement;
  const typing = board && board.contains(active) && active.matches(":focus-visible");
  return !kanbanDrag && !kanbanSaving && !document.hidden && !typing;
}
function kanbanShown() {
  const out = {};
  document.querySelectorAll(".kcol-cards[data-column]").forEach((ol) => {
    out[`show_${ol.dataset.column}`] = ol.querySelectorAll(".kcard").length;
  });
  return out;
}
function kanbanColumns(fn) {
  document.querySelectorAll(".kcol").forEach(fn);
}
document.addEventListener("dragstart", (e) => {
  const card = e.target.closest && e.target.closest(".kcard");
  if (!card) return;
  kanbanDrag = { card, from: card.parentElement, next: card.nextElementSibling };
  e.dataTransfer.effectAllowed = "move";
  e.dataTransfer.setData("text/plain", card.id);
  card.classList.add("is-dragging");
  const targets = (card.dataset.targets || "").split(" ");
  kanbanColumns((col) => {
    if (col.dataset.column === card.dataset.column) return;
    col.classList.add(targets.includes(col.dataset.column) ? "can-drop" : "no-drop");
  });
});
document.addEventListener("dragover", (e) => {
  const col = kanbanDrag && e.target.closest && e.target.closest(".kcol");
  if (!col) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = "move";
  kanbanColumns((c) => c.classList.toggle("drop-over", c === col));
});
document.addEventListener("dragend", () => {
  kanbanColumns((c) => c.classList.remove("can-drop", "no-drop", "drop-over"));
  if (kanbanDrag) kanbanDrag.card.classList.remove("is-dragging");
  kanbanDrag = null;
});
document.addEventListener("drop", (e) => {
  const col = kanbanDrag && e.target.closest && e.target.closest(".kcol");
  if (!col) return;
  e.preventDefault();
  const { card, from, next } = kanbanDrag;
  const to = col.dataset.column;
  if (to === card.dataset.column) return;
  const list = col.querySelector(".kcol-cards");
  list.querySelector(".kcol-empty")?.remove();
  list.prepend(card);
  kanbanMove(card, to, () => from.insertBefore(card, next && next.parentElement === from ? next : null));
});
async function kanbanMove(card, to, snapBack) {
  const form = document.getElementById("board-filters");
  const body = new FormData(form || undefined);
  body.set("kind", card.dataset.kind);
  body.set("id", card.dataset.id);
  body.set("to", to);
  if (!body.get("campaign") && card.dataset.campaign) body.set("campaign", card.dataset.campaign);
  Object.entries(kanbanShown()).forEach(([k, v]) => body.set(k, v));
  kanbanSaving = true;
  card.classList.add("is-saving");
  document.body.classList.add("htmx-request");
  try {
    const resp = await fetch(form ? form.getAttribute("data-move-url") || "/pipeline/move/" : "/pipeline/move/", {
      method: "POST", body, headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "HX-Target": "board" },
      credentials: "same-origin",
    });
    const text = await resp.text();
    if (resp.ok) {
      htmx.swap("#board", text, { swapStyle: "outerHTML" });
    } else {
      snapBack();
      card.classList.add("snap-back");
      setTimeout(() => card.classList.remove("snap-back"), 600);
      flash(resp.headers.get("Content-Type")?.startsWith("text/plain") ? text : `Not moved (error ${resp.status}).`, "error");
      card.querySelector(".kcard-name")?.focus();
    }
  } catch {
    snapBack();
    flash("Not moved: the server could not be reached.", "error");
  } finally {
    kanbanSaving = false;
    card.classList.remove("is-saving");
    document.body.classList.remove("htmx-request");
  }
}
// The lead drawer: focus on open, Escape or the close button to close, closed after a move.
let drawerOpener = null;
document.addEventListener("htmx:beforeRequest", (e) => {
  if (e.detail.target && e.detail.target.id === "drawer-host") drawerOpener = e.detail.elt;
});
document.addEventListener("htmx:afterSwap", (e) => {
  if (e.detail.target.id === "drawer-host") document.getElementById("drawer")?.focus();
});
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-close-drawer]")) closeDrawer();
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && document.querySelector("#drawer-host #drawer")) closeDrawer();
});
document.addEventListener("htmx:afterRequest", (e) => {
  if (e.detail.successful && e.detail.elt.closest && e.detail.elt.closest("[data-close-drawer-on-success]")) closeDrawer();
});
function closeDrawer() {
  const host = document.getElementById("drawer-host");
  if (host) host.innerHTML = "";
  if (drawerOpener && document.contains(drawerOpener)) drawerOpener.focus(); // back where the user was
  drawerOpener = null;
}
/* === end kanban === */

/* === review queue (UI-WORK) === */
// Y / N / S decide, J / K move, U undoes: each key clicks the matching button, so htmx posts it.
document.addEventListener("keydown", (e) => {
  const queue = document.querySelector("[data-review-queue]");
  if (!queue || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
  if (document.body.classList.contains("htmx-request")) return; // one decision at a time
  const button = queue.querySelector(`[data-key="${e.key.toLowerCase()}"]`);
  if (!button || button.disabled) return;
  e.preventDefault();
  button.click();
});
// After a decision the next lead replaces the panel: put focus on its name so a screen reader reads it.
document.addEventListener("htmx:afterSwap", (e) => {
  if (e.detail.target.id !== "review-item" && !e.detail.elt.matches?.("#review-item")) return;
  if (document.activeElement === document.body || !document.contains(document.activeElement)) {
    document.getElementById("review-name")?.focus({ preventScroll: true });
  }
});
/* === end review queue === */

/* === ui-setup === */
// When htmx replaces the element holding keyboard focus (Pause → Resume, the preview's lead picker,
// the wizard form after "Test login"), put focus back on the matching control in the new content.
document.addEventListener("htmx:beforeSwap", (e) => {
  const active = document.activeElement;
  const target = e.detail.target;
  if (!active || !target || !target.id || !target.contains(active)) return;
  document.body.dataset.refocus = JSON.stringify({
    id: target.id, tag: active.tagName, name: active.name || "", text: (active.textContent || "").trim(),
  });
});
document.addEventListener("htmx:afterSettle", () => {
  const raw = document.body.dataset.refocus;
  if (!raw) return;
  delete document.body.dataset.refocus;
  const want = JSON.parse(raw);
  const host = document.getElementById(want.id);
  if (!host) return;
  const candidates = [...host.querySelectorAll("button, a[href], input, select, textarea")];
  const same = candidates.find((el) => el.tagName === want.tag && (el.name || "") === want.name &&
    (want.name || (el.textContent || "").trim() === want.text));
  const fallback = candidates.find((el) => el.tagName === want.tag) || candidates[0];
  (same || fallback)?.focus();
});
// A field's server error goes away once the user edits that field (it is checked again on submit).
document.addEventListener("input", (e) => {
  const field = e.target.closest && e.target.closest(".field.has-error");
  if (!field) return;
  field.classList.remove("has-error");
  field.querySelectorAll(".error").forEach((el) => el.remove());
});
/* === end ui-setup === */
