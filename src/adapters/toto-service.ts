// Toto's TotoService on Node: subclass it, override mainLoop (and prepare, finish), and call
// run(). Depending on the options, run() runs the service in the foreground (a master running
// prepare, processCount() service processes each running mainLoop with its serviceId, then
// finish), or as a daemon: --start (a detached master writing pidfiles), --stop, --restart.
//
//   class Ticker extends TotoService {
//     async mainLoop({ serviceId, signal }) { while (!signal.aborted) await tick(serviceId); }
//   }
//   process.exitCode = await new Ticker().run();
//
// Node has no fork(): each service process re-runs this program (the same script and arguments)
// and finds in its environment that it is process `serviceId`. So state set in prepare() does
// not reach the processes by itself: return it from prepare() (as JSON) and each mainLoop gets
// it as context.prepared. A service process ends when its mainLoop returns; SIGTERM aborts
// context.signal and gives it --drain-timeout to finish the work in hand.

import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OptionsError } from '../core/options-error.js';
import { Options, type OptionValuesInput } from '../core/options.js';
import { ServiceLifecycle } from '../core/toto-service-lifecycle.js';
import { daemonAction, defineServiceOptions, processCount, type DaemonAction, type ServiceOptionValues } from '../core/toto-service-options.js';
import { defaultLogPath, planStart, pidPath, refusalMessage, staleMessage, type PidIndex } from '../core/toto-service-pidfiles.js';
import { launchDaemon, stopDaemon } from './daemon.js';
import { loadOptionsFile, parseOptions } from './options-file.js';
import { PidfileSet } from './pidfile-set.js';
import { findPidfiles, removeStalePidfiles } from './pidfile.js';
import { reportFailed, reportReady } from './process-group-child.js';
import { runServiceChild, type ServiceContext } from './toto-service-child.js';
import { checkJson, startChildGroup, takeRole, type ServiceProcesses } from './toto-service-processes.js';

export type { ServiceContext } from './toto-service-child.js';
export type { ServiceProcesses } from './toto-service-processes.js';

type Writer = { write(text: string): unknown };

export interface TotoServiceInit<T extends object> {
  /** The service's own options, defined; TotoService adds its own (processes, daemon, pidfile, ...). */
  options?: Options<T>;
  /** Values given in code (Toto's keyword arguments): the lowest source. */
  values?: OptionValuesInput<T & ServiceOptionValues>;
  /** A config file read under the command line (Toto's conf_file); --config on the command line names another. */
  configFile?: string;
  /** The command line to parse. Default process.argv.slice(2). */
  argv?: readonly string[];
  /** How a service process or the daemon re-runs this program: script and arguments. Default process.argv.slice(1). */
  command?: readonly string[];
  /** The name in messages (Toto's class name). Default the subclass's name. */
  name?: string;
  /** What error lines start with (`toto worker: ...`). Default the name. */
  program?: string;
  stdout?: Writer;
  stderr?: Writer;
}

/** What a master passes to startProcesses. */
export interface MasterRun<V> {
  count: number;
  prepared: unknown;
  values: V;
  command: readonly string[];
  readyTimeoutMs: number;
  drainTimeoutMs: number;
}

/** The daemon --start waits this much beyond --start-timeout for the master's own steps. */
const LAUNCH_MARGIN_MS = 5_000;
/** How often the master brings the pidfiles in line with its processes (restarts change pids). */
const PIDFILE_SYNC_MS = 500;

export abstract class TotoService<T extends object = Record<never, never>> {
  readonly options: Options<T & ServiceOptionValues>;
  /** In a service process, its id (Toto's self.service_id); undefined in the master. */
  serviceId: number | undefined;
  /** True when mainLoop calls context.ready() itself (once it listens); else a process is ready as mainLoop starts. */
  protected readonly reportsReady: boolean = false;
  protected readonly stdout: Writer;
  protected readonly stderr: Writer;
  readonly name: string;
  private readonly init: TotoServiceInit<T>;
  private loaded: { values: Readonly<T & ServiceOptionValues>; positionals: string[]; help: boolean } | undefined;

  constructor(init: TotoServiceInit<T> = {}) {
    this.init = init;
    this.name = init.name ?? new.target.name;
    this.options = defineServiceOptions(init.options ?? (new Options({ usage: `${this.name} [OPTIONS]` }) as unknown as Options<T>)) as unknown as Options<T & ServiceOptionValues>;
    this.stdout = init.stdout ?? process.stdout;
    this.stderr = init.stderr ?? process.stderr;
  }

  /** Called once in the master before any process starts; what it returns (JSON) reaches each mainLoop as context.prepared. */
  prepare(): unknown {
    return undefined;
  }

  /** Runs in each service process; return once context.signal aborts (or when the work is done). */
  abstract mainLoop(context: ServiceContext<Readonly<T & ServiceOptionValues>>): unknown;

  /** Called once in the master after every process has exited. */
  finish(): unknown {
    return undefined;
  }

  /** The option values after every source; throws OptionsError on bad input (run() reports it and exits 2). */
  get values(): Readonly<T & ServiceOptionValues> {
    return this.load().values;
  }

  /** Arguments that are not options (a subclass that takes some reads them in checkArguments). */
  get positionals(): readonly string[] {
    return this.load().positionals;
  }

  /** Toto's process_count(): --processes, or the number of CPUs for -1. */
  processCount(): number {
    return processCount(this.values.processes, availableParallelism());
  }

  /** Toto's pid_path(i), absolute: `.i` before the pidfile's extension; 'master' for the master's. */
  pidPath(index: PidIndex): string {
    return pidPath(resolve(this.values.pidfile), index);
  }

  /** Runs the service as the options say; resolves to the exit code (see the top of this file). */
  async run(): Promise<number> {
    let action: DaemonAction | undefined;
    try {
      const checked = this.checkCommandLine();
      if (checked.help) {
        this.stdout.write(this.options.helpText());
        return 0;
      }
      action = checked.action;
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      this.stderr.write(`${this.init.program ?? this.name}: ${error.message}\n`);
      return error.exitCode;
    }
    const role = takeRole();
    try {
      const instead = role === undefined ? await this.runInstead() : undefined;
      if (instead !== undefined) return instead;
      if (role === 'child') process.exit(await this.runChild());
      if (role === 'master') return await this.runMaster(true);
      if (action === 'stop') return await this.stopDaemon();
      if (action === 'restart') {
        const stopped = await this.stopDaemon();
        return stopped === 0 ? await this.startDaemon() : stopped;
      }
      if (action === 'start') return await this.startDaemon();
      return await this.runMaster(false);
    } catch (error) {
      this.stderr.write(`${this.init.program ?? this.name}: ${this.values.debug ? ((error as Error)?.stack ?? String(error)) : ((error as Error)?.message ?? String(error))}\n`);
      return 1;
    }
  }

  /** What run() checks before it acts (nothing is started): throws OptionsError on bad input. */
  checkCommandLine(): { help: boolean; action: DaemonAction | undefined } {
    if (this.load().help) return { help: true, action: undefined };
    this.checkArguments(this.positionals);
    return { help: false, action: daemonAction(this.values) };
  }

  /** Checks the arguments that are not options; by default there must be none. Throw OptionsError to reject. */
  protected checkArguments(positionals: readonly string[]): void {
    if (positionals.length > 0) throw new OptionsError('BAD_VALUE', `unexpected argument ${JSON.stringify(positionals[0])} (${this.name} takes options only; --help lists them)`);
  }

  /**
   * For options that ask for something other than running the service (the worker command's
   * --command status): do it and return the exit code; undefined runs the service.
   */
  protected runInstead(): Promise<number | undefined> | number | undefined {
    return undefined;
  }

  /** The master's processes: by default processCount() children re-running this program, each running mainLoop. */
  protected startProcesses(run: MasterRun<Readonly<T & ServiceOptionValues>>): Promise<ServiceProcesses> {
    return startChildGroup(run);
  }

  private load(): { values: Readonly<T & ServiceOptionValues>; positionals: string[]; help: boolean } {
    if (this.loaded) return this.loaded;
    const { values, configFile, argv = process.argv.slice(2) } = this.init;
    if (values !== undefined) this.options.setValues(values);
    if (configFile !== undefined) loadOptionsFile(this.options, configFile);
    this.loaded = parseOptions(this.options, argv);
    return this.loaded;
  }

  private get command(): readonly string[] {
    return this.init.command ?? process.argv.slice(1);
  }

  private runChild(): Promise<number> {
    return runServiceChild({
      mainLoop: (context) => {
        this.serviceId = context.serviceId;
        return this.mainLoop(context);
      },
      values: this.values,
      reportsReady: this.reportsReady,
      drainTimeoutMs: this.values.drain_timeout,
      stderr: this.stderr,
      name: this.name,
    });
  }

  /** prepare, the processes, finish; with pidfiles (a daemon's master) it reports to the launcher. */
  private async runMaster(daemon: boolean): Promise<number> {
    const values = this.values;
    const lifecycle = new ServiceLifecycle();
    const pidfiles = daemon ? new PidfileSet(resolve(values.pidfile)) : undefined;
    let processes: ServiceProcesses | undefined;
    let reported = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (lifecycle.requestStop(signal) === 'stop-now') void processes?.stop(values.drain_timeout);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // A daemon's launcher waits on the IPC channel until ready; if it dies first (Ctrl-C on --start),
    // the start was abandoned: stop what is up rather than crash on the closed channel and leave pidfiles.
    const onLauncherGone = (): void => {
      this.stderr.write(`${this.name}: the --start that launched this daemon went away before the service had started; stopping\n`);
      if (lifecycle.requestStop('launcher gone') === 'stop-now') void processes?.stop(values.drain_timeout);
    };
    if (daemon) process.once('disconnect', onLauncherGone);
    let sync: NodeJS.Timeout | undefined;
    try {
      pidfiles?.writeMaster(process.pid);
      lifecycle.to('preparing');
      const prepared = checkJson(await this.prepare());
      lifecycle.to('starting');
      const count = this.processCount();
      processes = await this.startProcesses({ count, prepared, values, command: this.command, readyTimeoutMs: values.start_timeout, drainTimeoutMs: values.drain_timeout });
      const running = processes;
      if (pidfiles) {
        pidfiles.sync(running.children());
        sync = setInterval(() => pidfiles.syncQuietly(running.children(), (message) => this.stderr.write(`${this.name}: ${message}\n`)), PIDFILE_SYNC_MS);
      }
      this.stdout.write(`Starting ${count} ${this.name} process${count === 1 ? '' : 'es'}.\n`);
      if (running.info) this.stdout.write(`${JSON.stringify(running.info)}\n`);
      if (daemon && process.connected) {
        // The launcher disconnects once it has this report: that is no longer a reason to stop.
        process.off('disconnect', onLauncherGone);
        reportReady({ pid: process.pid, processes: running.children(), ...(running.info ? { info: running.info } : {}) });
        reported = true;
      }
      if (lifecycle.startedAndStopPending()) void running.stop(values.drain_timeout);
      const { failed } = await running.done;
      lifecycle.to('finishing');
      await this.finish();
      lifecycle.to('finished');
      for (const line of failed) this.stderr.write(`${this.name}: ${line}\n`);
      return failed.length === 0 ? 0 : 1;
    } catch (error) {
      if (daemon && !reported) {
        // The launcher kills what has not exited soon after this report: leave nothing behind first.
        pidfiles?.removeAll();
        await reportFailed(error);
      }
      if (['preparing', 'starting', 'finishing'].includes(lifecycle.phase)) lifecycle.to('failed');
      throw error;
    } finally {
      clearInterval(sync);
      pidfiles?.removeAll();
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('disconnect', onLauncherGone);
    }
  }

  private async startDaemon(): Promise<number> {
    const values = this.values;
    const dir = dirname(resolve(values.pidfile));
    if (!existsSync(dir)) throw new Error(`pidfile: ${values.pidfile}: no directory ${dir} (create it, or give --pidfile a path in an existing one)`);
    const plan = planStart(findPidfiles(resolve(values.pidfile)));
    if (!plan.start) {
      this.stderr.write(`${refusalMessage(this.name, plan.running)}\n`);
      return 1;
    }
    // What a racing start rewrote since is left: its master's exclusive pidfile then refuses ours.
    const removed = removeStalePidfiles(plan.stale);
    if (removed.length > 0) this.stdout.write(`${staleMessage(removed)}\n`);
    const logfile = resolve(values.logfile ?? defaultLogPath(values.pidfile));
    const { pid, info } = await launchDaemon({ command: this.command, logfile, startTimeoutMs: values.start_timeout + LAUNCH_MARGIN_MS });
    const children = (info as { processes?: { serviceId: number; pid: number }[] }).processes ?? [];
    const listed = children.map((c) => `${c.serviceId}: pid ${c.pid}`).join(', ');
    this.stdout.write(`Started ${this.name}: master pid ${pid} (${this.pidPath('master')}), ${children.length} process${children.length === 1 ? '' : 'es'}${listed ? ` (${listed})` : ''}; log ${logfile}\n`);
    const more = (info as { info?: unknown }).info;
    if (more !== undefined) this.stdout.write(`${JSON.stringify(more)}\n`);
    return 0;
  }

  private async stopDaemon(): Promise<number> {
    const values = this.values;
    const report = await stopDaemon({ pidfile: resolve(values.pidfile), drainTimeoutMs: values.drain_timeout, name: this.name, stdout: this.stdout });
    const any = report.stopped.length + report.killed.length + report.stale.length + report.survivors.length;
    if (any === 0) this.stdout.write(`${this.name} is not running (no pidfiles at ${this.pidPath('master')} or ${this.pidPath(0)})\n`);
    for (const file of report.survivors) this.stderr.write(`${this.name}: pid ${file.pid} (${file.path}) still running after SIGKILL\n`);
    return report.survivors.length === 0 ? 0 : 1;
  }
}
