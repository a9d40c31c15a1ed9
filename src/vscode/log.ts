// The "MediaWiki Sessions" output channel. Request traces arrive already redacted by the core;
// as a last line of defence, any secret this window has handled is scrubbed again before writing.
import * as vscode from 'vscode';
import { scrub } from '../mediawiki';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('MediaWiki Sessions', { log: true });
  }

  /** Remember a secret so it can never be written, even by mistake. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  info(line: string): void {
    this.channel.info(scrub(line, this.secrets));
  }

  warn(line: string): void {
    this.channel.warn(scrub(line, this.secrets));
  }

  error(line: string): void {
    this.channel.error(scrub(line, this.secrets));
  }

  trace(line: string): void {
    this.channel.trace(scrub(line, this.secrets));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
