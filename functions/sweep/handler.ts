import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { settings } from '../core/config';
import { SWEEP_METRICS } from '../core/env';
import { workflowTask } from '../core/task';
import { wiring } from '../core/wiring';
import { LiftRestriction } from '../lift-restriction/lift-restriction';
import { Sweep } from './sweep';

const env = settings('downloadTtlSeconds');
const sweep = new Sweep({
  requests: wiring.requests(),
  executions: wiring.executions(),
  downloadTtlSeconds: env.downloadTtlSeconds,
  lifts: new LiftRestriction(wiring.requests(), wiring.connectors(), wiring.systems()),
});

/**
 * CloudWatch metrics through the embedded metric format (log lines CloudWatch turns into metrics: no API call, no
 * grant). The stack alarms on StuckRequests and OverdueRequests.
 */
const metrics = new Metrics({ namespace: SWEEP_METRICS.namespace, serviceName: SWEEP_METRICS.service });

/** Invoked by EventBridge Scheduler (no input of interest) → SweepReport (counts only). */
export const handler = workflowTask(
  z.unknown(),
  async () => {
    const report = await sweep.execute();
    metrics.addMetric('StuckRequests', MetricUnit.Count, report.stuck);
    metrics.addMetric('OverdueRequests', MetricUnit.Count, report.overdue);
    metrics.addMetric('RequestsRecovered', MetricUnit.Count, report.started + report.restarted);
    metrics.publishStoredMetrics();
    return { ...report, recovered: report.recovered.length };
  },
  'sweeper',
);
