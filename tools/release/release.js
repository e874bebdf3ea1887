#!/usr/bin/env node
// tools/release/run --stack NAME [--stack NAME ...] [options]: drives the release declared in each
// stack's Infra::Releases metadata (release-spec.md). --help for the options; README.md.
'use strict';
const fs = require('fs');
const { Driver, EXIT } = require('./lib/driver');
const { makeClients } = require('./lib/clients');
const { USAGE, UsageError, parse, runStacks } = require('./lib/cli');

async function main(argv) {
  let a;
  try { a = parse(argv); } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`release: ${e.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (a.help) { console.log(USAGE); return EXIT.ok; }
  // Appended line by line, synchronously: a driver killed mid-step leaves every event before it.
  const log = a.log ? (event) => fs.appendFileSync(a.log, `${JSON.stringify(event)}\n`) : () => {};
  let clients;
  try {
    let roleArn;
    ({ clients, cloudFormationRoleArn: roleArn } = await makeClients({ region: a.region, cloudFormationRoleArn: a.cloudFormationRoleArn, qualifier: a.qualifier }));
    if (roleArn) console.log(`release: CloudFormation calls as ${roleArn}; CloudWatch and Elastic Load Balancing reads as the caller`);
  } catch (e) { // --cloudformation-role-arn auto: GetCallerIdentity failed (no credentials, no network)
    console.error(`release: --cloudformation-role-arn ${a.cloudFormationRoleArn}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    log({ time: new Date().toISOString(), event: 'done', stack: a.stacks[0], result: 'error', reason: e.message });
    return EXIT.usage;
  }
  const options = { releaseId: a.releaseId, pollSeconds: a.pollSeconds, bakeSeconds: a.bakeSeconds, healthyWaitSeconds: a.healthyWaitSeconds, driftCheck: a.driftCheck };
  // Interrupted (Ctrl-C, a CI job cancelled): the parameters are the state, so say how to go on.
  let current;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log({ time: new Date().toISOString(), event: 'done', stack: current, result: 'interrupted', signal });
      console.error(`release: ${signal}: stopped; the release stays where it is: rerun to resume, or --abort to roll back`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  return runStacks(a, (stackName) => {
    current = stackName;
    return new Driver({ stackName, clients, log, options }).run({ abort: a.abort, status: a.status, dryRun: a.dryRun });
  }, (stackName, e) => {
    console.error(`release: stack ${stackName}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    log({ time: new Date().toISOString(), event: 'done', stack: stackName, result: 'error', reason: e.message });
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => { console.error(`release: ${e.stack || e.message}`); process.exit(EXIT.usage); });
