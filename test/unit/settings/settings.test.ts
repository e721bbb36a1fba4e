import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { README_TABLE_END, README_TABLE_START, restrictedSettings, settingsContribution, settingsReadmeTable } from '../../../src/core/settings/manifest';
import { changedSettings, keysOf, SETTING_KEYS, SETTINGS, validateSettings } from '../../../src/core/settings/settings';

const root = path.resolve(__dirname, '../../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const FIX = 'run `npm run settings:sync` after changing src/core/settings/settings.ts';

describe('settings drift: one declaration per setting', () => {
  it('package.json contributes exactly the declared settings', () => {
    assert.deepEqual(pkg.contributes.configuration.properties, settingsContribution(), FIX);
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, restrictedSettings(), FIX);
  });

  it('the README settings table is the declared one', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const start = readme.indexOf(README_TABLE_START);
    const end = readme.indexOf(README_TABLE_END);
    assert.ok(start >= 0 && end > start, 'README.md keeps the settings markers');
    assert.equal(readme.slice(start + README_TABLE_START.length, end).trim(), settingsReadmeTable(), FIX);
  });

  it('every default passes its own validation, without a sentence', () => {
    const raw = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default]));
    const { settings, problems } = validateSettings(raw);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, raw);
  });

  it('every setting belongs to a part, and every part has a reader', () => {
    const parts = new Set(SETTING_KEYS.map((k) => SETTINGS[k].part));
    assert.deepEqual([...parts].sort(), ['alerts', 'collection', 'history', 'logs', 'notifications', 'report', 'server', 'traces']);
    assert.ok(keysOf('alerts').includes('alerts.rules'));
  });
});

describe('validateSettings', () => {
  it('gives each wrong value one sentence naming the setting, and falls back or clamps', () => {
    const { settings, problems } = validateSettings({
      'target.pid': 0,
      sampleIntervalMs: 0,
      'alerts.minimumLevel': 'loud',
      'alerts.notifyResolved': 'yes',
      'target.name': 'x'.repeat(50),
      'alerts.rules': { id: 'a' },
    });
    const text = problems.map((p) => p.message);
    assert.deepEqual(
      problems.map((p) => p.key),
      ['target.pid', 'target.name', 'sampleIntervalMs', 'alerts.rules', 'alerts.minimumLevel', 'alerts.notifyResolved'],
      text.join('\n'),
    );
    assert.match(text[0]!, /^chatroomMonitor\.target\.pid: 0 is not a process id/);
    assert.match(text[2]!, /^chatroomMonitor\.sampleIntervalMs: 0 is outside 250–60000 ms; using 250 ms\.$/);
    assert.match(text[4]!, /^chatroomMonitor\.alerts\.minimumLevel: "loud" is not one of info, warning, error, critical; using "warning"\.$/);
    assert.equal(settings['target.pid'], null);
    assert.equal(settings.sampleIntervalMs, 250);
    assert.equal(settings['alerts.minimumLevel'], 'warning');
    assert.equal(settings['alerts.notifyResolved'], true);
    assert.equal(settings['target.name'], 'x'.repeat(40));
    assert.deepEqual(settings['alerts.rules'], []);
  });

  it('names settings the way the caller says (the CLI names its flags)', () => {
    const { problems } = validateSettings({ 'target.port': 70000 }, (k) => (k === 'target.port' ? '--port' : k));
    assert.match(problems[0]!.message, /^--port: 70000 is not a TCP port/);
  });

  it('lists the keys that changed, deeply', () => {
    assert.deepEqual(changedSettings({ 'alerts.rules': [{ id: 'a' }], sampleIntervalMs: 1000 }, { 'alerts.rules': [{ id: 'b' }], sampleIntervalMs: 1000 }), ['alerts.rules']);
    assert.deepEqual(changedSettings({ 'alerts.rules': [{ id: 'a' }] }, { 'alerts.rules': [{ id: 'a' }] }), []);
    assert.equal(changedSettings(undefined, {}).length, SETTING_KEYS.length);
  });
});
