import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SystemConfig, SystemsConfig } from '../../connectors/config';

/** The shipped systems configuration (`infra/config/systems.json`), which the benchmark points at its own tables and buckets. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export function shippedSystems(): SystemsConfig {
  return SystemsConfig.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'infra/config/systems.json'), 'utf8')));
}

/** The shipped system `id` with `changes` applied, validated again like the operator's own configuration. */
export function shippedSystem<T extends SystemConfig['type']>(
  id: string,
  type: T,
  changes: Record<string, unknown>,
): Extract<SystemConfig, { type: T }> {
  const system = shippedSystems().systems.find((s) => s.id === id);
  if (system?.type !== type) throw new Error(`infra/config/systems.json has no ${type} system "${id}"`);
  const parsed = SystemConfig.parse({ ...system, ...changes });
  if (parsed.type !== type) throw new Error(`system "${id}" is no longer of type ${type}`);
  return parsed as Extract<SystemConfig, { type: T }>;
}
