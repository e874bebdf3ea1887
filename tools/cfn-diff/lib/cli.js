'use strict';
/** Shared CLI plumbing: exit 0 = success, 1 = tool / usage error (message on stderr). */
const { UsageError } = require('./classify');

function runCli(usage, main) {
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(usage);
    return;
  }
  try {
    const code = main(argv);
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    const name = require('path').basename(process.argv[1]);
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n\n${usage}`);
    } else {
      process.stderr.write(`${name}: ${err && err.stack ? err.stack : err}\n`);
    }
    process.exitCode = 1;
  }
}

/** Writes JSON to stdout and lets the process end once it is flushed (pipes included). */
function printJson(value) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The arguments of a tool that takes `[--strict] FIRST SECOND`: { strict, args: [FIRST, SECOND] };
 * any other option or count is a usage error naming `names`.
 */
function strictAndTwo(argv, names) {
  const strict = argv.includes('--strict');
  const unknown = argv.filter(a => a.startsWith('--') && a !== '--strict');
  if (unknown.length) throw new UsageError(`unknown option ${unknown[0]}`);
  const args = argv.filter(a => a !== '--strict');
  if (args.length !== 2) throw new UsageError(`expected exactly two arguments: ${names}`);
  return { strict, args };
}

module.exports = { runCli, printJson, strictAndTwo };
