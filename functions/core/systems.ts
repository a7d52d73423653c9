import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type ConnectedSystemConfig, type SystemConfig, SystemsConfig } from '../../connectors/config';
import { ManualSystemError, SystemsConfigError, UnknownSystemError } from './errors';

/**
 * The operator's systems configuration: the one loader, used by the CDK app at synth (so a bad file fails `cdk synth`)
 * and by the functions at cold start (`DSAR_SYSTEMS_FILE`: bundled in the cloud, a path on disk locally). A bad file is
 * a SystemsConfigError naming the file and every problem in it, in words a person can act on.
 */
const cache = new Map<string, SystemsConfig>();

export function loadSystems(file: string): SystemsConfig {
  let config = cache.get(file);
  if (!config) {
    config = parseSystemsFile(file);
    cache.set(file, config);
  }
  return config;
}

/** Read and validate without caching (the CDK app reads each file once; tests read files they just wrote). */
export function parseSystemsFile(file: string): SystemsConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new SystemsConfigError(`Cannot read systems config ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = SystemsConfig.safeParse(json);
  if (!parsed.success)
    throw new SystemsConfigError(`Invalid systems config ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function findSystem(config: SystemsConfig, systemId: string): SystemConfig {
  const system = config.systems.find((s) => s.id === systemId);
  if (!system) throw new UnknownSystemError(systemId);
  return system;
}

/** A system reached through a connector; a manual one here is a planning error (ManualSystemError). */
export function findConnectedSystem(config: SystemsConfig, systemId: string): ConnectedSystemConfig {
  const system = findSystem(config, systemId);
  if (system.type === 'manual') throw new ManualSystemError(systemId);
  return system;
}
