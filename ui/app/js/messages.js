// @ts-check
/** Command errors put into words for people, shared by the pages. */

/**
 * Capitalises the first letter (Rust's messages start in lower case, to compose).
 * @param {string} s
 */
export function sentence(s) {
  const t = s.trim();
  if (t === '') return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/**
 * What to tell the person about a failed command.
 * @param {import('./ipc.js').IpcError} e
 */
export function describeError(e) {
  switch (e.code) {
    case 'notConnected':
      return 'Placet Tray is not signed in. Sign in from the tray menu, then try again.';
    case 'authExpired':
      return 'Your sign-in has expired. Sign in again from the tray menu; nothing you answered is lost.';
    case 'network':
      return `The server cannot be reached: ${e.message}`;
    case 'tls':
      return `The secure connection to the server failed: ${e.message}`;
    case 'watchOnly':
      return 'You are signed in watch-only (with an API key). Sign in with your account to answer.';
    case 'withdrawn':
      return 'The agent withdrew this review.';
    case 'notFound':
      return 'This review no longer exists on the server.';
    case 'alreadyAnswered':
      return 'This review was already answered, or it has expired.';
    case 'invalidAnswer':
      return sentence(e.message);
    case 'notAllowed':
      return `This window may not do that: ${sentence(e.message)}`;
    case 'insecureHttp':
      return 'Not sent: the server is reached over plain http, so your password and session would travel unencrypted. Use https, or allow unencrypted http for this server in the settings.';
    case 'redirect':
      return `The server sent Placet Tray to another address: ${sentence(e.message)}`;
    default:
      return sentence(e.message || 'Something went wrong.');
  }
}
