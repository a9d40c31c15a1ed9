// Domains in a real VS Code (issue "The wikis people really use"): the third test wiki has a
// required `domain` field on its login form (test-only TestDomainAuth, like LDAP extensions).
// The scripted paths: main-account action=login with lgdomain, bot passwords, clientlogin.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AccountSummary } from '../../../src/vscode/commands';
import type { ServedRequest } from '../../wiki/types';
import { control, ctx, rejects, state } from './helpers';

const served = () => control<ServedRequest[]>('/requests', { wiki: 'domain' });

/**
 * A scripted login that must not ask anything: if the extension opens a picker instead (e.g. for
 * the domain), it is closed and the test fails with `what` instead of hanging.
 */
async function withoutAsking<T>(p: Thenable<T>, what: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      reject(new Error(`no answer after ${ms} ms: ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Domains (LDAP-style wiki, TestDomainAuth) in VS Code', function () {
  this.timeout(60_000);
  const d = () => ctx().domainWiki;
  const plain = () => ctx().users.plain;
  const rightDomain = () => d().userDomains[plain().name];
  const wrongDomain = () => d().domains.find((x) => x !== rightDomain()) as string;

  before(async () => {
    await control('/reset-throttles', { wiki: 'domain' });
    const site = await vscode.commands.executeCommand<{ apiUrl: string; name: string }>('mediawiki.addWiki', { url: d().articleUrl });
    assert.equal(site.apiUrl, d().apiUrl);
    assert.equal(site.name, d().siteName);
  });

  afterEach(async () => {
    for (const a of (await state()).accounts.filter((x) => x.site === d().apiUrl)) {
      await vscode.commands.executeCommand('mediawiki.logOut', { site: d().apiUrl, account: a.user });
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: d().apiUrl });
  });

  it('main account, action=login with args.domain: lgdomain is sent, the right domain logs in, the domain is kept with the account', async () => {
    assert.ok(rightDomain() && wrongDomain() && rightDomain() !== wrongDomain(), 'the context names two domains');
    await control('/clear-requests', { wiki: 'domain' });
    const account = await withoutAsking(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: d().apiUrl, method: 'botpassword', username: plain().name, password: plain().password, domain: rightDomain(), silent: true,
    }), 'login with a given domain');
    assert.equal(account.user, plain().name);
    const logins = (await served()).filter((r) => r.action === 'login');
    assert.ok(logins.length > 0 && logins.every((r) => r.paramNames.includes('lgdomain')), `lgdomain on every action=login: ${JSON.stringify(logins.map((r) => r.paramNames))}`);
    const rec = (await state()).accounts.find((a) => a.site === d().apiUrl && a.user === plain().name);
    assert.equal(rec?.domain, rightDomain(), 'the domain is stored with the account (not a secret)');

    // Logging in again without naming the domain: the remembered one is used, nothing is asked.
    await control('/clear-requests', { wiki: 'domain' });
    const again = await withoutAsking(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: d().apiUrl, method: 'botpassword', username: plain().name, password: plain().password, silent: true,
    }), 'the remembered domain was not used: the extension asked for one');
    assert.equal(again.user, plain().name);
    assert.ok((await served()).filter((r) => r.action === 'login').some((r) => r.paramNames.includes('lgdomain')), 'lgdomain sent again');
  });

  it('main account with the wrong domain: the wiki refuses with its reason; nothing is stored', async () => {
    const before = await state();
    const e = await rejects(withoutAsking(vscode.commands.executeCommand('mediawiki.logIn', {
      site: d().apiUrl, method: 'botpassword', username: plain().name, password: plain().password, domain: wrongDomain(), silent: true,
    }), 'login with a wrong domain'));
    assert.equal(e.code, 'testdomainauth-wrongdomain', e.message);
    assert.ok(!e.message.includes(plain().password), 'no password in the message');
    assert.deepEqual((await state()).accounts, before.accounts);
  });

  it('bot password with args.domain: lgdomain is passed along; the wiki ignores it for bot passwords', async () => {
    const bot = ctx().users.bot;
    await control('/clear-requests', { wiki: 'domain' });
    const account = await withoutAsking(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: d().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, domain: wrongDomain(), silent: true,
    }), 'bot-password login with a domain');
    assert.equal(account.user, bot.name);
    assert.ok((await served()).some((r) => r.action === 'login' && r.paramNames.includes('lgdomain')), 'lgdomain sent');
  });

  it('interactive (clientlogin) with args.domain fills the domain select; the domain is kept and used by a later main-account login', async () => {
    await control('/clear-requests', { wiki: 'domain' });
    const account = await withoutAsking(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: d().apiUrl, method: 'interactive', username: plain().name, password: plain().password, domain: rightDomain(), rememberMe: false, silent: true,
    }), 'clientlogin with a given domain');
    assert.equal(account.user, plain().name);
    assert.equal(account.method, 'interactive');
    const cl = (await served()).filter((r) => r.action === 'clientlogin');
    assert.ok(cl.some((r) => r.paramNames.includes('domain')), `domain sent to clientlogin: ${JSON.stringify(cl.map((r) => r.paramNames))}`);
    assert.equal((await state()).accounts.find((a) => a.user === plain().name && a.site === d().apiUrl)?.domain, rightDomain());
    const again = await withoutAsking(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: d().apiUrl, method: 'botpassword', username: plain().name, password: plain().password, silent: true,
    }), 'the domain of the clientlogin account was not remembered: the extension asked for one');
    assert.equal(again.user, plain().name);
  });
});
