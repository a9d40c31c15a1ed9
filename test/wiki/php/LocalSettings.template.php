# ---------------------------------------------------------------------------
# MediaWiki Sessions test fixture (test/wiki/php/LocalSettings.template.php)
#
# Appended to the installer's LocalSettings.php of every test wiki by test/wiki/settings.ts, which
# replaces each placeholder (a name in double braces) with a PHP literal (quoted strings, numbers);
# the last one with StartWikiOptions.extraSettings as it is. Not valid PHP until rendered.
$wgCacheDirectory = {{cacheDir}};
$wgDBerrorLog = {{dbErrorLog}};
$wgDebugLogGroups['exception'] = {{exceptionLog}};
$wgDebugLogGroups['error'] = {{errorLog}};
$wgDebugLogGroups['fatal'] = {{fatalLog}};
$wgShowExceptionDetails = true;
$wgShowDBErrorBacktrace = true;

$wgArticlePath = '/wiki/$1';
$wgUsePathInfo = true;

$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgParserCacheType = CACHE_DB;
$wgMessageCacheType = CACHE_DB;
$wgEnableBotPasswords = true;
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgEmailAuthentication = false;
$wgJobRunRate = 0;

# Edit rate limits high enough for bursts of test edits (1.39's default is 90/min per user and
# 8/min per IP, and bot-password sessions were measured to hit it despite noratelimit).
$wgRateLimits['edit'] = [ 'ip' => [ 1000, 60 ], 'newbie' => [ 1000, 60 ], 'user' => [ 1000, 60 ] ];

# Login throttle (per user and IP): {{throttleCount}} attempts per {{throttleSeconds}} s.
$wgPasswordAttemptThrottle = [ [ 'count' => {{throttleCount}}, 'seconds' => {{throttleSeconds}} ] ];

# ConfirmEdit: QuestyCaptcha after failed logins of the same user.
wfLoadExtension( 'ConfirmEdit/QuestyCaptcha' );
$wgCaptchaClass = 'QuestyCaptcha';
$wgCaptchaQuestions = [ {{captchaQuestion}} => {{captchaAnswer}} ];
$wgCaptchaTriggers['edit'] = false;
$wgCaptchaTriggers['create'] = false;
$wgCaptchaTriggers['addurl'] = false;
$wgCaptchaTriggers['sendemail'] = false;
$wgCaptchaTriggers['badlogin'] = false;
$wgCaptchaTriggers['badloginperuser'] = true;
$wgCaptchaBadLoginPerUserAttempts = {{captchaBadLogins}};

# OATHAuth is loaded by the installer (--extensions OATHAuth,ConfirmEdit).

# Test-only REDIRECT login provider (submit testidp=1 to clientlogin).
wfLoadExtension( 'TestRedirectAuth', {{redirectExtensionJson}} );
$wgTestRedirectAuthSecret = {{idpSecret}};
$wgTestRedirectAuthUser = 'Redirect';

# opts.extraSettings
{{extraSettings}}
