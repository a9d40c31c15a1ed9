// What a user should do next, keyed by MediaWiki error or login code (like m3api's handlers).
// Kept apart from the messages so the VS Code layer can show it as a separate line.
// Functions, so each text is translated when it is shown (after the extension set the bundle).
import * as l10n from '@vscode/l10n';

const ADVICE: Readonly<Record<string, () => string>> = {
  // action=login results
  Failed: () => l10n.t('Check the user name and password. A bot password is used as "User@appid" with the generated password from Special:BotPasswords.'),
  WrongToken: () => l10n.t('The login token was rejected twice; try again.'),
  Aborted: () => l10n.t('This account needs an interactive step (two-factor code or similar): use interactive login, or create a bot password on Special:BotPasswords.'),
  sessionlost: () => l10n.t('The wiki lost the login session between requests (cookies blocked or session storage failing); try again, and if it repeats, ask the wiki admin about session storage.'),
  'login-throttled': () => l10n.t('Too many recent login attempts: wait, then try again.'),
  // clientlogin message codes
  wrongpassword: () => l10n.t('Check the user name and password.'),
  'login-userblocked': () => l10n.t('This account is blocked from logging in.'),
  'authmanager-authn-not-in-progress': () => l10n.t('The login was interrupted; start it again.'),
  'oathauth-login-failed': () => l10n.t('The two-factor code was wrong or already used; enter the current code.'),
  badurl_loginreturnurl: () => l10n.t('The wiki only accepts http(s) return addresses for interactive login.'),
  cancelled: () => '',
  'redirect-timeout': () => l10n.t('Finish the login in the browser sooner, or raise mediawiki.redirectTimeoutMinutes, and start the login again.'),
  RESTART: () => l10n.t('The external login worked, but no account of this wiki is linked to it. Log in another way (e.g. with the wiki account\'s user name and password), then link the external account: the wiki offers this right after that login if it supports linking at login, otherwise use Special:LinkAccounts. Without a wiki account, create one first.'),
  // API errors
  assertuserfailed: () => l10n.t('The session has expired: log in again.'),
  assertbotfailed: () => l10n.t('This account lacks the bot right needed here.'),
  notloggedin: () => l10n.t('Log in first.'),
  readapidenied: () => l10n.t('This wiki is private: log in to read it. If you were logged in, the session has expired: log in again.'),
  badtoken: () => l10n.t('The edit token was refused twice; log in again.'),
  mustbeposted: () => l10n.t('Internal error: this request must be a POST.'),
  blocked: () => l10n.t('The account is blocked from editing; see the block details on the wiki.'),
  autoblocked: () => l10n.t('Your IP address is blocked from editing; see the block details on the wiki.'),
  readonly: () => l10n.t('The wiki is in read-only mode (maintenance); try again later.'),
  maxlag: () => l10n.t('The wiki\'s database replicas are lagging; try again in a moment.'),
  ratelimited: () => l10n.t('You hit the wiki\'s rate limit; wait a little before repeating the action.'),
  permissiondenied: () => l10n.t('The account lacks the right for this action; for a bot password, check its grants on Special:BotPasswords.'),
  mwoauth_invalid_authorization: () => l10n.t('The OAuth authorization was rejected.'),
  // OAuth 2 (oauth2.ts)
  'mwoauth-invalid-authorization': () => l10n.t('The wiki refused the OAuth access token (expired, revoked or replaced): log in through the browser again.'),
  'oauth-login-again': () => l10n.t('Choose Log In and the OAuth 2.0 (browser) method; the wiki asks you to allow the access again.'),
  'oauth-revoked': () => l10n.t('If you revoked it on purpose, nothing is to be done. Otherwise log in through the browser again to authorise the client anew (Special:OAuthManageMyGrants lists what you have authorised).'),
  'oauth-cancelled': () => l10n.t('Log in again and choose Allow on the wiki\'s page if you want to authorise the access.'),
  'oauth-state-mismatch': () => l10n.t('Start the login again from VS Code and finish it in the browser tab it opens.'),
  'oauth-token-invalid': () => l10n.t('Check that the token belongs to this wiki and has not been reset; the owner of an owner-only consumer finds a new one on Special:OAuthConsumerRegistration/list.'),
  'oauth-token-malformed': () => l10n.t('Paste the access token shown when the owner-only consumer was registered.'),
  invalid_client: () => l10n.t('Check the client id (and secret) against Special:OAuthConsumerRegistration/list, and that the redirect URI is registered exactly as used.'),
  invalid_grant: () => l10n.t('The code was refused (PKCE check failed or already used): log in through the browser again.'),
  invalid_scope: () => l10n.t('Ask only for grants the client was registered with.'),
  'not-a-wiki': () => l10n.t('Paste the address of a page of the wiki, or of its api.php.'),
  'not-json': () => l10n.t('The address does not answer like a MediaWiki API; check that it is the wiki\'s api.php and that no login wall or proxy is in the way.'),
  'bad-url': () => l10n.t('Enter a full address such as https://en.wikipedia.org/wiki/Main_Page.'),
  'http-429': () => l10n.t('The wiki is rate limiting requests; wait and try again.'),
  'http-500': () => l10n.t('The wiki had an internal error; try again later.'),
  'http-502': () => l10n.t('A proxy in front of the wiki failed; try again later.'),
  'http-503': () => l10n.t('The wiki is unavailable; try again later.'),
  ECONNREFUSED: () => l10n.t('Check the address and that the wiki is running.'),
  ENOTFOUND: () => l10n.t('Check the host name and your network connection.'),
  ETIMEDOUT: () => l10n.t('The wiki did not answer in time; check your connection or raise the timeout.'),
  ECONNRESET: () => l10n.t('The connection was dropped; try again.'),
  'tls-error': () => l10n.t('Check the address. If the wiki uses a certificate from your organisation\'s own authority, add that authority to the system\'s trusted certificates (with http.systemCertificates on, the default) or name its file in NODE_EXTRA_CA_CERTS; only if you trust the network, set http.proxyStrictSSL to false to turn certificate checking off.'),
  'bad-encoding': () => l10n.t('The wiki or a proxy in front of it sent a damaged compressed answer; try again, and if it repeats, tell the wiki\'s admin.'),
  'body-too-large': () => l10n.t('The answer was too large to accept; ask for less at a time (smaller limits, fewer pages per request).'),
'proxy-auth': () => l10n.t('Set http.proxyAuthorization to the Proxy-Authorization header your proxy expects (e.g. "Basic " and the base64 of user:password), or put the credentials into the proxy address (http://user:password@host:port).'),
  'proxy-error': () => l10n.t('The proxy would not connect to the wiki: check http.proxy and http.noProxy, or ask your network admin whether the wiki can be reached through the proxy.'),
  'bad-proxy': () => l10n.t('Fix the proxy address in the http.proxy setting or the HTTPS_PROXY/HTTP_PROXY environment variables.'),
  'bad-cookies': () => l10n.t('Paste the Cookie header of a request to the wiki (from the browser\'s developer tools, Network tab), or its cookies as name=value pairs separated by semicolons.'),
  'session-cookies-invalid': () => l10n.t('The pasted cookies do not belong to a logged-in session of this wiki (wrong wiki, logged out, or expired): copy them again from a browser tab where you are logged in.'),
  'insecure-redirect': () => l10n.t('Nothing was sent over plain http. Use the wiki\'s https address; if the wiki only has http, paste its http address on purpose.'),
  'bad-redirect-target': () => l10n.t('Only web pages (http or https) are opened for a login; tell the wiki\'s admin about the identity provider\'s address.'),
  'offsite-redirect': () => l10n.t('Register the wiki by its final address.'),
  // the extension's own (src/vscode)
  'no-such-wiki': () => l10n.t('Add the wiki first (MediaWiki: Add Wiki…).'),
};

export function adviceFor(code: string): string {
  // Own properties only: the code may be the wiki's (`__proto__`, `toString`).
  if (Object.hasOwn(ADVICE, code)) return ADVICE[code]();
  if (code.startsWith('internal_api_error_DB')) return l10n.t('The wiki had a database error; try again later.');
  if (code.startsWith('http-5')) return l10n.t('The wiki or a proxy in front of it failed; try again later.');
  return '';
}
