// The pristine wiki: installed once per process (install.php, the fixed accounts, a warm English
// localisation cache), then copied for each startWiki().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADMIN_PASSWORD, userSpecs } from './accounts';
import { PHP, SITE_NAME } from './constants';
import { makeTempDir, removeOnExit, removeStaleTempDirs, run } from './processes';
import { DATA_DIR_TOKEN, renderSettings } from './settings';

export const TEMPLATE_DB = 'mwtemplate';
const TEMPLATE_SERVER = 'http://127.0.0.1:1';

export interface Template {
  dir: string;
  dataDir: string;
  /** Installer's LocalSettings with the data dir replaced by DATA_DIR_TOKEN. */
  installerSettings: string;
  /** Shared $wgCacheDirectory (localisation cache), warmed. */
  cacheDir: string;
  userIds: Record<string, number>;
}

/** test/wiki (php/, extensions/), from the compiled out/test/wiki or the sources. */
export function findAssetsDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '../../../test/wiki')];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'php', 'router.php'))) return c;
  }
  throw new Error(`test wiki assets (php/router.php) not found near ${__dirname}`);
}

let templatePromise: Promise<Template> | undefined;

export function getTemplate(): Promise<Template> {
  if (!templatePromise) {
    templatePromise = buildTemplate();
    templatePromise.catch(() => {
      templatePromise = undefined;
    });
  }
  return templatePromise;
}

async function buildTemplate(): Promise<Template> {
  removeStaleTempDirs();
  const assets = findAssetsDir();
  const dir = makeTempDir('mwtest-template-');
  removeOnExit(dir);
  const dataDir = path.join(dir, 'data');
  const confDir = path.join(dir, 'conf');
  const cacheDir = path.join(dir, 'cache');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(confDir);
  fs.mkdirSync(cacheDir);
  await run(PHP, [
    'maintenance/install.php',
    '--dbtype', 'sqlite',
    '--dbpath', dataDir,
    '--dbname', TEMPLATE_DB,
    '--server', TEMPLATE_SERVER,
    '--scriptpath', '/w',
    '--confpath', confDir,
    '--lang', 'en',
    '--pass', ADMIN_PASSWORD,
    '--extensions', 'OATHAuth,ConfirmEdit',
    SITE_NAME,
    'Admin',
  ]);
  const installed = fs.readFileSync(path.join(confDir, 'LocalSettings.php'), 'utf8');
  if (!installed.includes(dataDir)) throw new Error('installer LocalSettings does not mention the data dir');
  const installerSettings = installed.split(dataDir).join(DATA_DIR_TOKEN);
  const template: Template = { dir, dataDir, installerSettings, cacheDir, userIds: {} };

  const conf = path.join(confDir, 'LocalSettings.php');
  fs.writeFileSync(
    conf,
    renderSettings(installerSettings, {
      dataDir,
      dbName: TEMPLATE_DB,
      server: TEMPLATE_SERVER,
      cacheDir,
      logDir: path.join(dir, 'logs'),
      idpSecret: 'template',
      assets,
      extraSettings: '',
    }),
  );
  const specFile = path.join(dir, 'users.json');
  fs.writeFileSync(specFile, JSON.stringify({ blockPerformer: 'Admin', users: userSpecs() }));
  const setup = await run(PHP, [path.join(assets, 'php', 'setupFixture.php'), '--conf', conf, '--spec', specFile]);
  const m = /\{"users".*\}/.exec(setup.stdout);
  if (!m) throw new Error(`setupFixture.php printed no user ids:\n${setup.stdout}\n${setup.stderr}`);
  template.userIds = (JSON.parse(m[0]) as { users: Record<string, number> }).users;
  // Warm the shared localisation cache (English) so the first request of each wiki is fast.
  await run(PHP, ['maintenance/rebuildLocalisationCache.php', '--conf', conf, '--lang', 'en', '--threads', '1']);
  // Nothing from the setup run may leak into the wikis' object caches (keys contain the db name).
  await run(PHP, ['-r', `$p = new PDO('sqlite:' . $argv[1]); $p->exec('DELETE FROM objectcache');`, path.join(dataDir, 'wikicache.sqlite')]);
  if (process.env.MWTEST_SQLITE_WAL !== '0') {
    // WAL: readers and the writer do not block each other (php -S workers); persistent in the file.
    for (const f of [`${TEMPLATE_DB}.sqlite`, 'wikicache.sqlite']) {
      await run(PHP, ['-r', `$p = new PDO('sqlite:' . $argv[1]); $p->query('PRAGMA journal_mode=WAL');`, path.join(dataDir, f)]);
    }
  }
  return template;
}
