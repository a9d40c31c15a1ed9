// The one place the OAuth login opens the browser. A test build may put a recorder here (testHooks.ts:
// the suite then plays the browser itself, following the URL as a person would); the shipped build
// never changes it.
import * as vscode from 'vscode';

export const browser = {
  open: (uri: vscode.Uri): Thenable<boolean> => vscode.env.openExternal(uri),
};
