"""The inline CSS and JavaScript every simulator page carries (no external assets).

The script does what LinkedIn's does for the parts the app drives: the More menu as a portal at
the end of <body>, the invitation dialog, the weekly-limit dialog, toasts, the messaging overlay.
Writes go through the simulator's Voyager endpoints with the csrf-token header, like LinkedIn.
"""

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f2ee;color:#1d1d1d}
header.global-nav{background:#fff;border-bottom:1px solid #ddd;padding:8px 24px;display:flex;gap:16px}
main{max-width:880px;margin:16px auto;padding:0 12px}
section{background:#fff;border-radius:8px;margin-bottom:12px;padding:16px}
section p{margin:4px 0}
button,[role=button],a[aria-label]{cursor:pointer}
button,div[role=button]{border:1px solid #0a66c2;border-radius:16px;padding:4px 14px;background:#fff;
color:#0a66c2;display:inline-block;font-size:15px}
.actions{display:flex;gap:8px;align-items:center;margin-top:10px}
.actions a{text-decoration:none}
[role=toolbar]{background:#fff;padding:6px 24px;display:flex;gap:12px;align-items:center}
[role=menu]{position:fixed;top:220px;left:40%;background:#fff;border:1px solid #ccc;border-radius:8px;
padding:6px;min-width:220px;box-shadow:0 4px 12px #0003;z-index:20}
[role=menuitem]{display:block;padding:8px;color:#1d1d1d;text-decoration:none}
[role=dialog]{position:fixed;top:120px;left:50%;transform:translateX(-50%);background:#fff;padding:20px;
border-radius:8px;box-shadow:0 6px 24px #0005;z-index:30;min-width:380px}
.toasts{position:fixed;bottom:16px;left:16px;z-index:40}
.toasts>div{background:#fff;border-left:4px solid #057642;padding:10px;margin-top:6px}
.toasts>div[data-test-artdeco-toast-item-type=error]{border-color:#cc1016}
.msg-overlay-conversation-bubble{position:fixed;right:16px;bottom:0;width:340px;background:#fff;
border:1px solid #ccc;border-radius:8px 8px 0 0;z-index:25;padding:8px}
.msg-form__contenteditable{min-height:60px;border:1px solid #ccc;padding:6px;margin:6px 0}
.msg-s-message-list-content{list-style:none;padding:0;max-height:240px;overflow:auto}
.msg-s-message-list__event[data-sender=me]{text-align:right}
.search-results li{list-style:none;background:#fff;margin:6px 0;padding:10px;border-radius:6px}
"""

SCRIPT = r"""
(() => {
  const csrf = () => (document.cookie.match(/JSESSIONID="?([^";]+)"?/) || [])[1] || "";
  const post = async (url, body) => {
    const response = await fetch(url, {
      method: "POST", credentials: "include",
      headers: {"csrf-token": csrf(), "content-type": "application/json",
                "accept": "application/vnd.linkedin.normalized+json+2.1"},
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return [response.status, data];
  };
  const toast = (text, kind) => {
    let box = document.querySelector(".toasts");
    if (!box) { box = document.createElement("div"); box.className = "toasts"; document.body.appendChild(box); }
    const item = document.createElement("div");
    item.setAttribute("data-test-artdeco-toast-item-type", kind);
    item.setAttribute("role", "alert");
    item.textContent = text;
    box.appendChild(item);
  };
  const fromTemplate = (id) => {
    const template = document.getElementById(id);
    const holder = document.createElement("div");
    holder.appendChild(template.content.cloneNode(true));
    const element = holder.firstElementChild;
    document.body.appendChild(element);
    return element;
  };
  const closeMenus = () => {
    document.querySelectorAll("[data-sim-portal]").forEach((el) => el.remove());
    document.querySelectorAll("button[aria-expanded=true][data-sim=more]")
      .forEach((b) => b.setAttribute("aria-expanded", "false"));
  };
  const closeDialogs = () => document.querySelectorAll("[role=dialog]").forEach((el) => el.remove());
  const refreshTopcard = async () => {
    const html = await (await fetch(location.href, {credentials: "include"})).text();
    const fresh = new DOMParser().parseFromString(html, "text/html");
    for (const selector of ['section[componentkey$="Topcard"]', "[role=toolbar]", "template"]) {
      const now = document.querySelectorAll(selector), next = fresh.querySelectorAll(selector);
      now.forEach((el, i) => next[i] && el.replaceWith(document.importNode(next[i], true)));
    }
  };
  const inviteDialog = (target) => {
    const dialog = fromTemplate("sim-invite-dialog");
    dialog.dataset.simId = target.dataset.simId;
    dialog.dataset.simName = target.dataset.simName;
    dialog.querySelector("[data-sim-invitee]").textContent = target.dataset.simName;
  };
  const sendInvite = async (dialog, note) => {
    const [status, data] = await post(
      "/voyager/api/voyagerRelationshipsDashMemberRelationships?action=verifyQuotaAndCreateV2",
      {invitee: {inviteeUnion: {memberProfile: dialog.dataset.simId}}, customMessage: note || null});
    closeDialogs();
    if (status === 200) {
      toast("Your invitation to " + dialog.dataset.simName + " was sent.", "success");
      await refreshTopcard();
    } else if (data.code === "WEEKLY_LIMIT") {
      fromTemplate("sim-weekly-limit");
    } else {
      toast("Unable to send the invitation. Please try again later.", "error");
    }
  };
  const openOverlay = async (href) => {
    document.querySelectorAll(".msg-overlay-conversation-bubble").forEach((el) => el.remove());
    const url = href + (href.includes("?") ? "&" : "?") + "overlay=1";
    const html = await (await fetch(url, {credentials: "include"})).text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    document.body.appendChild(holder.firstElementChild);
  };

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-sim]");
    if (!target) {
      if (!event.target.closest("[role=menu]")) closeMenus();
      return;
    }
    const action = target.dataset.sim;
    if (target.tagName === "A") event.preventDefault();
    if (action === "more") {
      const open = target.getAttribute("aria-expanded") === "true";
      closeMenus();
      if (!open) {
        const portal = fromTemplate(target.dataset.simMenu);
        portal.setAttribute("data-sim-portal", "");
        target.setAttribute("aria-expanded", "true");
      }
    } else if (action === "connect") {
      closeMenus();
      const [status, data] = await post(
        "/voyager/api/voyagerRelationshipsDashMemberRelationships?action=verifyQuota", {});
      if (status === 200 && data.quotaExceeded) fromTemplate("sim-weekly-limit");
      else if (status === 200) inviteDialog(target);
      else toast("Something went wrong. Please try again.", "error");
    } else if (action === "send-invite") {
      await sendInvite(target.closest("[role=dialog]"), "");
    } else if (action === "add-note") {
      const dialog = target.closest("[role=dialog]");
      dialog.querySelector("[data-sim-note]").hidden = false;
      target.hidden = true;
    } else if (action === "send-note") {
      const dialog = target.closest("[role=dialog]");
      await sendInvite(dialog, dialog.querySelector("textarea").value);
    } else if (action === "dismiss") {
      closeDialogs();
    } else if (action === "withdraw") {
      await post("/voyager/api/voyagerRelationshipsDashMemberRelationships?action=withdraw",
                 {invitee: target.dataset.simId});
      await refreshTopcard();
    } else if (action === "follow") {
      target.setAttribute("aria-pressed", "true");
      toast("You are now following " + target.dataset.simName + ".", "success");
    } else if (action === "message") {
      await openOverlay(target.getAttribute("href"));
    } else if (action === "close-overlay") {
      target.closest(".msg-overlay-conversation-bubble").remove();
    } else if (action === "goto") {
      location.href = target.dataset.simHref;
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.msg-form");
    if (!form) return;
    event.preventDefault();
    const box = form.querySelector("[contenteditable=true]");
    const text = box.innerText.trim();
    const [status, data] = await post(
      "/voyager/api/voyagerMessagingDashMessengerMessages?action=createMessage",
      {recipient: form.dataset.simRecipient, body: {text: text}});
    if (status !== 200) {
      toast(data.message || "Your message couldn't be sent.", "error");
      return;
    }
    const item = document.createElement("li");
    item.className = "msg-s-message-list__event";
    item.dataset.sender = "me";
    const body = document.createElement("p");
    body.className = "msg-s-event-listitem__body";
    body.textContent = text;
    item.appendChild(body);
    form.parentElement.querySelector(".msg-s-message-list-content").appendChild(item);
    box.innerHTML = "";
  });
})();
"""
