// @ts-check
/**
 * An agent's sign-in prompt (`oauth.html?state=<flow>`): where to sign in, the device
 * code to type (large, with Copy) and the page to open it on. Only a link Rust vetted
 * (https, or http on this computer, without a user name) can be opened, in the browser;
 * any other link the agent sent is shown as text and flagged. The window says so when
 * the flow ends (signed in, refused, or out of time).
 */

import * as ipc from './ipc.js';
import { byId, setBanner } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './messages.js';
import { locale, parseTime } from './time.js';

const state = new URLSearchParams(window.location.search).get('state') ?? '';
const listeners = new ipc.Listeners();
const banner = byId('banner');
const openButton = byId('open', HTMLButtonElement);

/** @param {'info'|'success'|'warning'|'error'} kind @param {string} title @param {string} [detail] */
function showBanner(kind, title, detail) {
  setBanner(banner, kind, title, detail);
}

/** @param {ipc.OAuthView} v */
function render(v) {
  byId('title').textContent = t('oauth-page-title', { agent: v.agentName, provider: v.provider });
  const codeBox = byId('code-box');
  codeBox.hidden = v.userCode == null;
  byId('user-code').textContent = v.userCode ?? '';
  byId('verification-uri').textContent = v.verificationUri ?? '';
  openButton.hidden = v.linkHost == null;
  openButton.textContent = v.linkHost ? t('oauth-page-open', { host: v.linkHost }) : '';
  const unsafe = byId('unsafe');
  unsafe.hidden = v.unsafeLinks.length === 0;
  unsafe.textContent = v.unsafeLinks.length
    ? t('oauth-page-unsafe', { links: v.unsafeLinks.join(', ') })
    : '';
  const expires = parseTime(v.expiresAt);
  byId('expires').textContent = expires
    ? t('oauth-page-expires', { time: expires.toLocaleTimeString(locale) })
    : '';
  byId('main').setAttribute('aria-busy', 'false');
  document.body.dataset.state = 'open';
}

/** @param {ipc.OAuthStateEvent} e */
function ended(e) {
  document.body.dataset.state = e.outcome;
  openButton.hidden = true;
  if (e.outcome === 'completed') showBanner('success', t('oauth-page-completed-title'), t('oauth-page-completed-detail'));
  else if (e.outcome === 'failed') showBanner('error', t('oauth-page-failed-title'), e.detail);
  else showBanner('warning', t('oauth-page-timed-out-title'), t('oauth-page-timed-out-detail'));
}

async function copyCode() {
  const code = byId('user-code').textContent ?? '';
  try {
    await navigator.clipboard.writeText(code);
  } catch {
    // Without the clipboard API: select the code, as a person would, and copy it.
    const range = document.createRange();
    range.selectNodeContents(byId('user-code'));
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    document.execCommand('copy');
  }
  byId('copy').textContent = t('oauth-page-copied');
}

async function start() {
  byId('close').addEventListener('click', () => { void ipc.closeWindow(); });
  byId('copy').addEventListener('click', () => { void copyCode(); });
  openButton.addEventListener('click', () => {
    ipc.oauthOpen(state).catch((err) => showBanner('error', t('oauth-page-open-failed'), describeError(ipc.toIpcError(err))));
  });
  await listeners.onOAuthState((e) => { if (e.state === state) ended(e); }).catch(() => {});
  try {
    render(await ipc.oauthGet(state));
  } catch (err) {
    document.body.dataset.state = 'error';
    byId('title').textContent = t('oauth-page-error-heading');
    showBanner('error', t('oauth-page-load-failed'), describeError(ipc.toIpcError(err)));
  }
}

void start();
