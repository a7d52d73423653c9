import { createConnector } from '../../connectors/registry';
import type { Connector } from '../../connectors/contract';
import type { SystemsConfig } from '../../connectors/config';
import { dynamoSourceClient, s3Client } from './adapters/aws-clients';
import { findSystem } from './systems';

export type ConnectorFor = (systemId: string, anonymizationKey?: string) => Connector;

/**
 * Connectors for the configured systems, built with this function's SDK clients. Only erasure needs the
 * anonymisation key (for keyed-hash fields); locating gets none.
 */
export function connectorFactory(config: SystemsConfig): ConnectorFor {
  return (systemId, anonymizationKey = '') =>
    createConnector(findSystem(config, systemId), {
      dynamodb: dynamoSourceClient(),
      s3: s3Client(),
      anonymizationKey,
    });
}
