// A sibling extension for the UI tests, installed into code-server beside MediaWiki Sessions as a
// separate extension (its own id, its own extension host API object), so VS Code treats it as any
// other extension: it has to ask for the user's consent. The test writes a request into
// $MWS_SIBLING_DIR/request.json and runs "MWS Sibling: Run Request"; the answer goes to
// $MWS_SIBLING_DIR/<id>.json. Only public APIs: vscode.authentication and getAPI(1).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MediaWikiSessionsApiV1, MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';

export interface SiblingRequest {
  id: string;
  op: 'edit' | 'read' | 'sites' | 'config';
  /** Any URL of the wiki. */
  site: string;
  /**
   * Which token: 'current' (default) asks VS Code for the session now, as an extension should
   * before it works (createIfNone: the consent dialog when it is not allowed yet); 'kept' is the
   * one it got last time (a sibling that keeps it); 'none' makes an anonymous client from the URL;
   * anything else is used as the token (a guess).
   */
  token?: string;
  createIfNone?: boolean;
  title?: string;
  text?: string;
  /** config: the new mediawiki.requestTimeoutSeconds (null: back to the default). */
  value?: number | null;
}

export interface SiblingResult {
  id: string;
  ok: boolean;
  /** Milliseconds the operation took. */
  ms: number;
  code?: string;
  message?: string;
  value?: unknown;
}

let api: MediaWikiSessionsApiV1 | undefined;
let kept: string | undefined;

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('mwsSibling.run', run));
}

async function run(): Promise<void> {
  const dir = process.env.MWS_SIBLING_DIR;
  if (!dir) throw new Error('MWS_SIBLING_DIR is not set');
  const req = JSON.parse(fs.readFileSync(path.join(dir, 'request.json'), 'utf8')) as SiblingRequest;
  const started = Date.now();
  let result: SiblingResult;
  try {
    result = { id: req.id, ok: true, ms: 0, value: await perform(req) };
  } catch (e) {
    const err = e as Error & { code?: string };
    result = { id: req.id, ok: false, ms: 0, code: err.code ?? err.name, message: err.message };
  }
  result.ms = Date.now() - started;
  fs.writeFileSync(path.join(dir, `${req.id}.json.tmp`), JSON.stringify(result));
  fs.renameSync(path.join(dir, `${req.id}.json.tmp`), path.join(dir, `${req.id}.json`));
}

async function perform(req: SiblingRequest): Promise<unknown> {
  api ??= (await vscode.extensions.getExtension<MediaWikiSessionsExtension>('wikisessions.mediawiki-sessions')!.activate()).getAPI(1);
  if (req.op === 'sites') return api.getSites();
  if (req.op === 'config') {
    // Test set-up: the user's setting, changed here because the runner cannot type into Settings quickly.
    const config = vscode.workspace.getConfiguration('mediawiki');
    if (req.value !== undefined) await config.update('requestTimeoutSeconds', req.value ?? undefined, vscode.ConfigurationTarget.Global);
    return vscode.workspace.getConfiguration('mediawiki').get('requestTimeoutSeconds');
  }
  let target: string;
  if (req.token === 'none') target = req.site;
  else if (req.token === 'kept') target = kept ?? '';
  else if (req.token === undefined || req.token === 'current') {
    const session = await vscode.authentication.getSession('mediawiki', [req.site], req.createIfNone ? { createIfNone: true } : { silent: true });
    if (!session) throw Object.assign(new Error('VS Code gave no session (not allowed, or no account)'), { code: 'nosession' });
    target = kept = session.accessToken;
  } else target = req.token;
  const client = await api.getClient(target);
  if (!client) throw Object.assign(new Error('no client'), { code: 'noclient' });
  if (req.op === 'read') return (await client.get({ action: 'query', meta: 'userinfo' })).query;
  const res = await client.postWithToken('csrf', { action: 'edit', title: req.title as string, text: req.text as string, summary: 'sibling extension test' });
  return { edit: res.edit, user: client.user };
}
