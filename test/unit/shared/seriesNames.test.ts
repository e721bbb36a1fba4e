import assert from 'node:assert/strict';
import { InstanceMetric, Metric, ServiceMetric } from '../../../src/core/model';
import { seriesDisplayName, SERIES_DISPLAY_NAMES } from '../../../src/shared/seriesNames';
import { Rig, compile } from '../alerts/helpers';

describe('series display names', () => {
  it('every built-in series (Metric, InstanceMetric, ServiceMetric) has a name a person reads, and no name is used twice', () => {
    const builtIn = [...Object.values(Metric), ...Object.values(InstanceMetric), ...Object.values(ServiceMetric)];
    const missing = builtIn.filter((name) => SERIES_DISPLAY_NAMES[name] === undefined);
    assert.deepEqual(missing, []);
    const names = Object.values(SERIES_DISPLAY_NAMES).map((name) => name());
    assert.equal(new Set(names).size, names.length);
  });

  it("a series of the server's own keeps its raw name", () => {
    assert.equal(seriesDisplayName('chat_messages_total'), 'chat_messages_total');
  });

  it("{{metric}} in a user's alert renders the built-in series' display name, and a server's own metric as written", () => {
    const rig = new Rig(
      compile([
        { id: 'cpu', metric: Metric.processCpuPercent, op: '>', threshold: 50, level: 'warning', title: '{{metric}} above {{threshold}}' },
        { id: 'own', metric: 'chat_rooms_open', op: '>', threshold: 5, level: 'warning', title: '{{metric}} above {{threshold}}' },
      ]),
    );
    const fired = rig.tick({ [Metric.processCpuPercent]: 80, chat_rooms_open: 9 });
    const titles = fired.map((t) => t.alert.title).sort();
    assert.deepEqual(titles, ['Server CPU (% of a core) above 50%', 'chat_rooms_open above 5']);
  });
});
