import { type ConnectedSystemConfig, DEFAULT_SYSTEM_CONCURRENCY } from '../../connectors/config';
import { SystemBusyError } from './domain/errors';
import { logger } from './logger';
import type { SystemLeases } from './ports';

/**
 * Run `work` against a source system while holding one of its concurrency slots (connectors/config.ts `concurrency`),
 * so all requests together put at most that many searches or erasures on it at once. Every slot taken: SystemBusyError
 * before anything touches the system (the workflow retries it with backoff). The slot is given back however `work`
 * ends; if giving it back fails, that is logged and not thrown: the work's own result or error is what the workflow
 * must see (re-running a whole scan for a lost delete would cost more), and the slot frees itself when its hold passes.
 */
export async function withSystemSlot<T>(
  leases: SystemLeases,
  system: ConnectedSystemConfig,
  work: () => Promise<T>,
): Promise<T> {
  const slots = system.concurrency ?? DEFAULT_SYSTEM_CONCURRENCY;
  const lease = await leases.acquire(system.id, slots);
  if (!lease) {
    logger.info('system busy', { systemId: system.id, slots });
    throw new SystemBusyError(system.id);
  }
  try {
    return await work();
  } finally {
    try {
      await leases.release(lease);
    } catch (error) {
      logger.warn('system slot not released; it frees itself when its hold passes', {
        systemId: system.id,
        slot: lease.slot,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
