import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Wired up in src/vscode/.
}

export function deactivate(): void {}
