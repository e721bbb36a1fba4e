import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Commands } from '../../../src/shared/commandIds';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8'));

describe('command ids', () => {
  it('are exactly the commands package.json contributes', () => {
    const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(Object.values(Commands).sort(), contributed);
  });

  it('appear as strings only in commandIds.ts', () => {
    const root = path.resolve(__dirname, '../../../../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (p.endsWith('.ts') && !p.endsWith('commandIds.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          for (const id of Object.values(Commands)) {
            if (text.includes(`'${id}'`) || text.includes(`command:${id}`) || text.includes(`"${id}"`)) {
              offenders.push(`${path.relative(root, p)}: ${id}`);
            }
          }
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, []);
  });
});
