import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, monitorApi } from './support/monitorApi';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('contributed commands', () => {
  it('registers every command its package.json contributes', async () => {
    await monitorApi();
    // The manifest is the authority: a command added there must be registered too.
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands ?? []) as ContributedCommand[];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c.command)).map((c) => c.command);
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('puts every command in the "Chat-Room Monitor" category', () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands ?? []) as ContributedCommand[];
    const other = contributed.filter((c) => c.category !== 'Chat-Room Monitor').map((c) => c.command);
    assert.deepStrictEqual(other, [], `commands outside the category: ${other.join(', ')}`);
  });
});
