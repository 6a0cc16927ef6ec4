// Seamless page script: keeps the session alive while the page is used,
// warns before an idle sign-out, and keeps every tab of this browser in step.
//
// Every deadline is an offset on performance.now(), a monotonic clock, from
// the moment a server answer was asked for. The browser's wall clock (Date)
// is never read, so a clock that is hours off changes nothing.
//
// Rules, in the words of docs/auto-refresh.md:
//   - Real use (pointer, keys, scroll, touch, focus) marks the tab active.
//     An active tab asks POST /auth/refresh once at least one touch interval
//     has passed since the idle deadline was last pushed back, and never
//     more than once per touch interval. Polls are not activity.
//   - The warning opens when the idle deadline is one warning lead away.
//   - Visible tabs poll GET /auth/session; any answer is shared with the other
//     tabs, so that together they poll about once per poll interval.
//   - Only the server ends a session: the page leaves for the sign-in page
//     when the server answers 401, never on its own count, so an outage or a
//     lost network signs nobody out.

const body = document.body;
const num = (name) => Number(body.dataset[name]);
const cfg = {
  idleTimeout: num("idleTimeoutMs"),
  touch: num("touchIntervalMs"),
  lead: num("warningLeadMs"),
  poll: num("pollIntervalMs"),
};
const retryAfter = 5000; // wait after a failed request, in ms

const now = () => performance.now();
const state = {
  idleAt: 0, // when the idle deadline falls, on performance.now()
  absAt: 0, // when the absolute deadline falls
  heardAt: 0, // when the last status (ours or another tab's) was asked for
  pollAfter: cfg.poll,
  active: false, // real use since the last extension
  refreshedAt: -Infinity,
  retryAt: 0, // no request before this, after a failure
  busy: false,
  ended: false,
  finalDismissed: false,
  returnFocus: null,
  announced: Infinity,
  lastTick: now(),
};

const channel = "BroadcastChannel" in window ? new BroadcastChannel("seamless-session") : null;
const tell = (msg) => channel && channel.postMessage(msg);

const $ = (id) => document.getElementById(id);
const dialog = $("session-warning");
const connection = $("connection-status");

// setStatus takes the times left that the server reported for a request
// asked for at `at`.
function setStatus(idleMs, absMs, at) {
  state.idleAt = at + idleMs;
  state.absAt = at + absMs;
  state.heardAt = at;
  state.pollAfter = cfg.poll * (1 + Math.random() * 0.25);
  render();
}

// request calls the session API. It returns the status, or null when the
// session has ended or the server could not answer.
async function request(method, url) {
  // Polls never overlap; a refresh, which a person may have asked for, is
  // never dropped.
  if (state.ended || (method === "GET" && state.busy)) return null;
  state.busy = true;
  const at = now();
  try {
    const res = await fetch(url, {
      method,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (res.status === 401) {
      const answer = await res.json().catch(() => ({}));
      leave(answer.login_url);
      return null;
    }
    if (!res.ok) throw new Error(`status ${res.status}`);
    const st = await res.json();
    unreachable(false);
    setStatus(st.idle_remaining_ms, st.absolute_remaining_ms, at);
    tell({ type: "status", idle: st.idle_remaining_ms - (now() - at),
      abs: st.absolute_remaining_ms - (now() - at), refreshed: method === "POST" });
    return st;
  } catch {
    // 503 from a database outage, or no network: keep everything as it is.
    unreachable(true);
    state.retryAt = now() + retryAfter;
    return null;
  } finally {
    state.busy = false;
  }
}

const poll = () => request("GET", "/auth/session");

function refresh() {
  state.refreshedAt = now();
  state.active = false;
  return request("POST", "/auth/refresh");
}

// maybeRefresh extends the session for a person who is using the page, at
// most once per touch interval, and only once the deadline has moved less
// recently than a touch interval ago.
function maybeRefresh() {
  const t = now();
  if (!state.active || state.ended || dialog.open) return;
  if (t - state.refreshedAt < cfg.touch || t < state.retryAt) return;
  if (state.idleAt - t > cfg.idleTimeout - cfg.touch) return;
  refresh();
}

function activity() {
  if (dialog.open) return;
  state.active = true;
  maybeRefresh();
}

// leave goes to the sign-in page, which explains why and returns here. A
// form holding unsaved text is sent instead: the server keeps the text and
// brings the person back to it after sign-in.
function leave(loginURL, reason) {
  if (state.ended) return;
  state.ended = true;
  tell({ type: "ended" });
  const dirty = document.querySelector("form[data-keep-text][data-dirty]");
  if (dirty) {
    dirty.requestSubmit();
    return;
  }
  const url = new URL(loginURL || "/login", location.href);
  url.searchParams.set("next", location.pathname + location.search);
  if (reason) url.searchParams.set("reason", reason);
  location.assign(url.pathname + url.search);
}

function unreachable(down) {
  connection.hidden = !down;
  connection.textContent = down
    ? "The server cannot be reached right now. You are still signed in and nothing " +
      "was lost; trying again."
    : "";
}

// tick runs twice a second: it counts down, polls, and checks the deadline.
function tick() {
  const t = now();
  const slept = t - state.lastTick > 5000;
  state.lastTick = t;
  if (state.ended) return;
  const visible = document.visibilityState === "visible";
  const due = t >= state.idleAt || t >= state.absAt;
  if (t >= state.retryAt && (due || (visible && (slept || t - state.heardAt >= state.pollAfter)))) {
    // At the deadline even a hidden tab asks once: the server decides.
    poll();
  }
  maybeRefresh();
  render();
}

// words writes a time left the way the session panel does.
function words(msLeft) {
  const s = Math.max(0, Math.round(msLeft / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

// spoken writes a coarse time left for the screen-reader announcement.
function spoken(msLeft) {
  const s = Math.max(0, Math.ceil(msLeft / 1000));
  if (s >= 120) return `${Math.round(s / 60)} minutes`;
  if (s >= 60) return "1 minute";
  return `${s} seconds`;
}

function render() {
  const t = now();
  const idleLeft = Math.max(0, state.idleAt - t);
  const absLeft = Math.max(0, state.absAt - t);
  const panel = $("session-panel");
  if (panel) {
    panel.dataset.idleRemaining = String(Math.floor(idleLeft / 1000));
    panel.dataset.absoluteRemaining = String(Math.floor(absLeft / 1000));
    $("idle-remaining").textContent = words(idleLeft);
    $("absolute-remaining").textContent = words(absLeft);
  }
  const final = absLeft <= cfg.lead;
  const warn = !state.ended && idleLeft <= cfg.lead && !(final && state.finalDismissed);
  if (warn && !dialog.open) openWarning(final);
  if (!warn && dialog.open) closeWarning();
  if (dialog.open) countdown(final ? absLeft : idleLeft);
}

function openWarning(final) {
  state.returnFocus = document.activeElement;
  state.announced = Infinity;
  dialog.dataset.mode = final ? "final" : "idle";
  const title = $("warning-title");
  title.textContent = final ? title.dataset.final : title.dataset.idle;
  for (const el of dialog.querySelectorAll("[data-idle-only]")) el.hidden = final;
  for (const el of dialog.querySelectorAll("[data-final-only]")) el.hidden = !final;
  const signIn = $("warning-signin");
  signIn.href = "/login?" + new URLSearchParams({ next: location.pathname + location.search });
  dialog.showModal();
  (final ? signIn : $("warning-stay")).focus();
  // Count the warnings shown, for tests and for anyone curious.
  body.dataset.warnings = String(Number(body.dataset.warnings || 0) + 1);
}

function closeWarning() {
  dialog.close();
  const back = state.returnFocus;
  state.returnFocus = null;
  if (back && back.isConnected && back !== document.body) back.focus({ preventScroll: true });
}

// countdown shows the time left every tick, but announces it politely only
// at coarse steps, so that a screen reader is not talked over every second.
function countdown(msLeft) {
  $("warning-countdown").textContent = words(msLeft);
  const steps = [Math.round(cfg.lead), 60000, 30000, 10000];
  const step = steps.filter((s) => s >= msLeft - 500).reduce((a, b) => Math.min(a, b), Infinity);
  if (step < state.announced) {
    state.announced = step;
    const end = dialog.dataset.mode === "final" ? "Your session ends" : "You will be signed out";
    $("warning-announce").textContent = `${end} in ${spoken(msLeft)}.`;
  }
}

// sendKept sends a form whose text must not be lost. If the server cannot be
// reached, the page says so, keeps the text and tries again.
async function sendKept(form) {
  if (form.dataset.sending) return;
  form.dataset.sending = "true";
  const status = form.querySelector("[data-form-status]");
  try {
    const res = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (res.status === 503) throw new Error("unavailable");
    delete form.dataset.dirty;
    if (res.redirected) {
      location.assign(res.url);
    } else {
      // A page with a message about the form: let the browser send it to
      // show that page. The form's key makes the second sending harmless.
      HTMLFormElement.prototype.submit.call(form);
    }
  } catch {
    if (status) {
      status.textContent = "Not saved yet: the server cannot be reached. Your text is kept " +
        "here; trying again in a few seconds.";
    }
    setTimeout(() => sendKept(form), retryAfter);
  } finally {
    delete form.dataset.sending;
  }
}

function listen() {
  const opts = { passive: true, capture: true };
  for (const type of ["pointerdown", "pointermove", "keydown", "wheel", "scroll", "touchstart"]) {
    window.addEventListener(type, activity, opts);
  }
  window.addEventListener("focus", activity);
  window.addEventListener("online", () => { state.retryAt = 0; poll(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });

  $("warning-stay").addEventListener("click", refresh);
  $("warning-back").addEventListener("click", () => {
    state.finalDismissed = true;
    closeWarning();
  });
  $("warning-signin").addEventListener("click", (e) => {
    // Text being written goes with the person: the server keeps it as a
    // draft and gives it back after sign-in.
    const dirty = document.querySelector("form[data-keep-text][data-dirty]");
    if (!dirty) return;
    e.preventDefault();
    state.ended = true;
    const keep = document.createElement("input");
    Object.assign(keep, { type: "hidden", name: "keep", value: "draft" });
    dirty.append(keep);
    dirty.requestSubmit();
  });
  dialog.addEventListener("cancel", (e) => {
    // Escape: a person who answers is present. In the final warning it only
    // closes the dialog, as nothing can be extended.
    e.preventDefault();
    if (dialog.dataset.mode === "final") {
      state.finalDismissed = true;
      closeWarning();
    } else {
      refresh();
    }
  });

  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("form[data-session-refresh]")) {
      e.preventDefault();
      refresh();
    } else if (form.matches("form[data-keep-text]")) {
      e.preventDefault();
      sendKept(form);
    } else if (form.getAttribute("action") === "/logout") {
      state.ended = true;
      tell({ type: "signed-out" });
    }
  });
  for (const form of document.querySelectorAll("form[data-keep-text]")) {
    form.addEventListener("input", () => { form.dataset.dirty = "true"; });
  }

  if (channel) channel.onmessage = ({ data }) => heard(data);
}

// heard follows what another tab of this browser reports.
function heard(msg) {
  if (state.ended) return;
  if (msg.type === "status") {
    if (msg.refreshed) {
      state.refreshedAt = now();
      state.active = false;
    }
    setStatus(msg.idle, msg.abs, now());
  } else if (msg.type === "ended") {
    state.retryAt = 0;
    poll();
  } else if (msg.type === "signed-out") {
    // Let the sign-out land first, so that a form sent on the way out is
    // kept as a draft rather than racing it.
    setTimeout(() => leave("/login", "signed_out"), 300);
  }
}

setStatus(num("idleRemainingMs"), num("absoluteRemainingMs"), now());
listen();
setInterval(tick, 500);
