import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { testContext } from './env';

const EXTENSION_ID = 'wikisessions.mediawiki-sessions';

describe('smoke: extension host', () => {
  it('runs inside VS Code 1.99', () => {
    assert.match(vscode.version, /^1\.99\./);
  });

  it('has the extension under development, and it activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('gets env and context from the test runner', () => {
    // Set by run.ts on every run: proves the extension host inherits code-server's environment.
    assert.equal(process.env.MWS_VSCODE_TEST_PROBE, 'extension-host-env-ok');
    assert.equal(testContext<{ probe: string }>()?.probe, 'context-file-ok');
  });

});
