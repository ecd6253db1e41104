// Mesos-style flags (runtime/common/flags.ts), durations (runtime/common/duration.ts), and the master's
// percentage and rate flag values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatDuration, parseDuration } from '../../runtime/common/duration';
import { FlagError, flagsHelp, parseFlags, type FlagSpecs } from '../../runtime/common/flags';
import { parsePercentage } from '../../runtime/master/daemon';
import { parseRate } from '../../runtime/master/rate-limiter';

const specs = {
  ip: { type: 'string', help: 'IP address to listen on', default: '127.0.0.1' },
  port: { type: 'int', help: 'Port to listen on', default: '5050' },
  work_dir: { type: 'string', help: 'Where to keep state' },
  quorum: { type: 'int', help: 'Registry quorum' },
  checkpoint: { type: 'bool', help: 'Checkpoint framework state' },
  hostname_lookup: { type: 'bool', help: 'Look up the hostname', default: 'true' },
  registration_timeout: { type: 'duration', help: 'How long to wait', default: '1mins' },
} satisfies FlagSpecs;

const noEnv: NodeJS.ProcessEnv = {};

function flagError(argv: string[], message: RegExp, env: NodeJS.ProcessEnv = noEnv): void {
  assert.throws(() => parseFlags(specs, argv, env), (e: unknown) => {
    assert.ok(e instanceof FlagError, `expected a FlagError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  }, argv.join(' '));
}

// --- flags ---------------------------------------------------------------------------------------

test('defaults apply when nothing is given; unset flags are undefined, unset bools false', () => {
  const { values, raw, positional } = parseFlags(specs, [], noEnv);
  assert.equal(values.ip, '127.0.0.1');
  assert.equal(values.port, 5050);
  assert.equal(values.work_dir, undefined);
  assert.equal(values.quorum, undefined);
  assert.equal(values.checkpoint, false);
  assert.equal(values.hostname_lookup, true);
  assert.equal(values.registration_timeout, 60_000);
  assert.deepEqual(raw, { ip: '127.0.0.1', port: '5050', hostname_lookup: 'true', registration_timeout: '1mins' });
  assert.deepEqual(positional, []);
});

test('--name=value sets string, int and duration flags', () => {
  const { values, raw } = parseFlags(specs, ['--ip=0.0.0.0', '--port=5051', '--work_dir=/var/lib/mesos', '--registration_timeout=10secs'], noEnv);
  assert.equal(values.ip, '0.0.0.0');
  assert.equal(values.port, 5051);
  assert.equal(values.work_dir, '/var/lib/mesos');
  assert.equal(values.registration_timeout, 10_000);
  assert.equal(raw.registration_timeout, '10secs', 'raw keeps the text for GET_FLAGS');
});

test('a value may itself contain "=" and ":"', () => {
  const { values } = parseFlags(specs, ['--work_dir=/tmp/a=b:c'], noEnv);
  assert.equal(values.work_dir, '/tmp/a=b:c');
});

test('booleans: --name, --no-name, --name=true|false', () => {
  assert.equal(parseFlags(specs, ['--checkpoint'], noEnv).values.checkpoint, true);
  assert.equal(parseFlags(specs, ['--checkpoint=true'], noEnv).values.checkpoint, true);
  assert.equal(parseFlags(specs, ['--checkpoint=false'], noEnv).values.checkpoint, false);
  assert.equal(parseFlags(specs, ['--no-hostname_lookup'], noEnv).values.hostname_lookup, false);
  assert.equal(parseFlags(specs, ['--checkpoint', '--no-checkpoint'], noEnv).values.checkpoint, false, 'the last one wins');
  flagError(['--checkpoint=yes'], /'--checkpoint' expects true or false, got 'yes'/);
});

test('non-flag arguments are returned as positional', () => {
  const { positional, values } = parseFlags(specs, ['master', '--port=1', 'extra'], noEnv);
  assert.deepEqual(positional, ['master', 'extra']);
  assert.equal(values.port, 1);
});

test('MESOS_<NAME> environment variables set flags', () => {
  const env = { MESOS_PORT: '6060', MESOS_WORK_DIR: '/srv/mesos', MESOS_CHECKPOINT: 'true', MESOS_REGISTRATION_TIMEOUT: '2mins', port: '1', PORT: '2' };
  const { values, raw } = parseFlags(specs, [], env);
  assert.equal(values.port, 6060);
  assert.equal(values.work_dir, '/srv/mesos');
  assert.equal(values.checkpoint, true);
  assert.equal(values.registration_timeout, 120_000);
  assert.equal(raw.port, '6060');
});

test('the command line wins over the environment', () => {
  const env = { MESOS_PORT: '6060', MESOS_CHECKPOINT: 'true', MESOS_IP: '10.0.0.1' };
  const { values } = parseFlags(specs, ['--port=7070', '--no-checkpoint'], env);
  assert.equal(values.port, 7070);
  assert.equal(values.checkpoint, false);
  assert.equal(values.ip, '10.0.0.1', 'flags not given on the command line still come from the environment');
});

test('unknown flags are errors naming the flag', () => {
  flagError(['--prot=5050'], /Unknown flag '--prot'/);
  flagError(['--verbose'], /Unknown flag '--verbose'/);
  flagError(['--no-port'], /Unknown flag '--no-port'/); // --no- only negates booleans
});

test('a non-boolean flag needs a value', () => {
  flagError(['--port'], /'--port' needs a value/);
  flagError(['--work_dir'], /'--work_dir' needs a value/);
});

test('int conversion errors name the flag and the text', () => {
  flagError(['--port=abc'], /Flag '--port' expects an integer, got 'abc'/);
  flagError(['--quorum=1.5'], /Flag '--quorum' expects an integer, got '1\.5'/);
  flagError([], /Flag '--port' expects an integer, got 'lots'/, { MESOS_PORT: 'lots' });
});

test('an empty or exponent-form value is not an integer (Mesos: "Failed to load flag")', () => {
  // Mesos parses --port= as the int "" (numify fails) and refuses to start; an empty MESOS_PORT likewise.
  flagError(['--port='], /'--port'/);
  flagError([], /'--port'/, { MESOS_PORT: '' });
  flagError(['--quorum=1e3'], /'--quorum'/);
});

test('duration conversion errors name the flag and the text', () => {
  flagError(['--registration_timeout=10'], /Flag '--registration_timeout': Invalid duration '10'/);
  flagError(['--registration_timeout=soon'], /'--registration_timeout'.*'soon'/);
  flagError([], /'--registration_timeout'/, { MESOS_REGISTRATION_TIMEOUT: '5 minutes' });
});

test('flagsHelp lists every flag with its help and default', () => {
  const help = flagsHelp(specs);
  assert.match(help, /--port=VALUE\n\s+Port to listen on \(default: 5050\)/);
  assert.match(help, /--checkpoint\n\s+Checkpoint framework state/);
  assert.doesNotMatch(help, /--checkpoint=VALUE/);
  for (const name of Object.keys(specs)) assert.ok(help.includes(`--${name}`), name);
});

// --- durations -----------------------------------------------------------------------------------

test('parseDuration reads every Mesos unit into milliseconds', () => {
  const cases: Array<[string, number]> = [
    ['500ms', 500],
    ['10secs', 10_000],
    ['2mins', 120_000],
    ['1.5hrs', 5_400_000],
    ['1days', 86_400_000],
    ['2weeks', 1_209_600_000],
    ['250us', 0.25],
    ['1000000ns', 1],
    ['0secs', 0],
    [' 15secs ', 15_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('parseDuration errors name the bad text', () => {
  for (const text of ['10', '10s', '10sec', 'secs', '-1secs', '1e3ms', '', 'ten secs', '1.secs', '10mins5secs']) {
    assert.throws(() => parseDuration(text), { message: new RegExp(`Invalid duration '${text.replace(/[.]/g, '\\.')}'`) }, JSON.stringify(text));
  }
});

test('formatDuration picks the largest whole unit', () => {
  assert.equal(formatDuration(500), '500ms');
  assert.equal(formatDuration(10_000), '10secs');
  assert.equal(formatDuration(120_000), '2mins');
  assert.equal(formatDuration(5_400_000), '90mins');
  assert.equal(formatDuration(86_400_000), '1days');
  assert.equal(formatDuration(1_500), '1500ms');
  for (const text of ['500ms', '10secs', '2mins', '3hrs', '2weeks']) assert.equal(formatDuration(parseDuration(text)), text);
});

test('ages show their largest whole unit, like kubectl', () => {
  assert.deepEqual([0, 999, 42_000, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000 * 3, -5_000].map(formatAge),
    ['0s', '0s', '42s', '1m', '59m', '1h', '23h', '3d', '0s']);
});

test('--recovery_agent_removal_limit is a percentage from 0% to 100%; anything else names the flag', () => {
  assert.equal(parsePercentage('recovery_agent_removal_limit', '100%'), 1);
  assert.equal(parsePercentage('recovery_agent_removal_limit', '12.5%'), 0.125);
  assert.equal(parsePercentage('recovery_agent_removal_limit', '0%'), 0);
  for (const bad of ['50', '101%', '-1%', 'x%', '%']) {
    assert.throws(() => parsePercentage('recovery_agent_removal_limit', bad), /Flag --recovery_agent_removal_limit: invalid value/, bad);
  }
});

test('--agent_removal_rate_limit reads "(number of agents)/(duration)"', () => {
  assert.deepEqual(parseRate('1/10mins'), { count: 1, perMs: 600_000 });
  assert.deepEqual(parseRate('2/3hrs'), { count: 2, perMs: 3 * 3_600_000 });
  for (const bad of ['10mins', '0/1secs', 'x/1secs', '1.5/1secs']) assert.throws(() => parseRate(bad), /Invalid rate/, bad);
  assert.throws(() => parseRate('1/soon'), /Invalid duration 'soon'/);
});
