import { describe, expect, it } from 'vitest';
import { extractWorkflow, placeholderFunctionArn } from '../../infra/local/asl';

/** A template with one tagged function and a state machine whose definition is `states` (plus `extra` top-level fields). */
function templateWith(states: Record<string, unknown>, extra: Record<string, unknown> = {}): object {
  const definition = JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
  const [head, tail] = definition.split('"FN_ARN"') as [string, string?];
  const parts: unknown[] =
    tail === undefined ? [definition] : [head, '"', { 'Fn::GetAtt': ['Fn1', 'Arn'] }, `"${tail}`];
  return {
    Resources: {
      Fn1: {
        Type: 'AWS::Lambda::Function',
        Properties: { Tags: [{ Key: 'dsar:handler', Value: 'functions/x/handler.ts' }] },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { DefinitionString: { 'Fn::Join': ['', parts] } },
      },
    },
  };
}

describe('Method: extractWorkflow', () => {
  it('resolves Fn::Join, pseudo parameters and function ARNs into plain JSON', () => {
    // Prepare
    const template = {
      Resources: {
        Fn1: {
          Type: 'AWS::Lambda::Function',
          Properties: { Tags: [{ Key: 'dsar:handler', Value: 'functions/x/handler.ts' }] },
        },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionString: {
              'Fn::Join': [
                '',
                [
                  '{"StartAt":"A","States":{"A":{"Type":"Task","End":true,"TimeoutSeconds":5,"Resource":"arn:',
                  { Ref: 'AWS::Partition' },
                  ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                  { 'Fn::GetAtt': ['Fn1', 'Arn'] },
                  '","Payload.$":"$"}}}}',
                ],
              ],
            },
          },
        },
      },
    };

    // Act
    const workflow = extractWorkflow(template);

    // Assess
    expect(workflow.tasks).toEqual({ A: { handler: 'functions/x/handler.ts', integration: 'invoke' } });
    expect(workflow.definition).toMatchObject({
      States: {
        A: { Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: placeholderFunctionArn('Fn1') } },
      },
    });
  });

  it('finds tasks inside Map processors and Parallel branches', () => {
    // Prepare
    const task = { Type: 'Task', Resource: 'FN_ARN', End: true, TimeoutSeconds: 5 };
    const template = templateWith({
      M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Inner', States: { Inner: task } } },
    });

    // Act
    const workflow = extractWorkflow(template);

    // Assess
    expect(workflow.tasks).toEqual({ Inner: { handler: 'functions/x/handler.ts', integration: 'direct' } });
  });

  it.each([
    ['JSONata', { A: { Type: 'Pass', End: true } }, { QueryLanguage: 'JSONata' }, /JSONata/],
    ['Assign', { A: { Type: 'Pass', End: true, Assign: { x: 1 } } }, {}, /Assign/],
    [
      'ItemReader',
      {
        A: {
          Type: 'Map',
          End: true,
          ItemReader: {},
          ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        },
      },
      {},
      /ItemReader/,
    ],
    [
      'a DynamoDB task',
      { A: { Type: 'Task', End: true, Resource: 'arn:aws:states:::dynamodb:putItem' } },
      {},
      /only Lambda tasks/,
    ],
    ['a top-level TimeoutSeconds', { A: { Type: 'Pass', End: true } }, { TimeoutSeconds: 86400 }, /TimeoutSeconds/],
    [
      'a task timeout past a Node timer',
      { A: { Type: 'Task', End: true, Resource: 'FN_ARN', TimeoutSeconds: 3_000_000 } },
      {},
      /Node timer/,
    ],
  ])('rejects %s with a clear error', (_what, states, extra, message) => {
    // Prepare
    const template = templateWith(states as Record<string, unknown>, extra);

    // Act & Assess
    expect(() => extractWorkflow(template)).toThrow(message);
  });

  it('rejects a template without exactly one state machine', () => {
    // Prepare
    const template = { Resources: {} };

    // Act & Assess
    expect(() => extractWorkflow(template)).toThrow(/exactly one AWS::StepFunctions::StateMachine/);
  });
});
