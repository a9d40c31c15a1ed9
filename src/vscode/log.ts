// The "MediaWiki Sessions" output channel. Request traces arrive already redacted by the core;
// as a last line of defence, any secret this window has handled is scrubbed again before writing,
// and before an error is shown (`clean`).
import * as vscode from 'vscode';
import { neutralise, scrub } from '../mediawiki';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('MediaWiki Sessions', { log: true });
  }

  /** Remember a secret so it can never be written or shown, even by mistake. Any length (a PIN too). */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  /** Text for a notification: the same scrubbing as the log, and no link from a wiki survives. */
  clean(text: string): string {
    return neutralise(scrub(text, this.secrets));
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
