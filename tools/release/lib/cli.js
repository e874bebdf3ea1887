'use strict';
// The command line: arguments and the walk over several stacks. release.js wires it to the AWS
// SDK clients, the log file and signals.
const { EXIT } = require('./driver');
const { DEFAULT_QUALIFIER, QUALIFIER, ROLE_ARN } = require('./clients');

const USAGE = `usage: tools/release/run --stack NAME [--stack NAME ...] [options]
  --stack NAME         a deployed stack declaring a release (Metadata["Infra::Releases"]); several run
                       one after the other, stopping at the first that does not end done
  --release ID         the release to drive when the stack declares several (one --stack only)
  --region REGION      default: AWS_REGION (or AWS_DEFAULT_REGION)
  --log FILE           append one JSON event per line (start, step, poll, decision, rollback, done)
  --status             print where each release is; change nothing
  --dry-run            print the UpdateStack calls the release still needs; change nothing
  --abort              roll the release back now (every stack given)
  --poll-seconds N     override the release's pollSeconds (tests)
  --bake-seconds N     override the release's bakeSeconds (tests)
  --healthy-wait-seconds N
                       override the release's healthyWaitSeconds (tests)
  --no-drift-check     skip CloudFormation drift detection after a finished release (it runs by default)
  --cloudformation-role-arn ARN|auto
                       make the CloudFormation calls as this role (assumed with the caller's credentials;
                       CloudWatch and ELB keep the caller's); auto: the CDK deploy role of the caller's
                       account and the region, cdk-QUALIFIER-deploy-role-ACCOUNT-REGION.
                       Default: RELEASE_CLOUDFORMATION_ROLE_ARN, else the caller's credentials
  --qualifier Q        the CDK bootstrap qualifier of auto (default ${DEFAULT_QUALIFIER})
AWS_ENDPOINT_URL (e.g. a moto_server) is honoured by the AWS SDK.
exit: 0 done or nothing to do, 1 rolled back or refused, 2 usage, metadata or AWS error
(130/143 when interrupted: rerun to resume)`;

class UsageError extends Error {}

// parse(argv, env) -> { stacks, releaseId, region, log, status, dryRun, abort, pollSeconds, bakeSeconds,
// cloudFormationRoleArn, qualifier, help } (options not given are absent)
function parse(argv, env = process.env) {
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
    else if (k === '--healthy-wait-seconds') a.healthyWaitSeconds = seconds();
    else if (k === '--no-drift-check') a.driftCheck = false;
    else if (k === '--cloudformation-role-arn') a.cloudFormationRoleArn = next();
    else if (k === '--qualifier') a.qualifier = next();
    else if (k === '--help' || k === '-h') a.help = true;
    else throw new UsageError(`unknown argument ${k}`);
  }
  if (a.help) return a;
  if (!a.stacks.length) throw new UsageError('--stack NAME is required');
  if (a.releaseId && a.stacks.length > 1) throw new UsageError('--release ID picks the release of one stack: give one --stack');
  if ([a.status, a.dryRun, a.abort].filter(Boolean).length > 1) throw new UsageError('--status, --dry-run and --abort exclude each other');
  if (a.cloudFormationRoleArn === undefined && env.RELEASE_CLOUDFORMATION_ROLE_ARN) a.cloudFormationRoleArn = env.RELEASE_CLOUDFORMATION_ROLE_ARN;
  if (a.cloudFormationRoleArn !== undefined && a.cloudFormationRoleArn !== 'auto' && !ROLE_ARN.test(a.cloudFormationRoleArn)) {
    throw new UsageError(`--cloudformation-role-arn ${a.cloudFormationRoleArn}: an IAM role ARN (arn:aws:iam::111111111111:role/NAME) or auto is required`);
  }
  if (a.qualifier !== undefined) {
    if (!QUALIFIER.test(a.qualifier)) throw new UsageError(`--qualifier ${a.qualifier}: the CDK bootstrap qualifier, 1-10 letters, digits, '_' or '-' (default ${DEFAULT_QUALIFIER})`);
    if (a.cloudFormationRoleArn !== 'auto') throw new UsageError('--qualifier names the CDK deploy role of --cloudformation-role-arn auto: give both');
  }
  a.region = a.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!a.region) throw new UsageError('no region: give --region or set AWS_REGION');
  return a;
}

// Runs each stack's driver in order -> the worst exit code. A release run stops at the first stack that
// does not end done (a rolled-back web release must not be followed by its API's); status, dry run and
// abort go through every stack. runOne(stackName) -> exit code; an exception is reported by onError.
async function runStacks(a, runOne, onError) {
  const throughAll = a.status || a.dryRun || a.abort;
  let worst = EXIT.ok;
  for (const stackName of a.stacks) {
    let code;
    try {
      code = await runOne(stackName);
    } catch (e) {
      onError(stackName, e);
      code = EXIT.usage;
    }
    worst = Math.max(worst, code);
    if (code !== EXIT.ok && !throughAll) break;
  }
  return worst;
}

module.exports = { USAGE, UsageError, parse, runStacks };
