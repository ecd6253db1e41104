// The maintenance schedule and machine lists as the master validates them (docs/maintenance.md): each
// rule refused with a message naming the field or the machine; machines match on hostname
// (case-insensitive) and IP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineKey, machineOf, parseMachines, parseSchedule } from '../../runtime/master/maintenance';

const window = (machine_ids: unknown[], start = 1443830400000000000) => ({ machine_ids, unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 3600e9 } } });

test('the docs example schedule is accepted as is; an empty schedule cancels maintenance', () => {
  const schedule = {
    windows: [
      window([{ hostname: 'machine1', ip: '10.0.0.1' }, { hostname: 'machine2', ip: '10.0.0.2' }]),
      window([{ hostname: 'machine3', ip: '10.0.0.3' }], 1443834000000000000),
    ],
  };
  assert.deepEqual(parseSchedule(schedule, []), schedule);
  assert.deepEqual(parseSchedule({}, []), { windows: [] });
});

test('a schedule is refused: empty window, no unavailability, machine twice (hostnames ignore case), no hostname or IP, bad IP, negative time', () => {
  const refused = (schedule: unknown, message: RegExp) => assert.throws(() => parseSchedule(schedule, []), message);
  refused({ windows: [window([])] }, /'windows\[0\]\.machine_ids' must not be empty/);
  refused({ windows: [{ machine_ids: [{ hostname: 'a' }] }] }, /'windows\[0\]\.unavailability' must be an object/);
  refused({ windows: [window([{ hostname: 'A', ip: '10.0.0.1' }]), window([{ hostname: 'a', ip: '10.0.0.1' }])] }, /appears more than once/);
  refused({ windows: [window([{}])] }, /'windows\[0\]\.machine_ids\[0\]' needs a 'hostname' or an 'ip'/);
  refused({ windows: [window([{ ip: '10.0.0.300' }])] }, /'windows\[0\]\.machine_ids\[0\]\.ip' is not an IP address/);
  refused({ windows: [window([{ hostname: 'a' }], -1)] }, /'windows\[0\]\.unavailability\.start\.nanoseconds' must not be negative/);
});

test('a DOWN machine must stay in the schedule until it is brought up', () => {
  const down = [{ hostname: 'machine1', ip: '10.0.0.1' }];
  assert.throws(() => parseSchedule({ windows: [window([{ hostname: 'machine2', ip: '10.0.0.2' }])] }, down), /'machine1' \(10\.0\.0\.1\) is DOWN/);
  assert.doesNotThrow(() => parseSchedule({ windows: [window([{ hostname: 'MACHINE1', ip: '10.0.0.1' }])] }, down));
});

test('machine lists for /machine/down and /machine/up: a non-empty array of distinct machines', () => {
  assert.deepEqual(parseMachines([{ hostname: 'm', ip: '10.0.0.1' }]), [{ hostname: 'm', ip: '10.0.0.1' }]);
  assert.throws(() => parseMachines([]), /'machines' must not be empty/);
  assert.throws(() => parseMachines({ hostname: 'm' }), /'machines' must be an array/);
  assert.throws(() => parseMachines([{ ip: '10.0.0.1' }, { ip: '10.0.0.1' }]), /appears more than once/);
});

test("an agent's machine is the hostname it announces and its pid's IP", () => {
  assert.deepEqual(machineOf('node-1', 'slave(1)@192.168.1.5:5051'), { hostname: 'node-1', ip: '192.168.1.5' });
  assert.equal(machineKey({ hostname: 'Node-1', ip: '192.168.1.5' }), machineKey(machineOf('node-1', 'slave(1)@192.168.1.5:5051')));
  assert.notEqual(machineKey({ hostname: 'node-1' }), machineKey(machineOf('node-1', 'slave(1)@192.168.1.5:5051')), 'an omitted IP matches no agent');
});
