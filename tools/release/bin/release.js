#!/usr/bin/env node
// tools/release/run --stack NAME [--stack NAME ...] [options]: drives the release declared in each
// stack's Infra::Releases metadata (release-spec.md). --help for the options; README.md.
'use strict';
const fs = require('fs');
const { CloudFormationClient } = require('@aws-sdk/client-cloudformation');
const { CloudWatchClient } = require('@aws-sdk/client-cloudwatch');
const { ElasticLoadBalancingV2Client } = require('@aws-sdk/client-elastic-load-balancing-v2');
const { Driver, EXIT } = require('../lib/driver');

const USAGE = `usage: tools/release/run --stack NAME [--stack NAME ...] [options]
  --stack NAME         a deployed stack declaring a release (Metadata["Infra::Releases"]); several run
                       one after the other, stopping at the first that does not end done
  --release ID         the release to drive when the stack declares several (one --stack only)
  --region REGION      default: AWS_REGION (or AWS_DEFAULT_REGION)
  --log FILE           append one JSON event per line (start, step, poll, decision, rollback, done)
  --status             print where each release is; change nothing
  --dry-run            print the UpdateStack calls the release still needs; change nothing
  --abort              roll the release back now
  --poll-seconds N     override the release's pollSeconds (tests)
  --bake-seconds N     override the release's bakeSeconds (tests)
AWS_ENDPOINT_URL (e.g. a moto_server) is honoured by the AWS SDK.
exit: 0 done or nothing to do, 1 rolled back or refused, 2 usage, metadata or AWS error
(130/143 when interrupted: rerun to resume)`;

class UsageError extends Error {}

function parse(argv) {
  const a = { stacks: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => { if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${k} needs a value`); return argv[++i]; };
    const seconds = () => {
      const v = next(); const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`${k} ${v}: a number of seconds >= 0 is required`);
      return n;
    };
    if (k === '--stack') a.stacks.push(next());
    else if (k === '--release') a.releaseId = next();
    else if (k === '--region') a.region = next();
    else if (k === '--log') a.log = next();
    else if (k === '--status') a.status = true;
    else if (k === '--dry-run') a.dryRun = true;
    else if (k === '--abort') a.abort = true;
    else if (k === '--poll-seconds') { a.pollSeconds = seconds(); if (a.pollSeconds === 0) throw new UsageError('--poll-seconds must be > 0'); }
    else if (k === '--bake-seconds') a.bakeSeconds = seconds();
    else if (k === '--help' || k === '-h') a.help = true;
    else throw new UsageError(`unknown argument ${k}`);
  }
  if (a.help) return a;
  if (!a.stacks.length) throw new UsageError('--stack NAME is required');
  if (a.releaseId && a.stacks.length > 1) throw new UsageError('--release ID picks the release of one stack: give one --stack');
  if ([a.status, a.dryRun, a.abort].filter(Boolean).length > 1) throw new UsageError('--status, --dry-run and --abort exclude each other');
  a.region = a.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!a.region) throw new UsageError('no region: give --region or set AWS_REGION');
  return a;
}

async function main(argv) {
  let a;
  try { a = parse(argv); } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`release: ${e.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (a.help) { console.log(USAGE); return EXIT.ok; }
  const config = { region: a.region };
  const clients = {
    cfn: new CloudFormationClient(config), cw: new CloudWatchClient(config), elb: new ElasticLoadBalancingV2Client(config),
  };
  // Appended line by line, synchronously: a driver killed mid-step leaves every event before it.
  const log = a.log ? (event) => fs.appendFileSync(a.log, `${JSON.stringify(event)}\n`) : () => {};
  const options = { releaseId: a.releaseId, pollSeconds: a.pollSeconds, bakeSeconds: a.bakeSeconds };
  // Interrupted (Ctrl-C, a CI job cancelled): the parameters are the state, so say how to go on.
  let current;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log({ time: new Date().toISOString(), event: 'done', stack: current, result: 'interrupted', signal });
      console.error(`release: ${signal}: stopped; the release stays where it is: rerun to resume, or --abort to roll back`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  const readOnly = a.status || a.dryRun;
  let worst = EXIT.ok;
  for (const stackName of a.stacks) {
    current = stackName;
    const driver = new Driver({ stackName, clients, log, options });
    let code;
    try {
      code = await driver.run({ abort: a.abort, status: a.status, dryRun: a.dryRun });
    } catch (e) {
      console.error(`release: stack ${stackName}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
      log({ time: new Date().toISOString(), event: 'done', stack: stackName, result: 'error', reason: e.message });
      code = EXIT.usage;
    }
    worst = Math.max(worst, code);
    if (code !== EXIT.ok && !readOnly) break;
  }
  return worst;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(`release: ${e.stack || e.message}`); process.exit(EXIT.usage); });
