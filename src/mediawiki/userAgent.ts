// Wikimedia's User-Agent policy asks for a name, version and a way to reach the maintainers.
import { version } from '../../package.json';

export const PRODUCT_NAME = 'MediaWikiSessions';
export const PRODUCT_VERSION: string = version;
export const PRODUCT_URL = 'https://github.com/wikisessions/mediawiki-sessions';

export function userAgent(contact?: string, host = 'VS Code'): string {
  const extra = contact ? `; ${contact}` : '';
  return `${PRODUCT_NAME}/${PRODUCT_VERSION} (${PRODUCT_URL}${extra}) ${host} undici`;
}
