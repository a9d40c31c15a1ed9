// A hostile wiki through the extension's own commands (real VS Code): it claims every https address
// as its own, and its REDIRECT points at other extensions' handlers and local files. The wiki is a
// loopback canned server started here, in the extension host (a real wiki does not lie on demand).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CannedServer } from '../../net/cannedServer';
import { rejects, state } from './helpers';

const general = { generator: 'MediaWiki 1.39.0', sitename: 'Claims [All](command:workbench.action.openSettings) Wiki', wikiid: 'claims', server: 'https:', articlepath: '//$1', lang: 'en', mainpage: 'Main Page' };

describe('a hostile wiki, through the commands', function () {
  this.timeout(60_000);
  let evil: CannedServer;
  let target = '';

  before(async () => {
    evil = await new CannedServer().start();
    evil.route = (hit) => {
      if (hit.params.get('meta') === 'siteinfo') return { json: { batchcomplete: true, query: { general } } };
      if (hit.params.get('meta')?.includes('authmanagerinfo')) {
        return { json: { batchcomplete: true, query: { tokens: { logintoken: 'tok+\\' }, authmanagerinfo: { requests: [{ id: 'Sso', required: 'primary-required', fields: { provider: { type: 'button', label: 'SSO' } } }] } } } };
      }
      if (hit.params.get('action') === 'clientlogin') return { json: { clientlogin: { status: 'REDIRECT', redirecttarget: target, requests: [] } } };
      return undefined;
    };
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: evil.url });
  });

  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: evil.url });
    await evil.stop();
  });

  it('its name is stored as words, and its claim on https://… does not make other wikis\' addresses its own', async () => {
    const site = (await state()).sites.find((s) => s.apiUrl === evil.url);
    assert.equal(site?.name, 'Claims All Wiki');
    assert.equal(site?.articlePath, 'https://$1', 'the claim as the wiki made it');
    // findSite behind the commands: another wiki's article URL is not this wiki's.
    const e = await rejects(vscode.commands.executeCommand('mediawiki.checkSession', { site: 'https://en.wikipedia.org/wiki/Main_Page' }));
    assert.match(e.message, /https:\/\/en\.wikipedia\.org\/wiki\/Main_Page is not a registered wiki/);
    // Its own api.php still is.
    const own = await rejects(vscode.commands.executeCommand('mediawiki.checkSession', { site: evil.url }));
    assert.match(own.message, /No account is logged in to Claims All Wiki/);
  });

  for (const t of ['vscode://other.extension/run?cmd=rm', 'file:///etc/passwd']) {
    it(`a REDIRECT to ${t.split(':')[0]}: is refused with bad-redirect-target; no return listener left`, async () => {
      target = t;
      evil.answer();
      const e = await rejects(vscode.commands.executeCommand('mediawiki.logIn', { site: evil.url, method: 'interactive', values: { provider: '1' }, silent: true }));
      assert.equal(e.code, 'bad-redirect-target', e.message);
      assert.match(e.message, /not a web page \(\w+\u200b?:\); nothing was opened\. \[bad-redirect-target\]/);
      assert.equal(evil.hits.filter((h) => h.params.get('action') === 'clientlogin').length, 1, 'nothing was sent after the REDIRECT');
      assert.deepEqual((await state()).returnListenerPorts, []);
      assert.equal((await state()).accounts.some((a) => a.site === evil.url), false);
    });
  }
});
