// @ts-check
/**
 * An agent's sign-in prompt (`oauth.html?state=<flow>`): where to sign in, the device
 * code to type (large, with Copy) and the page to open it on. Only a link Rust vetted
 * (https, or http on this computer, without a user name) can be opened, in the browser;
 * any other link the agent sent is shown as text and flagged. The window says so when
 * the flow ends (signed in, refused, or out of time).
 */

import * as ipc from './ipc.js';
import { byId, h, replace } from './dom.js';
import { describeError } from './messages.js';
import { parseTime } from './time.js';

const state = new URLSearchParams(window.location.search).get('state') ?? '';
const listeners = new ipc.Listeners();
const banner = byId('banner');
const openButton = byId('open', HTMLButtonElement);

/** @param {'info'|'success'|'warning'|'error'} kind @param {string} title @param {string} [detail] */
function showBanner(kind, title, detail) {
  banner.className = `banner banner-${kind}`;
  replace(banner,
    h('strong', { class: 'banner-title', text: title }),
    detail ? h('span', { class: 'banner-detail', dir: 'auto', text: ` ${detail}` }) : null);
  banner.hidden = false;
}

/** @param {ipc.OAuthView} v */
function render(v) {
  byId('title').textContent = `${v.agentName} asks you to sign in to ${v.provider}`;
  const codeBox = byId('code-box');
  codeBox.hidden = v.userCode == null;
  byId('user-code').textContent = v.userCode ?? '';
  byId('verification-uri').textContent = v.verificationUri ?? '';
  openButton.hidden = v.linkHost == null;
  openButton.textContent = v.linkHost ? `Open ${v.linkHost}` : '';
  const unsafe = byId('unsafe');
  unsafe.hidden = v.unsafeLinks.length === 0;
  unsafe.textContent = v.unsafeLinks.length
    ? `Not opened, because it is not a safe address: ${v.unsafeLinks.join(', ')}`
    : '';
  const expires = parseTime(v.expiresAt);
  byId('expires').textContent = expires ? `This sign-in can be done until ${expires.toLocaleTimeString()}.` : '';
  byId('main').setAttribute('aria-busy', 'false');
  document.body.dataset.state = 'open';
}

/** @param {ipc.OAuthStateEvent} e */
function ended(e) {
  document.body.dataset.state = e.outcome;
  openButton.hidden = true;
  if (e.outcome === 'completed') showBanner('success', 'Signed in.', 'The agent has what it asked for.');
  else if (e.outcome === 'failed') showBanner('error', 'The sign-in was refused.', e.detail);
  else showBanner('warning', 'This sign-in has ended.', 'Its time ran out.');
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
  byId('copy').textContent = 'Copied';
}

async function start() {
  byId('close').addEventListener('click', () => { void ipc.closeWindow(); });
  byId('copy').addEventListener('click', () => { void copyCode(); });
  openButton.addEventListener('click', () => {
    ipc.oauthOpen(state).catch((err) => showBanner('error', 'Cannot open it.', describeError(ipc.toIpcError(err))));
  });
  await listeners.onOAuthState((e) => { if (e.state === state) ended(e); }).catch(() => {});
  try {
    render(await ipc.oauthGet(state));
  } catch (err) {
    document.body.dataset.state = 'error';
    byId('title').textContent = 'Sign-in prompt';
    showBanner('error', 'This sign-in cannot be shown.', describeError(ipc.toIpcError(err)));
  }
}

void start();
