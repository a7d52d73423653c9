#!/usr/bin/env node
// The `dsar` command (`npx dsar …` in this repository): registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';

// Node 20 is supported on purpose (see README); the SDK's notice about its future minimum is noise in a command's output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// a command prints its own result; the functions' INFO lines (an operator command runs their use cases) are noise here
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
register();
const { main } = await import('./dsar.ts');
process.exitCode = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  // colour only for a terminal that shows it, and never when NO_COLOR is set (https://no-color.org)
  colour: process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
});
