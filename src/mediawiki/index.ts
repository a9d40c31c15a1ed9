// The core: no `vscode` import anywhere under src/mediawiki.
export * from './client';
export * from './errors';
export * from './http';
export * from './retry';
export * from './botPassword';
export * from './clientLogin';
export * from './discovery';
export * from './session';
export * from './oauth2';
export * from './proxy';
export { adviceFor } from './advice';
export { redactUrl, describeParams, scrub, isShownParam } from './redact';
export { userAgent, PRODUCT_VERSION } from './userAgent';
export { undici, toughCookie } from './lazy';
export { useTranslations } from './l10n';
export { neutralise } from './neutralise';
export { matchSite, trustedArticlePath, untrustedArticleHost, type MatchableSite } from './siteMatch';
