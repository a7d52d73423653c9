import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildApp, STACK_IDS } from '../bin/app';
import { HANDLER_TAG } from '../constructs/function-specs';

/**
 * The bridge from the synthesized CloudFormation template to the local runner: the state machine the cloud runs,
 * as plain ASL JSON with placeholder ARNs, plus which handler module serves each Task state.
 * Deterministic: the same template always gives the same output.
 */

export type TaskIntegration = 'direct' | 'invoke' | 'waitForTaskToken';

export interface WorkflowTask {
  /** handler module, repository-relative (the function's `dsar:handler` tag) */
  handler: string;
  /** `direct`: Resource is the function ARN, input is the payload; `invoke`: lambda:invoke with Parameters.Payload;
   *  `waitForTaskToken`: lambda:invoke.waitForTaskToken, the state waits for SendTaskSuccess/Failure */
  integration: TaskIntegration;
}

export interface ExtractedWorkflow {
  definition: Record<string, unknown>;
  /** state name → task */
  tasks: Record<string, WorkflowTask>;
}

/** Values the pseudo parameters resolve to locally. */
export const LOCAL_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'local',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

export const placeholderFunctionArn = (logicalId: string) => `arn:aws:lambda:local:000000000000:function:${logicalId}`;
const PLACEHOLDER_ARN = /^arn:aws:lambda:local:000000000000:function:([A-Za-z0-9]+)$/;

/** Node's timers hold at most 2^31-1 ms; the local runner times every task with one. */
const MAX_LOCAL_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export class UnsupportedWorkflowError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UnsupportedWorkflowError';
  }
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
type Json = Record<string, unknown>;

/** Find the one state machine in `template`, resolve its definition and map each Task state to its handler. */
export function extractWorkflow(template: object): ExtractedWorkflow {
  const resources = ((template as { Resources?: Record<string, CfnResource> }).Resources ?? {}) as Record<
    string,
    CfnResource
  >;
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) {
    throw new UnsupportedWorkflowError(
      `expected exactly one AWS::StepFunctions::StateMachine, found ${machines.length}`,
    );
  }
  const [machineId, machine] = machines[0] as [string, CfnResource];
  const body = machine.Properties?.DefinitionString;
  if (body === undefined)
    throw new UnsupportedWorkflowError(`${machineId} has no DefinitionString (DefinitionS3Location is not supported)`);
  const definition = JSON.parse(resolveIntrinsic(body, resources)) as Json;

  if (definition.QueryLanguage === 'JSONata')
    throw new UnsupportedWorkflowError('the workflow uses JSONata; the local runner only runs JSONPath');
  if (definition.TimeoutSeconds !== undefined) {
    throw new UnsupportedWorkflowError(
      'the workflow sets a top-level TimeoutSeconds; the local runner cannot time days (set task timeouts instead)',
    );
  }
  const tasks: Record<string, WorkflowTask> = {};
  walkStates(definition, (name, state) => {
    if (state.Type === 'Task') tasks[name] = classifyTask(name, state, resources);
  });
  return { definition, tasks };
}

/** Resolve the intrinsic functions CDK emits in a DefinitionString into a plain string. */
function resolveIntrinsic(value: unknown, resources: Record<string, CfnResource>): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const [fn, ...rest] = Object.keys(value);
    const arg = (value as Json)[fn ?? ''];
    if (
      rest.length === 0 &&
      fn === 'Fn::Join' &&
      Array.isArray(arg) &&
      typeof arg[0] === 'string' &&
      Array.isArray(arg[1])
    ) {
      return (arg[1] as unknown[]).map((part) => resolveIntrinsic(part, resources)).join(arg[0]);
    }
    if (rest.length === 0 && fn === 'Ref' && typeof arg === 'string') {
      const pseudo = LOCAL_PSEUDO_PARAMETERS[arg];
      if (pseudo === undefined)
        throw new UnsupportedWorkflowError(`the definition references ${arg}; only pseudo parameters resolve locally`);
      return pseudo;
    }
    if (rest.length === 0 && fn === 'Fn::GetAtt') {
      const [logicalId, attribute] = Array.isArray(arg) ? (arg as unknown[]) : String(arg).split('.');
      if (attribute !== 'Arn' || typeof logicalId !== 'string') {
        throw new UnsupportedWorkflowError(`unsupported Fn::GetAtt ${JSON.stringify(arg)} in the definition`);
      }
      if (resources[logicalId]?.Type !== 'AWS::Lambda::Function') {
        throw new UnsupportedWorkflowError(`the definition references ${logicalId}, which is not a Lambda function`);
      }
      return placeholderFunctionArn(logicalId);
    }
  }
  throw new UnsupportedWorkflowError(`unsupported intrinsic in the definition: ${JSON.stringify(value)}`);
}

/** Visit every state, including those inside Map processors and Parallel branches; state names must be unique. */
function walkStates(machine: Json, visit: (name: string, state: Json) => void, seen = new Set<string>()): void {
  const states = (machine.States ?? {}) as Record<string, Json>;
  for (const [name, state] of Object.entries(states)) {
    if (seen.has(name)) throw new UnsupportedWorkflowError(`state name ${name} is used twice`);
    seen.add(name);
    rejectUnsupported(name, state);
    visit(name, state);
    if (state.Type === 'Map') {
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (!processor) throw new UnsupportedWorkflowError(`Map ${name} has no ItemProcessor`);
      walkStates(processor, visit, seen);
    }
    if (state.Type === 'Parallel') {
      for (const branch of (state.Branches ?? []) as Json[]) walkStates(branch, visit, seen);
    }
  }
}

function rejectUnsupported(name: string, state: Json): void {
  const fail = (what: string) => {
    throw new UnsupportedWorkflowError(
      `state ${name} uses ${what}, which the local runner (aws-local-stepfunctions) does not execute`,
    );
  };
  if (state.QueryLanguage === 'JSONata' || 'Arguments' in state || 'Output' in state) fail('JSONata');
  if ('Assign' in state) fail('Assign (variables)');
  if ('ItemReader' in state) fail('ItemReader');
  if ('ItemBatcher' in state || 'ResultWriter' in state) fail('a Distributed Map feature (ItemBatcher/ResultWriter)');
  const mode = ((state.ItemProcessor as Json | undefined)?.ProcessorConfig as Json | undefined)?.Mode;
  if (mode === 'DISTRIBUTED') fail('a Distributed Map');
  if (typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > MAX_LOCAL_TIMEOUT_SECONDS) {
    fail(`TimeoutSeconds ${state.TimeoutSeconds} (more than a Node timer holds, ${MAX_LOCAL_TIMEOUT_SECONDS})`);
  }
}

function classifyTask(name: string, state: Json, resources: Record<string, CfnResource>): WorkflowTask {
  const resource = String(state.Resource);
  let integration: TaskIntegration;
  let functionArn: unknown;
  if (PLACEHOLDER_ARN.test(resource)) {
    integration = 'direct';
    functionArn = resource;
  } else if (
    resource === 'arn:aws:states:::lambda:invoke' ||
    resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken'
  ) {
    integration = resource.endsWith('.waitForTaskToken') ? 'waitForTaskToken' : 'invoke';
    functionArn = (state.Parameters as Json | undefined)?.FunctionName;
  } else {
    throw new UnsupportedWorkflowError(`task ${name} calls ${resource}; only Lambda tasks run locally`);
  }
  const logicalId = typeof functionArn === 'string' ? PLACEHOLDER_ARN.exec(functionArn)?.[1] : undefined;
  if (!logicalId)
    throw new UnsupportedWorkflowError(
      `task ${name} names no function of this template (${JSON.stringify(functionArn)})`,
    );
  const tags = (resources[logicalId]?.Properties?.Tags ?? []) as { Key: string; Value: string }[];
  const handler = tags.find((t) => t.Key === HANDLER_TAG)?.Value;
  if (!handler) throw new UnsupportedWorkflowError(`function ${logicalId} (task ${name}) has no ${HANDLER_TAG} tag`);
  return { handler, integration };
}

/**
 * Synthesize the app in-process with bundling skipped and return the pipeline stack's template. Needs no esbuild
 * run, no handler files and no AWS credentials; `context` overrides the parameters (e.g. another systems config).
 */
export function synthTemplate(context: Record<string, unknown> = {}): object {
  const outdir = mkdtempSync(join(tmpdir(), 'dsar-synth-'));
  try {
    const app = buildApp({ context: { ...context, [cxapi.BUNDLING_STACKS]: [] }, outdir });
    return app.synth().getStackByName(STACK_IDS.pipeline).template as object;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
