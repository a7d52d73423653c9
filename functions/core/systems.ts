import { readFileSync } from 'node:fs';
import { SystemsConfig, type SystemConfig } from '../../connectors/config';

/**
 * The operator's systems configuration, read from `DSAR_SYSTEMS_FILE` (bundled with the function in the
 * cloud, a path on disk locally) and validated once per cold start.
 */
const cache = new Map<string, SystemsConfig>();

export function loadSystems(file: string): SystemsConfig {
  let config = cache.get(file);
  if (!config) {
    config = SystemsConfig.parse(JSON.parse(readFileSync(file, 'utf8')));
    cache.set(file, config);
  }
  return config;
}

export class UnknownSystemError extends Error {
  public constructor(systemId: string) {
    super(`system ${systemId} is not in the systems configuration`);
    this.name = 'UnknownSystemError';
  }
}

export function findSystem(config: SystemsConfig, systemId: string): SystemConfig {
  const system = config.systems.find((s) => s.id === systemId);
  if (!system) throw new UnknownSystemError(systemId);
  return system;
}
