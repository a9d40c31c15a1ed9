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
export { refreshSystemCertificates, describeStore, type SystemStoreFacts } from './trustStore';
export { adviceFor } from './advice';
export { redactUrl, describeParams, scrub, isShownParam } from './redact';
export { userAgent } from './userAgent';
export { undici } from './lazy';
export { useTranslations } from './l10n';
export { neutralise } from './neutralise';
export { matchSite, untrustedArticleHost } from './siteMatch';
