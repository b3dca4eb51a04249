// Proves every message a user of toto worker, router, invoke and events sees for bad input, in-process (nothing is started): unknown options, bad values, missing and extra arguments, bad addresses, bad JSON, a missing methods directory, a missing config file, conflicting daemon flags each exit 2 with the reason on stderr; --help on each prints its usage and exits 0; an unknown command (also before --help) exits 2 naming it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { eventsListenCommand, eventsSendCommand } from '../../../src/cli/events-command.js';
import { invokeCommand } from '../../../src/cli/invoke-command.js';
import { routerCommand } from '../../../src/cli/router-command.js';
import { main } from '../../../src/cli/toto.js';
import { pidSlots, workerCommand } from '../../../src/cli/worker-command.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-cli-commands-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

type Command = (argv: string[], io: { stdout: { write(t: string): unknown }; stderr: { write(t: string): unknown } }) => Promise<number>;

async function run(command: Command, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await command(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

const METHODS = 'test/fixtures/worker-methods';
const badConf = path.join(tmp, 'bad.conf');
writeFileSync(badConf, "worker_bind_address = 'tcp://127.0.0.1:*'\nprocesses = many\n");

describe('toto invoke: bad input', () => {
  it.each([
    [[], 'toto invoke: expected <address> <method> [json], missing <address>'],
    [['tcp://127.0.0.1:5555'], 'toto invoke: expected <address> <method> [json], missing <method>'],
    [['tcp://127.0.0.1:5555', 'a', '{}', 'extra'], 'toto invoke: unexpected argument "extra" (after <address> <method> <json>)'],
    [['localhost:5555', 'a'], 'toto invoke: address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "localhost:5555"'],
    [['tcp://127.0.0.1:5555,nope', 'a'], 'toto invoke: address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "nope"'],
    [['tcp://127.0.0.1:5555', ' '], 'toto invoke: method: expected a method name like "math.add", got " "'],
    [['tcp://127.0.0.1:5555', 'a', "{'a': 1}"], `toto invoke: json: expected JSON (like '{"a": 1}'), got "{'a': 1}": Expected property name or '}' in JSON at position 1`],
    [['tcp://127.0.0.1:5555', 'a', '--timeout=0'], 'toto invoke: command line: --timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h) >= 1ms, got "0"'],
    [['tcp://127.0.0.1:5555', 'a', '--retries=-1'], 'toto invoke: command line: --retries: expected an int in [0, 100], got "-1"'],
    [['tcp://127.0.0.1:5555', 'a', '--serialization=pickle'], 'toto invoke: command line: --serialization: expected one of "json", "msgpack", got "pickle"'],
    [['tcp://127.0.0.1:5555', 'a', '--tiemout=1'], 'toto invoke: command line: --tiemout: unknown option; did you mean --timeout? (--help lists the options)'],
    [['--config', path.join(tmp, 'missing.conf')], `toto invoke: ${path.join(tmp, 'missing.conf')}: cannot read the config file: no such file`],
  ])('%j', async (argv, message) => {
    const r = await run(invokeCommand, ...argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('no reply within --timeout says so and exits 1', async () => {
    const r = await run(invokeCommand, `ipc://${path.join(tmp, 'nobody.sock')}`, 'math.add', '--timeout=200ms');
    expect(r).toEqual({ code: 1, stdout: '', stderr: `toto invoke: no reply to math.add from ipc://${path.join(tmp, 'nobody.sock')} within 200 ms (is the service running at that address?)\n` });
  });
});

describe('toto events: bad input', () => {
  it.each(([
    [eventsSendCommand, [], 'toto events send: expected <address> <name> [json], missing <address>'],
    [eventsSendCommand, ['tcp://127.0.0.1:1'], 'toto events send: expected <address> <name> [json], missing <name>'],
    [eventsSendCommand, ['tcp://127.0.0.1:1', ''], 'toto events send: name: expected an event name, got ""'],
    [eventsSendCommand, ['tcp://127.0.0.1:1', 'n', 'nope'], `toto events send: json: expected JSON (like '{"a": 1}'), got "nope": Unexpected token 'o', "nope" is not valid JSON`],
    [eventsSendCommand, ['tcp://127.0.0.1:1', 'n', '--broadcast=maybe'], 'toto events send: command line: --broadcast: expected a bool (true/false, yes/no, on/off, 1/0), got "maybe"'],
    [eventsSendCommand, ['tcp://127.0.0.1:1', 'n', '--no-broadcast=yes'], 'toto events send: command line: --no-broadcast: takes no value (it sets broadcast to false), got "yes"'],
    [eventsSendCommand, ['udp://127.0.0.1:1', 'n'], 'toto events send: address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "udp://127.0.0.1:1"'],
    [eventsListenCommand, [], 'toto events listen: expected <address>, missing <address>'],
    [eventsListenCommand, ['tcp://127.0.0.1:*', 'more'], 'toto events listen: unexpected argument "more" (after <address>)'],
    [eventsListenCommand, ['tcp://127.0.0.1:*', '--compression=gzip'], 'toto events listen: command line: --compression: expected one of "none", "zlib", got "gzip"'],
  ] as [Command, string[], string][]).map(([command, argv, message]) => ({ command, argv, message })))('$message', async ({ command, argv, message }) => {
    const r = await run(command, ...argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('listen at an address it cannot bind says so and exits 1', async () => {
    const r = await run(eventsListenCommand, 'tcp://192.0.2.1:5');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^toto events listen: cannot listen at tcp:\/\/192\.0\.2\.1:5: /);
  });

  it('listen told to stop before it was listening ends at once (exit 0) instead of listening on', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
    const listening = eventsListenCommand(['tcp://127.0.0.1:*'], io, { stop: AbortSignal.abort() });
    const deadline = new Promise<string>((resolve) => setTimeout(() => resolve('still listening after 10 s'), 10_000).unref());
    expect(await Promise.race([listening, deadline])).toBe(0);
    expect(stderr).toMatch(/^listening at tcp:\/\/127\.0\.0\.1:\d+\n$/);
  });
});

describe('toto worker and toto router: bad input', () => {
  it.each(([
    [workerCommand, [], 'toto worker: expected the methods: toto worker <methods-dir> (or --method-module=PATH)'],
    [workerCommand, [path.join(tmp, 'none')], `toto worker: methods: no such file or directory: ${path.join(tmp, 'none')}`],
    [workerCommand, [METHODS, 'other'], 'toto worker: unexpected argument "other" (one methods directory or module)'],
    [workerCommand, [METHODS, '--processes=-3'], 'toto worker: command line: --processes: expected an int in [-1, 1024], got "-3"'],
    [workerCommand, [METHODS, '--worker-bind-address=5555'], 'toto worker: --worker-bind-address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "5555"'],
    [workerCommand, [METHODS, '--control-socket-address=tcp://a'], 'toto worker: --control-socket-address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "tcp://a"'],
    [workerCommand, [METHODS, '--startup-function=nope.ts'], 'toto worker: --startup-function: no such file: nope.ts'],
    [workerCommand, ['--command=restart'], 'toto worker: command line: --command: expected one of "status", "shutdown", got "restart"'],
    [workerCommand, [METHODS, '--start', '--restart'], 'toto worker: --start and --restart: give one of --start, --stop, --restart, --nodaemon'],
    [workerCommand, [METHODS, `--config=${badConf}`], `toto worker: ${badConf}:2: many is not a value: put text in quotes ('many'), or use a number, True, False, None or a [list]`],
    [workerCommand, [METHODS, '--bind=tcp://127.0.0.1:1'], 'toto worker: command line: --bind: unknown option (--help lists the options)'],
    [routerCommand, ['extra'], 'toto router: unexpected argument "extra" (toto router takes options only; --help lists them)'],
    [routerCommand, ['--worker-bind-address='], "toto router: --worker-bind-address: a router needs an address to bind, got ''"],
    [routerCommand, ['--worker-socket-address=/tmp/x'], 'toto router: --worker-socket-address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "/tmp/x"'],
  ] as [Command, string[], string][]).map(([command, argv, message]) => ({ command, argv, message })))('$message', async ({ command, argv, message }) => {
    const r = await run(command, ...argv);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('--command with no control socket, and --stop with no daemon running, say so', async () => {
    expect(await run(workerCommand, '--command=status', '--control-socket-address=')).toEqual({ code: 2, stdout: '', stderr: "toto worker: --command needs the service's control socket: give --control-socket-address\n" });
    const pidfile = path.join(tmp, 'w.pid');
    expect(await run(workerCommand, '--stop', `--pidfile=${pidfile}`)).toEqual({ code: 0, stdout: `toto worker is not running (no pidfiles at ${path.join(tmp, 'w.master.pid')} or ${path.join(tmp, 'w.0.pid')})\n`, stderr: '' });
  });
});

describe('--help and unknown commands', () => {
  it.each([
    [workerCommand, 'Usage: toto worker [OPTIONS] <methods-dir>\n'],
    [routerCommand, 'Usage: toto router [OPTIONS]\n'],
    [invokeCommand, 'Usage: toto invoke [OPTIONS] <address> <method> [json]\n'],
    [eventsSendCommand, 'Usage: toto events send [OPTIONS] <address> <name> [json]\n'],
    [eventsListenCommand, 'Usage: toto events listen [OPTIONS] <address>\n'],
  ] as [Command, string][])('%#: --help prints the usage and every option, exit 0', async (command, usage) => {
    const r = await run(command, '--help', '--not-an-option');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(usage)).toBe(true);
    expect(r.stdout).toContain('--config=PATH');
  });

  it.each([
    [['nosuch'], "error: unknown command 'nosuch' for toto (commands: sim, trace, worker, router, invoke, events; toto --help lists them)\n"],
    [['nosuch', '--help'], "error: unknown command 'nosuch' for toto (commands: sim, trace, worker, router, invoke, events; toto --help lists them)\n"],
    [['events', 'shout', '--help'], "error: unknown command 'shout' for toto events (commands: send, listen; toto events --help lists them)\n"],
    [['help', 'nosuch'], "error: unknown command 'nosuch' for toto (commands: sim, trace, worker, router, invoke, events; toto --help lists them)\n"],
  ])('%j exits 2 naming the command', async (argv, message) => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => ((stderr += String(t)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['node', 'toto', ...argv])).toBe(2);
    expect(stderr).toBe(message);
  });

  it('a command\'s arguments reach it untouched, -- included (toto invoke -- passes what follows as arguments)', async () => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => ((stderr += String(t)), true));
    expect(await main(['node', 'toto', 'invoke', '--', '--not-an-option', 'm'])).toBe(2);
    expect(stderr).toBe('toto invoke: address: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got "--not-an-option"\n');
  });
});

describe('toto worker daemon: pidfile numbers of the worker processes', () => {
  it('a pid keeps its service id while another worker restarts; the restarted one takes the id it left', () => {
    const slots = pidSlots();
    expect(slots([101, 102, 103])).toEqual([{ serviceId: 0, pid: 101 }, { serviceId: 1, pid: 102 }, { serviceId: 2, pid: 103 }]);
    // Worker 0 died and is restarting: the service lists the live ones only.
    expect(slots([102, 103])).toEqual([{ serviceId: 1, pid: 102 }, { serviceId: 2, pid: 103 }]);
    expect(slots([201, 102, 103])).toEqual([{ serviceId: 0, pid: 201 }, { serviceId: 1, pid: 102 }, { serviceId: 2, pid: 103 }]);
    // Two at once, back in worker order.
    expect(slots([102])).toEqual([{ serviceId: 1, pid: 102 }]);
    expect(slots([301, 102, 302])).toEqual([{ serviceId: 0, pid: 301 }, { serviceId: 1, pid: 102 }, { serviceId: 2, pid: 302 }]);
  });
});
