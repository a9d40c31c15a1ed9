// Installs the fixture language pack the way "Extensions: Install from VSIX…" does, minus
// code-server's file dialog: the same workbench command, in the running server (the only one that
// registers a language pack in languagepacks.json). The dialog dropped typed paths and Enters
// under load (german.ui.ts, CI), and the file dialog is not what that test is about.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('mwsTest.installLanguagePack', async () => {
      const vsix = process.env.MWS_LANGUAGE_PACK_VSIX;
      if (!vsix) throw new Error('MWS_LANGUAGE_PACK_VSIX is not set');
      await vscode.commands.executeCommand('workbench.extensions.installExtension', vscode.Uri.file(vsix));
    }),
  );
}
