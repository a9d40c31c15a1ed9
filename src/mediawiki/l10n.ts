// Core strings go through @vscode/l10n, VS Code's localisation library for code that cannot
// import `vscode`. The extension hands over its bundle at activation; in plain Node (tests,
// scripts) the English source strings are used.
import * as l10n from '@vscode/l10n';

export function useTranslations(bundle: Readonly<Record<string, string>> | undefined): void {
  l10n.config({ contents: { ...bundle } });
}
