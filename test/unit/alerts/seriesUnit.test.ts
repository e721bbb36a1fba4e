import assert from 'node:assert/strict';
import { seriesMeta } from '../../../src/core/model';
import { Rig, compile } from './helpers';

describe("an alert's unit follows the series' # UNIT", () => {
  it('a rule on a name without a unit suffix shows the values in the unit the server declared; a rule with its own unit keeps it', () => {
    const rig = new Rig(
      compile([
        { id: 'slow', metric: 'chat_delivery_latency', op: '>', threshold: 0.5, level: 'warning' },
        { id: 'slow-ms', metric: 'chat_delivery_latency', op: '>', threshold: 0.5, level: 'warning', unit: 'users' },
      ]),
    );
    rig.clock.tick(1000);
    rig.store.append(rig.clock.now(), [{ name: 'chat_delivery_latency', labels: {}, value: 1.5, meta: seriesMeta('gauge', 'seconds') }]);
    rig.engine.evaluate(rig.store);
    const byRule = new Map(rig.engine.active().map((a) => [a.ruleId, a]));
    assert.equal(byRule.get('slow')?.valueText, '1.5 s');
    assert.equal(byRule.get('slow')?.thresholdText, '500 ms');
    assert.equal(byRule.get('slow')?.unit, 's');
    assert.equal(byRule.get('slow-ms')?.valueText, '1.5 users');
  });
});
