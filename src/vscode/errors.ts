// Shows a failure: the message (which names the MediaWiki code and the next step) and, where it
// helps, a button for that next step. Core messages carry no secret; the text is scrubbed and
// neutralised again anyway (Log.clean), as wiki and identity-provider text may be in it.
import * as vscode from 'vscode';
import type { Log } from './log';

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'error';
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function showError(log: Log, context: string, e: unknown, actions: Record<string, () => unknown> = {}): Promise<void> {
  const code = errorCode(e);
  if (code === 'cancelled') {
    log.info(`${context}: cancelled`);
    return;
  }
  log.error(`${context}: ${errorText(e)}`);
  const labels = Object.keys(actions);
  const showLog = vscode.l10n.t('Show Log');
  const picked = await vscode.window.showErrorMessage(log.clean(`${context}: ${errorText(e)}`), ...labels, showLog);
  if (picked === showLog) log.show();
  else if (picked) await actions[picked]();
}
