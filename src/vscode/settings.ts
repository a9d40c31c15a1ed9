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
