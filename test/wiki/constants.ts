// What every test wiki is configured with: where MediaWiki and PHP are, the login throttle and
// captcha settings, the bot passwords' app id and grants. Tests assert against these.

/** Where MediaWiki is installed (Debian: /usr/share/mediawiki). */
export const MW_DIR = process.env.MWTEST_MW_DIR || '/usr/share/mediawiki';
export const PHP = process.env.MWTEST_PHP || 'php';

/** php -S workers (PHP_CLI_SERVER_WORKERS). See README: measured reliable with SQLite. */
export const DEFAULT_PHP_WORKERS = 4;

export const CAPTCHA = { question: 'What is the name of the test wiki software (one word, lower case)?', answer: 'mediawiki' };

/** Login throttle: this many login attempts per user and IP within THROTTLE_SECONDS. */
export const THROTTLE_COUNT = 5;
export const THROTTLE_SECONDS = 30;
/** ConfirmEdit: failed logins per user after which the next attempt needs the captcha. */
export const CAPTCHA_BAD_LOGINS = 2;
/** App id of the bot passwords. */
export const BOT_APP_ID = 'vscode';
export const BOT_GRANTS = ['basic', 'editpage', 'createeditmovepage', 'highvolume'];
/** Field of the TestRedirectAuth button request; `testidp=1` selects the REDIRECT login. */
export const REDIRECT_FIELD = 'testidp';
/**
 * `extraSettings` that enable MediaWiki's ConfirmLinkSecondaryAuthenticationProvider (off by default in 1.39,
 * "experimental", T134952). With it, a RESTART keeps the external identity (`testidp=sub:NAME`) and a login
 * with `loginpreservestate=1` offers to link it (UI step `confirmedLinkIDs`).
 */
export const CONFIRM_LINK_SETTINGS =
  "$wgAuthManagerAutoConfig['secondaryauth'][MediaWiki\\Auth\\ConfirmLinkSecondaryAuthenticationProvider::class] = " +
  "[ 'class' => MediaWiki\\Auth\\ConfirmLinkSecondaryAuthenticationProvider::class, 'sort' => 100 ];";
export const SITE_NAME = 'MWSessions Test Wiki';
