// A test wiki's LocalSettings.php: the installer's, with this wiki's server, database and data dir,
// followed by the fixture settings of php/LocalSettings.template.php.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAPTCHA, CAPTCHA_BAD_LOGINS, THROTTLE_COUNT, THROTTLE_SECONDS } from './constants';

/** Stands for the data dir in the installer's settings kept by the template (each wiki has its own). */
export const DATA_DIR_TOKEN = '__MWTEST_DATA_DIR__';

export interface SettingsParams {
  dataDir: string;
  dbName: string;
  server: string;
  cacheDir: string;
  logDir: string;
  idpSecret: string;
  /** test/wiki (php/, extensions/). */
  assets: string;
  extraSettings: string;
}

/** A PHP single-quoted string literal. */
export function phpString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function replaceLine(text: string, re: RegExp, line: string): string {
  if (!re.test(text)) throw new Error(`installer LocalSettings has no line matching ${re}`);
  return text.replace(re, () => line);
}

/** Fills {{name}} placeholders; a placeholder without a value is an error, not an empty string. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`LocalSettings template: no value for {{${name}}}`);
    return values[name];
  });
}

/** `installerSettings`: the installer's LocalSettings.php with the data dir replaced by DATA_DIR_TOKEN. */
export function renderSettings(installerSettings: string, p: SettingsParams): string {
  let s = installerSettings.split(DATA_DIR_TOKEN).join(p.dataDir);
  s = replaceLine(s, /^\$wgServer = .*$/m, `$wgServer = ${phpString(p.server)};`);
  s = replaceLine(s, /^\$wgDBname = .*$/m, `$wgDBname = ${phpString(p.dbName)};`);
  s = replaceLine(s, /^\$wgMainCacheType = .*$/m, '$wgMainCacheType = CACHE_DB;');
  const template = fs.readFileSync(path.join(p.assets, 'php', 'LocalSettings.template.php'), 'utf8');
  const fixture = fillTemplate(template, {
    cacheDir: phpString(p.cacheDir),
    dbErrorLog: phpString(path.join(p.logDir, 'dberror.log')),
    exceptionLog: phpString(path.join(p.logDir, 'exception.log')),
    errorLog: phpString(path.join(p.logDir, 'error.log')),
    fatalLog: phpString(path.join(p.logDir, 'fatal.log')),
    throttleCount: String(THROTTLE_COUNT),
    throttleSeconds: String(THROTTLE_SECONDS),
    captchaQuestion: phpString(CAPTCHA.question),
    captchaAnswer: phpString(CAPTCHA.answer),
    captchaBadLogins: String(CAPTCHA_BAD_LOGINS),
    redirectExtensionJson: phpString(path.join(p.assets, 'extensions', 'TestRedirectAuth', 'extension.json')),
    idpSecret: phpString(p.idpSecret),
    extraSettings: p.extraSettings,
  });
  return `${s}\n\n${fixture}`;
}
