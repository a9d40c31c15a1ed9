// Settings under `mediawiki.*`. Nothing secret is ever read from or written to settings.
import * as vscode from 'vscode';
import { userAgent, type TransportOptions } from '../mediawiki';

export interface Settings {
  defaultLoginMethod: 'ask' | 'botpassword' | 'interactive';
  userAgentContact: string;
  requestTimeoutSeconds: number;
  warnOnInsecureHttp: boolean;
  rememberMe: boolean;
  redirectTimeoutMinutes: number;
  /** Wikis listed in settings (e.g. a team's wiki in workspace settings), offered before they are added. */
  sites: string[];
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('mediawiki');
  return {
    defaultLoginMethod: c.get<Settings['defaultLoginMethod']>('defaultLoginMethod', 'ask'),
    userAgentContact: c.get<string>('userAgentContact', ''),
    requestTimeoutSeconds: Math.max(1, c.get<number>('requestTimeoutSeconds', 30)),
    warnOnInsecureHttp: c.get<boolean>('warnOnInsecureHttp', true),
    rememberMe: c.get<boolean>('rememberMe', true),
    redirectTimeoutMinutes: Math.max(1, c.get<number>('redirectTimeoutMinutes', 5)),
    sites: c.get<string[]>('sites', []).filter((x) => typeof x === 'string' && x.trim() !== ''),
  };
}

export function transportOptions(trace: (line: string) => void): TransportOptions {
  const s = settings();
  return {
    userAgent: userAgent(s.userAgentContact || undefined, `VS Code ${vscode.version}`),
    timeoutMs: s.requestTimeoutSeconds * 1000,
    trace,
  };
}
