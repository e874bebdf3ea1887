'use strict';
// The command line: arguments and the walk over several stacks. bin/release.js wires it to the AWS
// SDK clients, the log file and signals.
const { EXIT } = require('./driver');

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
  --no-drift-check     skip CloudFormation drift detection after a finished release (it runs by default)
AWS_ENDPOINT_URL (e.g. a moto_server) is honoured by the AWS SDK.
exit: 0 done or nothing to do, 1 rolled back or refused, 2 usage, metadata or AWS error
(130/143 when interrupted: rerun to resume)`;

class UsageError extends Error {}

// parse(argv, env) -> { stacks, releaseId, region, log, status, dryRun, abort, pollSeconds, bakeSeconds, help }
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
    else if (k === '--no-drift-check') a.driftCheck = false;
    else if (k === '--help' || k === '-h') a.help = true;
    else throw new UsageError(`unknown argument ${k}`);
  }
  if (a.help) return a;
  if (!a.stacks.length) throw new UsageError('--stack NAME is required');
  if (a.releaseId && a.stacks.length > 1) throw new UsageError('--release ID picks the release of one stack: give one --stack');
  if ([a.status, a.dryRun, a.abort].filter(Boolean).length > 1) throw new UsageError('--status, --dry-run and --abort exclude each other');
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
