// @ts-check
/**
 * Sign-in and settings (`settings.html`). Signed out, it is the sign-in form: server URL
 * (checked when the field is left), email and password, or an API key (watch-only), with
 * a distinct message for each way signing in can fail. Signed in, it shows the account
 * and the live connection state, and offers Sign out. Below, the notification settings;
 * each change is saved at once with `settings_set` (Rust writes the config file).
 */

import * as ipc from './ipc.js';
import { byId, h, replace } from './dom.js';
import { sentence } from './messages.js';

const listeners = new ipc.Listeners();
const $ = {
  main: byId('main'),
  signedOut: byId('signed-out'),
  signedIn: byId('signed-in'),
  form: byId('sign-in-form', HTMLFormElement),
  server: byId('server', HTMLInputElement),
  serverStatus: byId('server-status'),
  email: byId('email', HTMLInputElement),
  password: byId('password', HTMLInputElement),
  apiKey: byId('api-key', HTMLInputElement),
  passwordMode: byId('password-mode'),
  keyMode: byId('key-mode'),
  modeToggle: byId('mode-toggle', HTMLButtonElement),
  submit: byId('sign-in-submit', HTMLButtonElement),
  signInMessage: byId('sign-in-message'),
  keychainOffer: byId('keychain-offer'),
  thisRunOnly: byId('this-run-only', HTMLButtonElement),
  account: byId('account'),
  serverName: byId('server-name'),
  connection: byId('connection'),
  watchOnlyNote: byId('watch-only-note'),
  runOnlyNote: byId('run-only-note'),
  openInbox: byId('open-inbox', HTMLButtonElement),
  signOut: byId('sign-out', HTMLButtonElement),
  accountMessage: byId('account-message'),
  pauseStatus: byId('pause-status'),
  pauseHour: byId('pause-hour', HTMLButtonElement),
  pauseTomorrow: byId('pause-tomorrow', HTMLButtonElement),
  pauseResume: byId('pause-resume', HTMLButtonElement),
  quietOn: byId('quiet-on', HTMLInputElement),
  quietStart: byId('quiet-start', HTMLInputElement),
  quietEnd: byId('quiet-end', HTMLInputElement),
  notifyReviews: byId('notify-reviews', HTMLInputElement),
  notifyAll: byId('notify-all', HTMLInputElement),
  sound: byId('sound', HTMLInputElement),
  mutedList: byId('muted-list'),
  autostart: byId('autostart', HTMLInputElement),
  saveStatus: byId('save-status'),
};

/** @type {'password'|'key'} */
let mode = 'password';
/** @type {ipc.AppStatus|null} */
let status = null;
/** @type {ipc.Settings|null} the settings as last saved */
let settings = null;
/** @type {ipc.AgentView[]} */
let agents = [];
let busy = false;
let mutedListKey = '';

// ---- sign-in ----------------------------------------------------------------------------

/**
 * What a failed server check or sign-in means for the person.
 * @param {ipc.IpcError} e
 */
function signInError(e) {
  switch (e.code) {
    case 'badInput':
      return `That is not a server address: ${e.message}. Use the address you open Placet at, like https://placet.example.com.`;
    case 'network':
      return `The server cannot be reached: ${e.message}. Check the address and your network connection.`;
    case 'tls':
      return `The secure (TLS) connection failed: ${e.message}. The server’s certificate is not trusted by this computer.`;
    case 'notPlacet':
      return 'This address answers, but not like a Placet server. Use the address of your Placet server (the one you open in the browser).';
    case 'wrongCredentials':
      return mode === 'key' ? 'The API key was refused. Check that you copied all of it.' : 'Wrong email or password.';
    case 'keychainUnavailable':
      return `The system keychain is not available: ${e.message}.`;
    default:
      return sentence(e.message || 'Signing in failed.');
  }
}

/** @param {string} text @param {'error'|'ok'|''} [kind] */
function serverMessage(text, kind = '') {
  $.serverStatus.textContent = text;
  $.serverStatus.className = `form-message${kind ? ` ${kind}` : ''}`;
  $.serverStatus.dataset.kind = kind;
}

let checkSeq = 0;

/** Checks the server URL when the field is left. */
async function checkServer() {
  const value = $.server.value.trim();
  const seq = ++checkSeq;
  if (value === '') {
    serverMessage('');
    $.server.removeAttribute('aria-invalid');
    return;
  }
  serverMessage('Checking…');
  try {
    const url = await ipc.serverCheck(value);
    if (seq !== checkSeq) return;
    if ($.server.value.trim() === value) $.server.value = url;
    $.server.removeAttribute('aria-invalid');
    serverMessage(`Placet server found at ${url}.`, 'ok');
  } catch (err) {
    if (seq !== checkSeq) return;
    $.server.setAttribute('aria-invalid', 'true');
    serverMessage(signInError(ipc.toIpcError(err)), 'error');
  }
}

/** @param {'password'|'key'} next */
function setMode(next) {
  mode = next;
  $.passwordMode.hidden = next !== 'password';
  $.keyMode.hidden = next !== 'key';
  $.modeToggle.textContent = next === 'password' ? 'Use an API key (watch-only)' : 'Use email and password';
  $.signInMessage.textContent = '';
  $.keychainOffer.hidden = true;
  (next === 'password' ? $.email : $.apiKey).focus();
}

/** The first empty field of the form, with what to say about it. */
function missingField() {
  if ($.server.value.trim() === '') return { el: $.server, text: 'Enter the address of your Placet server.' };
  if (mode === 'password') {
    if ($.email.value.trim() === '') return { el: $.email, text: 'Enter your email address.' };
    if ($.password.value === '') return { el: $.password, text: 'Enter your password.' };
  } else if ($.apiKey.value.trim() === '') {
    return { el: $.apiKey, text: 'Enter your API key.' };
  }
  return null;
}

/** @param {boolean} thisRunOnly */
async function signIn(thisRunOnly) {
  if (busy) return;
  const missing = missingField();
  if (missing) {
    $.signInMessage.textContent = missing.text;
    missing.el.focus();
    return;
  }
  busy = true;
  $.submit.disabled = true;
  $.thisRunOnly.disabled = true;
  $.submit.textContent = 'Signing in…';
  $.signInMessage.textContent = '';
  try {
    const server = $.server.value.trim();
    const s = mode === 'password'
      ? await ipc.signIn({ server, email: $.email.value.trim(), password: $.password.value, thisRunOnly })
      : await ipc.signInApiKey({ server, key: $.apiKey.value.trim(), thisRunOnly });
    $.password.value = '';
    $.apiKey.value = '';
    $.keychainOffer.hidden = true;
    showStatus(s);
    void loadSettings();
  } catch (err) {
    const e = ipc.toIpcError(err);
    $.signInMessage.textContent = signInError(e);
    $.signInMessage.dataset.code = e.code;
    $.keychainOffer.hidden = e.code !== 'keychainUnavailable' || thisRunOnly;
    if (e.code === 'badInput' || e.code === 'network' || e.code === 'tls' || e.code === 'notPlacet') {
      $.server.setAttribute('aria-invalid', 'true');
      $.server.focus();
    } else if (e.code === 'wrongCredentials') {
      (mode === 'password' ? $.password : $.apiKey).focus();
    } else if (e.code === 'keychainUnavailable') {
      $.thisRunOnly.focus();
    }
  } finally {
    busy = false;
    $.submit.disabled = false;
    $.thisRunOnly.disabled = false;
    $.submit.textContent = 'Sign in';
  }
}

async function signOut() {
  $.signOut.disabled = true;
  $.accountMessage.textContent = '';
  try {
    showStatus(await ipc.signOut());
    void loadSettings();
  } catch (err) {
    $.accountMessage.textContent = sentence(ipc.toIpcError(err).message);
  } finally {
    $.signOut.disabled = false;
  }
}

/** @param {ipc.AppStatus} s */
function showStatus(s) {
  const wasSignedIn = status?.signedIn ?? null;
  status = s;
  document.body.dataset.signedIn = String(s.signedIn);
  $.signedIn.hidden = !s.signedIn;
  $.signedOut.hidden = s.signedIn;
  $.account.textContent = s.account ?? '';
  $.serverName.textContent = s.server ?? '';
  $.connection.textContent = s.stateText;
  $.connection.dataset.state = s.state.state;
  $.watchOnlyNote.hidden = !s.watchOnly;
  $.runOnlyNote.hidden = !s.signedIn || s.saved;
  if (!s.signedIn && $.server.value.trim() === '' && s.server) $.server.value = s.server;
  if (!s.signedIn && wasSignedIn !== false) {
    $.signInMessage.textContent = '';
    (($.server.value.trim() === '') ? $.server : mode === 'password' ? $.email : $.apiKey).focus();
  }
}

// ---- settings ---------------------------------------------------------------------------

/** @param {Date} d */
function untilText(d) {
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString()
    ? time
    : `${d.toLocaleDateString(undefined, { weekday: 'long' })} ${time}`;
}

function renderSettings() {
  if (!settings) return;
  const s = settings;
  const paused = s.pausedUntil ? new Date(s.pausedUntil) : null;
  const isPaused = paused !== null && paused.getTime() > Date.now();
  $.pauseStatus.textContent = isPaused && paused
    ? `Notifications are paused until ${untilText(paused)}.`
    : 'Notifications are on.';
  $.pauseResume.disabled = !isPaused;
  $.quietOn.checked = s.quietHours !== null;
  if (s.quietHours) {
    $.quietStart.value = s.quietHours.start;
    $.quietEnd.value = s.quietHours.end;
  }
  $.quietStart.disabled = s.quietHours === null;
  $.quietEnd.disabled = s.quietHours === null;
  $.notifyReviews.checked = s.notifyFor === 'reviews';
  $.notifyAll.checked = s.notifyFor === 'all';
  $.sound.checked = s.sound;
  $.autostart.checked = s.autostart;

  const muted = new Set(s.mutedAgents);
  // Rebuild the list only when it changes, so a refresh never steals the focus.
  const key = JSON.stringify([agents, s.mutedAgents, status?.signedIn]);
  if (key === mutedListKey) return;
  mutedListKey = key;
  if (agents.length === 0) {
    replace($.mutedList, h('p', { class: 'field-desc', text: status?.signedIn ? 'No agents yet.' : 'Sign in to see your agents.' }));
  } else {
    replace($.mutedList, ...agents.map((a, i) => {
      const id = `mute-${i}`;
      const box = h('input', { type: 'checkbox', id, data: { agent: a.id } });
      box.checked = muted.has(a.id);
      box.addEventListener('change', () => {
        const mute = box.checked;
        void save((next) => {
          const set = new Set(next.mutedAgents);
          if (mute) set.add(a.id);
          else set.delete(a.id);
          next.mutedAgents = [...set];
        });
      });
      return h('label', { class: 'check', for: id }, box, h('span', { dir: 'auto', text: a.name }));
    }));
  }
}

/** Saves run one after another, each on top of the one before. */
let saving = Promise.resolve();
/** Bumped by every save, so a read that started before it does not undo it. */
let saveCount = 0;

/**
 * Saves a change: `change` edits a copy of the settings as last saved. It runs later
 * (after earlier saves), so callers read the controls first and `change` only applies
 * those values.
 * @param {(next: ipc.Settings) => void} change
 */
function save(change) {
  saveCount += 1;
  saving = saving.then(async () => {
    if (!settings) return;
    /** @type {ipc.Settings} */
    const next = structuredClone(settings);
    change(next);
    $.saveStatus.textContent = 'Saving…';
    $.saveStatus.classList.remove('error');
    try {
      await ipc.settingsSet(next);
      settings = next;
      $.saveStatus.textContent = 'Saved.';
    } catch (err) {
      $.saveStatus.textContent = `Not saved: ${sentence(ipc.toIpcError(err).message)}`;
      $.saveStatus.classList.add('error');
    }
    renderSettings();
  });
  return saving;
}

async function loadSettings() {
  await saving;
  const before = saveCount;
  try {
    const v = await ipc.settingsGet();
    agents = v.agents;
    // A save started meanwhile knows better than this read.
    if (saveCount !== before) return;
    settings = v.settings;
    renderSettings();
  } catch (err) {
    $.saveStatus.textContent = `Cannot read the settings: ${sentence(ipc.toIpcError(err).message)}`;
  }
}

/** Tomorrow at 08:00 local time, as the tray's "Until tomorrow". */
function tomorrowMorning() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d;
}

/** @param {string} v */
const hhmm = (v) => v.slice(0, 5);

function wireSettings() {
  $.pauseHour.addEventListener('click', () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    void save((s) => { s.pausedUntil = until; });
  });
  $.pauseTomorrow.addEventListener('click', () => {
    const until = tomorrowMorning().toISOString();
    void save((s) => { s.pausedUntil = until; });
  });
  $.pauseResume.addEventListener('click', () => {
    void save((s) => { s.pausedUntil = null; });
  });
  const quiet = () => {
    const hours = $.quietOn.checked
      ? { start: hhmm($.quietStart.value) || '22:00', end: hhmm($.quietEnd.value) || '07:00' }
      : null;
    void save((s) => { s.quietHours = hours; });
  };
  $.quietOn.addEventListener('change', quiet);
  $.quietStart.addEventListener('change', () => { if ($.quietStart.value) quiet(); });
  $.quietEnd.addEventListener('change', () => { if ($.quietEnd.value) quiet(); });
  for (const radio of [$.notifyReviews, $.notifyAll]) {
    radio.addEventListener('change', () => {
      const notifyFor = radio.value === 'all' ? 'all' : 'reviews';
      if (radio.checked) void save((s) => { s.notifyFor = notifyFor; });
    });
  }
  $.sound.addEventListener('change', () => {
    const on = $.sound.checked;
    void save((s) => { s.sound = on; });
  });
  $.autostart.addEventListener('change', () => {
    const on = $.autostart.checked;
    void save((s) => { s.autostart = on; });
  });
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  ipc.closeOnCtrlW();
  $.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn(false);
  });
  $.server.addEventListener('blur', () => { void checkServer(); });
  $.server.addEventListener('input', () => {
    $.server.removeAttribute('aria-invalid');
    serverMessage('');
  });
  $.modeToggle.addEventListener('click', () => setMode(mode === 'password' ? 'key' : 'password'));
  $.thisRunOnly.addEventListener('click', () => { void signIn(true); });
  $.signOut.addEventListener('click', () => { void signOut(); });
  $.openInbox.addEventListener('click', () => {
    ipc.inboxOpen().catch((err) => { $.accountMessage.textContent = sentence(ipc.toIpcError(err).message); });
  });
  wireSettings();

  await listeners.onStatusChanged((s) => {
    showStatus(s);
    // The tray's pause menu and new agents change what this page shows.
    void loadSettings();
  }).catch(() => {});
  try {
    showStatus(await ipc.appStatus());
  } catch (err) {
    $.signInMessage.textContent = sentence(ipc.toIpcError(err).message);
    $.signedOut.hidden = false;
  }
  await loadSettings();
  $.main.setAttribute('aria-busy', 'false');
  document.body.dataset.ready = 'true';
  const timer = window.setInterval(renderSettings, 30_000);
  window.addEventListener('pagehide', () => window.clearInterval(timer));
}

void start();
