import { Sweep, type SweepReport } from '../../functions/sweep/sweep';
import { wiring } from '../../functions/core/wiring';
import { LiftRestriction } from '../../functions/lift-restriction/lift-restriction';
import { actingAs } from '../../functions/core/audit/actor';

/**
 * The sweeper in the twin's process: once at start with no patience (resume), then every `intervalMs` with the
 * cloud's defaults. Sweeps never overlap; stop() waits for one under way.
 */
export function localSweeper(downloadTtlSeconds: number, options: { intervalMs?: number; startAfterSeconds?: number }) {
  const make = (patient: boolean) =>
    new Sweep({
      requests: wiring.requests(),
      executions: wiring.executions(),
      downloadTtlSeconds,
      lifts: new LiftRestriction(wiring.requests(), wiring.connectors(), wiring.systems()),
      ...(patient ? { startAfterSeconds: options.startAfterSeconds } : { startAfterSeconds: 0, stuckAfterSeconds: 0 }),
    });
  let running: Promise<SweepReport> | undefined;
  const sweep = (patient = true): Promise<SweepReport> => {
    running ??= actingAs('sweeper', () => make(patient).execute()).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) =>
      process.stderr.write(`sweep failed: ${error instanceof Error ? error.name : 'error'}\n`),
    );
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    now: () => sweep(false),
    sweep: () => sweep(),
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
