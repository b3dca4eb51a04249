// --log prints a host's log lines as a person reads them: virtual time rounded to 0.01 ms, the
// host (with its incarnation after a restart), the level, the message and the other fields.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';
import { formatLogLine, logTraceLine } from '../../../src/sim/trace-log.js';

describe('formatLogLine', () => {
  it('shows virtual time, host, level, message and fields', () => {
    expect(formatLogLine('{"level":40,"time":592.666666,"host":"worker-1","incarnation":2,"msg":"send failed","attempt":2}')).toBe('   592.67ms worker-1#2 warn  send failed {"attempt":2}');
    expect(formatLogLine('{"level":30,"time":0,"host":"router","incarnation":1,"msg":"up"}')).toBe('     0.00ms router info  up');
    expect(formatLogLine('{"level":30,"time":1.5,"msg":"from the workload"}')).toBe('     1.50ms sim info  from the workload');
    expect(formatLogLine('not json')).toBe('not json');
    expect(logTraceLine('{"level":50,"time":3,"host":"a","msg":"x"}')).toBe('{"tMs":3,"kind":"log","host":"a","level":"error","msg":"x"}');
  });

  it('formats what a real run logs, in virtual-time order', async () => {
    const scenario = defineScenario({
      name: 'logs',
      hosts: {
        a: ({ logger, loop }) => {
          logger.info('started');
          loop.callLater(12.345, () => logger.warn({ attempt: 2 }, 'retrying'));
          return {};
        },
      },
      durationMs: 20,
      workload: async (ctx) => {
        await ctx.sleep(15);
      },
    });
    const logs: string[] = [];
    await runScenario(scenario, { seed: 1, logSink: (line) => logs.push(line) });
    expect(logs.map(formatLogLine)).toEqual(['     0.00ms a info  started', '    12.35ms a warn  retrying {"attempt":2}']);
  });
});
