// @ts-check
/**
 * Sign-in and settings (`settings.html`). Signed out, it is the sign-in form: server URL
 * (checked when the field is left), email and password, or an API key (watch-only), with
 * a distinct message for each way signing in can fail. An `http://` address of another
 * computer gets a warning and a checkbox that allows it (`allowInsecureHttp`); a server
 * that redirects gets an offer to use the address it names. Signed in, it shows the
 * account and the live connection state (warning when it is not encrypted), and offers
 * Sign out, which asks in a dialog what to do with answers still waiting to be sent.
 * Below, the settings; each change is saved at once with `settings_set` (Rust writes the
 * config file).
 */

import * as ipc from './ipc.js';
import * as attention from './settings-attention.js';
import { byId, h, replace } from './dom.js';
import { describeError, sentence } from './messages.js';
import { language, t } from './i18n.js';

const listeners = new ipc.Listeners();
const $ = {
  main: byId('main'),
  signedOut: byId('signed-out'),
  signedIn: byId('signed-in'),
  form: byId('sign-in-form', HTMLFormElement),
  server: byId('server', HTMLInputElement),
  serverStatus: byId('server-status'),
  redirectOffer: byId('redirect-offer'),
  redirectText: byId('redirect-text'),
  useRedirect: byId('use-redirect', HTMLButtonElement),
  insecureWarning: byId('insecure-warning'),
  apiField: byId('api-field'),
  apiUrl: byId('api-url', HTMLInputElement),
  apiName: byId('api-name'),
  apiNameLabel: byId('api-name-label'),
  allowInsecure: byId('allow-insecure', HTMLInputElement),
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
  insecureNote: byId('insecure-note'),
  runOnlyNote: byId('run-only-note'),
  openInbox: byId('open-inbox', HTMLButtonElement),
  signOut: byId('sign-out', HTMLButtonElement),
  addAccount: byId('add-account', HTMLButtonElement),
  addCancel: byId('add-cancel', HTMLButtonElement),
  accountList: byId('account-list'),
  accountDetails: byId('account-details'),
  accountMessage: byId('account-message'),
  signOutDialog: byId('sign-out-dialog', HTMLDialogElement),
  signOutTitle: byId('sign-out-title'),
  signOutText: byId('sign-out-text'),
  signOutProgress: byId('sign-out-progress'),
  signOutCancel: byId('sign-out-cancel', HTMLButtonElement),
  signOutDiscard: byId('sign-out-discard', HTMLButtonElement),
  signOutDeliver: byId('sign-out-deliver', HTMLButtonElement),
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
  notifyAgentErrors: byId('notify-agent-errors', HTMLInputElement),
  mutedList: byId('muted-list'),
  passwordCard: byId('password-change'),
  passwordForm: byId('password-form', HTMLFormElement),
  currentPassword: byId('current-password', HTMLInputElement),
  newPassword: byId('new-password', HTMLInputElement),
  newPasswordAgain: byId('new-password-again', HTMLInputElement),
  passwordMessage: byId('password-message'),
  autostart: byId('autostart', HTMLInputElement),
  windowsWarm: byId('windows-warm', HTMLSelectElement),
  answerOnlyInWindows: byId('answer-only-in-windows', HTMLInputElement),
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
/** @type {ipc.DesktopView|null} what the desktop said at the last read */
let desktop = null;
let busy = false;
let mutedListKey = '';

// ---- sign-in ----------------------------------------------------------------------------

/**
 * Whether an address is plain `http` to another computer: anything but this machine
 * (`localhost`, 127.0.0.0/8, ::1, also IPv4-mapped), as Rust decides it.
 * @param {string} input
 */
function isRemoteHttp(input) {
  let url;
  try {
    url = new URL(input.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host === '[::1]') return false;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return false;
  const mapped = /^\[::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}\]$/.exec(host)
    ?? /^\[::ffff:(127)\.\d{1,3}\.\d{1,3}\.\d{1,3}\]$/.exec(host);
  if (mapped) {
    const high = mapped[1] === '127' ? 127 : Number.parseInt(mapped[1], 16) >> 8;
    if (high === 127) return false;
  }
  return true;
}

/** The host the insecure-http allowance was given for: it does not carry to another. */
let insecureHost = '';

/** Shows the warning for a plain-http address of another computer, with its checkbox. */
function updateInsecureWarning() {
  const value = $.server.value.trim();
  const remote = isRemoteHttp(value);
  $.insecureWarning.hidden = !remote;
  const host = remote ? new URL(value).host : '';
  if (host !== insecureHost) {
    insecureHost = host;
    $.allowInsecure.checked = false;
  }
}

/** Whether the person allowed plain http for the address in the field. */
function allowInsecureHttp() {
  return isRemoteHttp($.server.value) && $.allowInsecure.checked;
}

/**
 * The server address a redirect names (the error's `location`): the URL without the API
 * path it was asked for.
 * @param {ipc.IpcError} e
 * @returns {string|null}
 */
function redirectTarget(e) {
  if (!e.location) return null;
  let url;
  try {
    url = new URL(e.location);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const api = url.pathname.lastIndexOf('/api/');
  url.pathname = api >= 0 ? url.pathname.slice(0, api + 1) : url.pathname;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** @param {ipc.IpcError|null} e a `redirect` error, or null to hide the offer */
function showRedirectOffer(e) {
  const target = e && e.code === 'redirect' ? redirectTarget(e) : null;
  $.redirectOffer.hidden = target === null;
  $.redirectOffer.dataset.target = target ?? '';
  $.redirectText.textContent = target ? t('sign-in-redirect-text', { url: target }) : '';
  $.useRedirect.textContent = target ? t('sign-in-use-redirect-to', { url: target }) : t('sign-in-use-redirect');
}

/**
 * What a failed server check or sign-in means for the person.
 * @param {ipc.IpcError} e
 */
function signInError(e) {
  switch (e.code) {
    case 'badInput':
      return t('sign-in-bad-input', { reason: e.message });
    case 'network':
      return t('sign-in-network', { reason: e.message });
    case 'tls':
      return t('sign-in-tls', { reason: e.message });
    case 'noLiveConnection':
      return t('sign-in-no-live-connection', { reason: sentence(e.message) });
    case 'notPlacet':
      return t('sign-in-not-placet');
    case 'wrongCredentials':
      return mode === 'key' ? t('sign-in-wrong-key') : t('sign-in-wrong-password');
    case 'keychainUnavailable':
      return t('sign-in-keychain-unavailable', { reason: e.message });
    case 'insecureHttp':
      return t('sign-in-insecure-refused');
    case 'redirect': {
      const target = redirectTarget(e);
      return target
        ? t('sign-in-redirected', { url: target })
        : t('sign-in-redirect', { reason: sentence(e.message) });
    }
    default:
      return e.message ? sentence(e.message) : t('sign-in-failed');
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
  serverMessage(t('sign-in-checking'));
  showRedirectOffer(null);
  try {
    const found = await ipc.serverCheck(value, allowInsecureHttp(), apiUrl());
    if (seq !== checkSeq) return;
    if ($.server.value.trim() === value) $.server.value = found.server;
    $.server.removeAttribute('aria-invalid');
    serverMessage(found.api === found.server
      ? t('sign-in-server-found', { server: found.server })
      : t('sign-in-server-found-split', { server: found.server, api: found.api }), 'ok');
  } catch (err) {
    if (seq !== checkSeq) return;
    const e = ipc.toIpcError(err);
    $.server.setAttribute('aria-invalid', 'true');
    serverMessage(signInError(e), 'error');
    showRedirectOffer(e);
    if (e.code === 'noLiveConnection') $.apiField.hidden = false;
  }
}

/** The live connection address the person gave, if the field is shown and filled. */
function apiUrl() {
  const v = $.apiUrl.value.trim();
  return $.apiField.hidden || v === '' ? undefined : v;
}

/** @param {'password'|'key'} next */
function setMode(next) {
  mode = next;
  $.passwordMode.hidden = next !== 'password';
  $.keyMode.hidden = next !== 'key';
  $.modeToggle.textContent = next === 'password' ? t('sign-in-use-api-key') : t('sign-in-use-password');
  $.signInMessage.textContent = '';
  $.keychainOffer.hidden = true;
  (next === 'password' ? $.email : $.apiKey).focus();
}

/** The first empty field of the form, with what to say about it. */
function missingField() {
  if ($.server.value.trim() === '') return { el: $.server, text: t('sign-in-enter-server') };
  if (mode === 'password') {
    if ($.email.value.trim() === '') return { el: $.email, text: t('sign-in-enter-email') };
    if ($.password.value === '') return { el: $.password, text: t('sign-in-enter-password') };
  } else if ($.apiKey.value.trim() === '') {
    return { el: $.apiKey, text: t('sign-in-enter-api-key') };
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
  $.submit.textContent = t('sign-in-submitting');
  $.signInMessage.textContent = '';
  try {
    const server = $.server.value.trim();
    const insecure = allowInsecureHttp();
    const s = mode === 'password'
      ? await ipc.signIn({
        server, apiUrl: apiUrl(), email: $.email.value.trim(), password: $.password.value, thisRunOnly, allowInsecureHttp: insecure,
      })
      : await ipc.signInApiKey({ server, apiUrl: apiUrl(), key: $.apiKey.value.trim(), thisRunOnly, allowInsecureHttp: insecure });
    $.password.value = '';
    $.apiKey.value = '';
    $.keychainOffer.hidden = true;
    adding = false;
    showStatus(s);
    void loadSettings();
  } catch (err) {
    const e = ipc.toIpcError(err);
    $.signInMessage.textContent = signInError(e);
    $.signInMessage.dataset.code = e.code;
    $.keychainOffer.hidden = e.code !== 'keychainUnavailable' || thisRunOnly;
    showRedirectOffer(e);
    if (e.code === 'noLiveConnection') {
      $.apiField.hidden = false;
      $.apiUrl.setAttribute('aria-invalid', 'true');
      $.apiUrl.focus();
    } else if (e.code === 'insecureHttp') {
      $.allowInsecure.focus();
    } else if (e.code === 'redirect' && !$.redirectOffer.hidden) {
      $.useRedirect.focus();
    } else if (e.code === 'badInput' || e.code === 'network' || e.code === 'tls' || e.code === 'notPlacet') {
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
    $.submit.textContent = t('sign-in-submit');
  }
}

/** Whether a sign-out is being run (the dialog's buttons wait for it). */
let signingOut = false;
/** The account being signed out of (its label), when there are several. */
/** @type {string|undefined} */
let signOutTarget;
/** The sign-in form is open to add another account. */
let adding = false;

/**
 * Signs out; with answers still queued, Rust refuses (`answersQueued`) unless told what
 * to do with them, and the dialog asks.
 * @param {'deliver'|'discard'} [queued]
 */
async function signOut(queued) {
  if (signingOut) return;
  signingOut = true;
  $.signOut.disabled = true;
  $.accountMessage.textContent = '';
  setDialogBusy(queued === 'deliver' ? t('settings-sign-out-delivering') : queued ? t('settings-signing-out') : '');
  try {
    const s = await ipc.signOut(queued, signOutTarget);
    closeSignOutDialog(false);
    showStatus(s);
    void loadSettings();
  } catch (err) {
    const e = ipc.toIpcError(err);
    if (e.code === 'answersQueued') {
      askAboutQueued(e, queued === 'deliver');
    } else if ($.signOutDialog.open) {
      $.signOutProgress.textContent = t('settings-not-signed-out', { reason: sentence(e.message) });
      $.signOutProgress.classList.add('error');
    } else {
      $.accountMessage.textContent = sentence(e.message);
    }
  } finally {
    signingOut = false;
    $.signOut.disabled = false;
    setDialogBusy(null);
  }
}

/**
 * Disables the dialog's buttons while a sign-out runs (`text` says what happens), or
 * enables them again (`null`).
 * @param {string|null} text
 */
function setDialogBusy(text) {
  const busyNow = text !== null;
  for (const b of [$.signOutCancel, $.signOutDiscard, $.signOutDeliver]) b.disabled = busyNow;
  $.signOutDialog.setAttribute('aria-busy', String(busyNow));
  if (text) {
    $.signOutProgress.classList.remove('error');
    $.signOutProgress.textContent = text;
  } else if (busyNow === false && !$.signOutProgress.classList.contains('error')) {
    $.signOutProgress.textContent = '';
  }
}

/**
 * The dialog about queued answers. After a failed "Deliver" (the answers could not be
 * delivered now), it offers only to discard them or to cancel.
 * @param {ipc.IpcError} e
 * @param {boolean} afterDeliver
 */
function askAboutQueued(e, afterDeliver) {
  // The buttons are enabled again before one of them takes the focus.
  setDialogBusy(null);
  // How many answers wait; 0 when Rust did not say (the messages then say "some").
  const count = e.count !== undefined && e.count > 0 ? e.count : 0;
  $.signOutDialog.dataset.step = afterDeliver ? 'undelivered' : 'queued';
  if (afterDeliver) {
    $.signOutTitle.textContent = t('settings-undelivered-title', { count });
    $.signOutText.textContent = t('settings-undelivered-text', { count });
  } else {
    $.signOutTitle.textContent = t('settings-queued-title', { count });
    $.signOutText.textContent = t('settings-queued-text', { count });
  }
  $.signOutDeliver.hidden = afterDeliver;
  $.signOutProgress.textContent = '';
  $.signOutProgress.classList.remove('error');
  if (!$.signOutDialog.open) $.signOutDialog.showModal();
  (afterDeliver ? $.signOutCancel : $.signOutDeliver).focus();
}

/** @param {boolean} [refocus] give the focus back to "Sign out" */
function closeSignOutDialog(refocus = true) {
  if ($.signOutDialog.open) $.signOutDialog.close();
  delete $.signOutDialog.dataset.step;
  if (refocus && !$.signedIn.hidden) $.signOut.focus();
}

/** @param {ipc.AppStatus} s */
function showStatus(s) {
  const wasSignedIn = status?.signedIn ?? null;
  status = s;
  document.body.dataset.signedIn = String(s.signedIn);
  if (!s.signedIn) adding = false;
  $.signedIn.hidden = !s.signedIn;
  $.signedOut.hidden = s.signedIn && !adding;
  $.addCancel.hidden = !(s.signedIn && adding);
  showAccounts(s.accounts);
  $.account.textContent = s.account ?? '';
  $.serverName.textContent = s.server ?? '';
  const split = Boolean(s.api && s.api !== s.server);
  $.apiName.textContent = split ? s.api ?? '' : '';
  $.apiName.hidden = !split;
  $.apiNameLabel.hidden = !split;
  $.connection.textContent = s.stateText;
  $.connection.dataset.state = s.state.state;
  $.watchOnlyNote.hidden = !s.watchOnly;
  $.insecureNote.hidden = !(s.signedIn && s.insecure);
  $.runOnlyNote.hidden = !s.signedIn || s.saved;
  if (!s.signedIn && $.server.value.trim() === '' && s.server) $.server.value = s.server;
  updateInsecureWarning();
  if (!s.signedIn && $.signOutDialog.open) closeSignOutDialog(false);
  const mustChange = s.signedIn && s.mustChangePassword;
  const wasShown = !$.passwordCard.hidden;
  $.passwordCard.hidden = !mustChange;
  // Before anything else: the other sections wait until the password is changed.
  for (const id of ['prefs', 'answering']) byId(id).hidden = mustChange;
  if (mustChange && !wasShown) $.currentPassword.focus();
  if (!s.signedIn && wasSignedIn !== false) {
    $.signInMessage.textContent = '';
    (($.server.value.trim() === '') ? $.server : mode === 'password' ? $.email : $.apiKey).focus();
  }
}

/**
 * Several accounts: one line each, with its own sign-out, in place of the one
 * account's details.
 * @param {ipc.AccountView[]} accounts
 */
function showAccounts(accounts) {
  const several = accounts.length > 1;
  byId('account-title').textContent = t(several ? 'settings-accounts' : 'settings-account');
  $.accountList.hidden = !several;
  $.accountDetails.hidden = several;
  $.signOut.hidden = several;
  if (!several) {
    signOutTarget = undefined;
    $.accountList.replaceChildren();
    return;
  }
  // The same accounts: only their connections change, in place, so a status update
  // never takes the focus from a Sign out button.
  const rows = [...$.accountList.children];
  if (rows.length === accounts.length
    && rows.every((r, i) => r.querySelector('button')?.dataset.account === accounts[i]?.label)) {
    rows.forEach((r, i) => {
      const state = r.querySelector('.account-state');
      if (state) state.textContent = accounts[i]?.stateText ?? '';
    });
    return;
  }
  $.accountList.replaceChildren(...accounts.map((a) => {
    const li = document.createElement('li');
    const who = document.createElement('div');
    who.className = 'account-who';
    const name = document.createElement('strong');
    name.textContent = a.label;
    name.dir = 'auto';
    const detail = document.createElement('span');
    detail.textContent = a.watchOnly ? a.server : `${a.account} · ${a.server}`;
    detail.dir = 'auto';
    const state = document.createElement('span');
    state.className = 'account-state';
    state.textContent = a.stateText;
    who.append(name, detail, state);
    const out = document.createElement('button');
    out.type = 'button';
    out.className = 'btn btn-danger';
    out.textContent = t('settings-sign-out');
    out.setAttribute('aria-label', t('settings-sign-out-of', { account: a.label }));
    out.dataset.account = a.label;
    out.addEventListener('click', () => {
      signOutTarget = a.label;
      void signOut();
    });
    li.append(who, out);
    return li;
  }));
}

/** Opens the sign-in form beside the signed-in accounts, to add one. */
function addAccount() {
  adding = true;
  $.signedOut.hidden = false;
  $.addCancel.hidden = false;
  $.server.value = '';
  $.signInMessage.textContent = '';
  $.signedOut.scrollIntoView({ block: 'start' });
  $.server.focus();
}

/** Changes the password the server asked to change. */
async function changePassword() {
  const say = (/** @type {string} */ text) => { $.passwordMessage.textContent = text; };
  if ($.currentPassword.value === '') {
    say(t('settings-password-enter-current'));
    $.currentPassword.focus();
    return;
  }
  if ($.newPassword.value.length < 8) {
    say(t('settings-password-too-short'));
    $.newPassword.focus();
    return;
  }
  if ($.newPassword.value !== $.newPasswordAgain.value) {
    say(t('settings-password-differ'));
    $.newPasswordAgain.focus();
    return;
  }
  say(t('settings-password-changing'));
  try {
    const s = await ipc.changePassword($.currentPassword.value, $.newPassword.value);
    for (const el of [$.currentPassword, $.newPassword, $.newPasswordAgain]) el.value = '';
    say(t('settings-password-changed'));
    showStatus(s);
  } catch (err) {
    const e = ipc.toIpcError(err);
    say(e.code === 'wrongCredentials' ? t('settings-password-wrong') : describeError(e));
    if (e.code === 'wrongCredentials') $.currentPassword.focus();
  }
}

// ---- settings ---------------------------------------------------------------------------

/** @param {Date} d */
function untilText(d) {
  const today = new Date();
  const time = d.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString()
    ? time
    : t('settings-weekday-time', { weekday: d.toLocaleDateString(language, { weekday: 'long' }), time });
}

function renderSettings() {
  if (!settings) return;
  const s = settings;
  const paused = s.pausedUntil ? new Date(s.pausedUntil) : null;
  const isPaused = paused !== null && paused.getTime() > Date.now();
  $.pauseStatus.textContent = isPaused && paused
    ? t('settings-paused-until', { until: untilText(paused) })
    : t('settings-notifications-on');
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
  $.notifyAgentErrors.checked = s.notifyAgentErrors;
  $.autostart.checked = s.autostart;
  renderWarm(s.windowsWarmSecs ?? 120);
  $.answerOnlyInWindows.checked = s.answerOnlyInWindows;
  attention.render(s, desktop);

  const muted = new Set(s.mutedAgents);
  // Rebuild the list only when it changes, so a refresh never steals the focus.
  const key = JSON.stringify([agents, s.mutedAgents, status?.signedIn]);
  if (key === mutedListKey) return;
  mutedListKey = key;
  if (agents.length === 0) {
    replace($.mutedList, h('p', { class: 'field-desc', text: status?.signedIn ? t('settings-no-agents') : t('settings-sign-in-for-agents') }));
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
      const status = a.statusMessage
        ? t('settings-agent-status-message', { status: a.statusText, message: a.statusMessage })
        : a.statusText ? t('settings-agent-status', { status: a.statusText }) : '';
      const parent = a.parentId ? agents.find((p) => p.id === a.parentId) : undefined;
      const subs = agents.filter((s) => s.parentId === a.id).length;
      const label = h('label', { class: a.parentId ? 'check sub-agent' : 'check', for: id, data: { parent: a.parentId ?? '' } }, box,
        h('span', { class: 'agent-line' },
          h('span', { dir: 'auto', text: subs > 0 ? t('settings-agent-with-subs', { agent: a.name, count: subs }) : a.name }),
          parent ? h('span', { class: 'field-desc', dir: 'auto', text: t('settings-sub-agent-of', { parent: parent.name }) }) : null,
          !parent && a.account ? h('span', { class: 'field-desc agent-account', dir: 'auto', text: t('settings-agent-account', { account: a.account }) }) : null,
          status ? h('span', { class: 'field-desc agent-status', dir: 'auto', text: status }) : null));
      // Muting a parent mutes its sub-agents: theirs follow, disabled.
      if (parent && muted.has(parent.id)) {
        box.checked = true;
        box.disabled = true;
      }
      return label;
    }));
  }
}

/** Saves run one after another, each on top of the one before. */
let saving = Promise.resolve();
/** Bumped by every save, so a read that started before it does not undo it. */
let saveCount = 0;

/**
 * What the list of warm times calls `secs` ("no time", "2 minutes").
 * @param {number} secs
 */
function warmLabel(secs) {
  if (secs === 0) return t('settings-warm-none');
  return secs % 60 === 0 ? t('settings-warm-minutes', { count: secs / 60 }) : t('settings-warm-seconds', { count: secs });
}

/**
 * Shows the warm time; a value set in the file that the list lacks is added to it.
 * @param {number} secs
 */
function renderWarm(secs) {
  const value = String(secs);
  if (![...$.windowsWarm.options].some((o) => o.value === value)) {
    $.windowsWarm.append(h('option', { value, text: warmLabel(secs) }));
  }
  $.windowsWarm.value = value;
}

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
    $.saveStatus.textContent = t('settings-saving');
    $.saveStatus.classList.remove('error');
    try {
      await ipc.settingsSet(next);
      settings = next;
      $.saveStatus.textContent = t('settings-saved');
    } catch (err) {
      $.saveStatus.textContent = t('settings-not-saved', { reason: sentence(ipc.toIpcError(err).message) });
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
    desktop = v.desktop;
    // A save started meanwhile knows better than this read.
    if (saveCount !== before) return;
    settings = v.settings;
    renderSettings();
  } catch (err) {
    $.saveStatus.textContent = t('settings-cannot-read', { reason: sentence(ipc.toIpcError(err).message) });
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
  for (const option of $.windowsWarm.options) option.textContent = warmLabel(Number(option.value));
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
  $.windowsWarm.addEventListener('change', () => {
    const secs = Number($.windowsWarm.value);
    void save((s) => { s.windowsWarmSecs = secs; });
  });
  $.notifyAgentErrors.addEventListener('change', () => {
    const on = $.notifyAgentErrors.checked;
    void save((s) => { s.notifyAgentErrors = on; });
  });
  $.answerOnlyInWindows.addEventListener('change', () => {
    const on = $.answerOnlyInWindows.checked;
    void save((s) => { s.answerOnlyInWindows = on; });
  });
  attention.wire(save);
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  ipc.closeOnCtrlW();
  $.passwordForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void changePassword();
  });
  $.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn(false);
  });
  $.server.addEventListener('blur', () => { void checkServer(); });
  $.server.addEventListener('input', () => {
    $.server.removeAttribute('aria-invalid');
    serverMessage('');
    showRedirectOffer(null);
    updateInsecureWarning();
  });
  $.allowInsecure.addEventListener('change', () => { void checkServer(); });
  $.useRedirect.addEventListener('click', () => {
    const target = $.redirectOffer.dataset.target;
    if (!target) return;
    $.server.value = target;
    showRedirectOffer(null);
    updateInsecureWarning();
    $.server.focus();
    void checkServer();
  });
  $.modeToggle.addEventListener('click', () => setMode(mode === 'password' ? 'key' : 'password'));
  $.thisRunOnly.addEventListener('click', () => { void signIn(true); });
  $.signOut.addEventListener('click', () => { signOutTarget = undefined; void signOut(); });
  $.addAccount.addEventListener('click', addAccount);
  $.addCancel.addEventListener('click', () => {
    adding = false;
    $.signedOut.hidden = true;
    $.addCancel.hidden = true;
    $.addAccount.focus();
  });
  $.signOutDeliver.addEventListener('click', () => { void signOut('deliver'); });
  $.signOutDiscard.addEventListener('click', () => { void signOut('discard'); });
  $.signOutCancel.addEventListener('click', () => closeSignOutDialog());
  $.signOutDialog.addEventListener('cancel', (e) => {
    // Escape is Cancel, except while a sign-out runs.
    e.preventDefault();
    if (!signingOut) closeSignOutDialog();
  });
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
  // The desktop's Do Not Disturb and the shortcut's state change on their own.
  const timer = window.setInterval(() => { void loadSettings(); }, 15_000);
  window.addEventListener('pagehide', () => window.clearInterval(timer));
}

void start();
