'use strict';
// tools/validate/run [CDK_OUT_DIR] [options]: see usage() and docs/validation.md.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');
const { discoverTemplates } = require('./discover');
const { loadAcks, applyAcks, VALIDATORS } = require('./acks');
const { consoleReport, markdownReport, summarize } = require('./report');
const { toPosix } = require('./util');

const TOOL_DIR = path.resolve(__dirname, '..');
// Longest first, so that two jobs finish close together on a 2-core machine.
const ORDER = ['cdk-nag', 'cfn-validate', 'cfn-lint', 'cfn-guard', 'secretlint'];

function usage() {
  return `usage: tools/validate/run [CDK_OUT_DIR] [options]

Validates every *.template.json under CDK_OUT_DIR (default: cdk.out) with
${VALIDATORS.join(', ')}; exits 1 on any unacknowledged blocking finding.

options:
  --repo                 also run secretlint over every file git tracks in the repository
  --repo-root DIR        the repository for --repo (default: the one holding tools/validate)
  --acks FILE            acknowledgements file (default: tools/validate/acknowledgements.json)
  --report FILE          also write the report as Markdown to FILE
  --json FILE            also write every finding as JSON to FILE
  --only a,b             run only these validators
  --skip a,b             run all validators but these
  --jobs N               validators run in parallel (default: number of CPUs, at most 5)
  --show-acknowledged    list acknowledged findings too
  --strict-stale         stale or expired acknowledgements fail the run too
  -h, --help             this text

exit status: 0 no blocking finding; 1 blocking findings (or stale ones with --strict-stale);
2 the run itself failed (no templates, bad acknowledgements file, a validator crashed).`;
}

function parseArgs(argv) {
  const o = { cdkOut: 'cdk.out', only: null, skip: [], repo: false, jobs: Math.min(os.cpus().length || 1, 5) };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  let positional = 0;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => {
      if (val !== undefined) return val;
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '-h': case '--help': o.help = true; break;
      case '--repo': o.repo = true; break;
      case '--repo-root': o.repoRoot = next(); o.repo = true; break;
      case '--acks': o.acks = next(); break;
      case '--report': o.report = next(); break;
      case '--json': o.json = next(); break;
      case '--only': o.only = list(next()); break;
      case '--skip': o.skip = list(next()); break;
      case '--jobs': o.jobs = Math.max(1, parseInt(next(), 10) || 1); break;
      case '--show-acknowledged': o.showAcknowledged = true; break;
      case '--strict-stale': o.strictStale = true; break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
        if (positional++ > 0) throw new Error(`unexpected argument ${a}`);
        o.cdkOut = a;
    }
  }
  for (const v of [...(o.only || []), ...o.skip]) {
    if (!VALIDATORS.includes(v)) throw new Error(`unknown validator "${v}" (known: ${VALIDATORS.join(', ')})`);
  }
  return o;
}

function runWorker(name, ctxFile, tmp) {
  return new Promise((resolve) => {
    const outFile = path.join(tmp, `${name}.result.json`);
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(__dirname, 'worker.js'), name, ctxFile, outFile], {
      cwd: TOOL_DIR, stdio: ['ignore', 'ignore', 'pipe'],
    });
    const err = [];
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code) => {
      let r;
      try { r = JSON.parse(fs.readFileSync(outFile, 'utf8')); } catch {
        r = { ok: false, error: `worker exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}` };
      }
      r.ms = Date.now() - started; // wall clock including process start
      if (!r.findings) r.findings = [];
      resolve(r);
    });
  });
}

async function pool(names, jobs, fn) {
  const results = {};
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const n = names[next++];
      results[n] = await fn(n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, names.length) }, lane));
  return results;
}

function repoFiles(root) {
  const top = execFileSync('git', ['-C', root, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const files = execFileSync('git', ['-C', top, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    .split('\0').filter(Boolean);
  return { root: top, files };
}

function display(p) {
  const rel = path.relative(process.cwd(), p);
  return toPosix(rel && !rel.startsWith('..') ? rel : p);
}

async function main(argv) {
  let o;
  try { o = parseArgs(argv); } catch (e) {
    process.stderr.write(`validate: ${e.message}\n\n${usage()}\n`);
    return 2;
  }
  if (o.help) { process.stdout.write(`${usage()}\n`); return 0; }
  const started = Date.now();
  const cdkOut = path.resolve(o.cdkOut);
  if (!fs.existsSync(cdkOut) || !fs.statSync(cdkOut).isDirectory()) {
    process.stderr.write(`validate: no cloud assembly at ${cdkOut} (synthesize first, e.g. bash tools/synth)\n`);
    return 2;
  }
  const templates = discoverTemplates(cdkOut);
  if (!templates.length) {
    process.stderr.write(`validate: no *.template.json under ${cdkOut}\n`);
    return 2;
  }
  const acksFile = path.resolve(o.acks || path.join(TOOL_DIR, 'acknowledgements.json'));
  let acks;
  try { acks = loadAcks(acksFile); } catch (e) {
    process.stderr.write(`validate: bad acknowledgements file: ${e.message}\n`);
    return 2;
  }
  if (acks.missing && o.acks) {
    process.stderr.write(`validate: acknowledgements file ${acksFile} not found\n`);
    return 2;
  }
  let repo = null;
  if (o.repo) {
    try { repo = repoFiles(o.repoRoot ? path.resolve(o.repoRoot) : TOOL_DIR); } catch (e) {
      process.stderr.write(`validate: --repo: cannot list tracked files: ${e.message}\n`);
      return 2;
    }
  }
  const names = ORDER.filter((n) => (!o.only || o.only.includes(n)) && !o.skip.includes(n));
  process.stderr.write(`validate: ${templates.length} template(s) under ${display(cdkOut)}; running ${names.join(', ')} (${o.jobs} at a time)\n`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
  let results;
  try {
    const ctxFile = path.join(tmp, 'context.json');
    fs.writeFileSync(ctxFile, JSON.stringify({ templates, repo, toolDir: TOOL_DIR }));
    results = await pool(names, o.jobs, (n) => runWorker(n, ctxFile, tmp));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const all = names.flatMap((n) => results[n].findings);
  const { stale, expired } = applyAcks(all, acks.acks, { ran: names.filter((n) => results[n].ok), repoScanned: !!repo });
  const failed = names.filter((n) => !results[n].ok);
  const blocking = all.filter((f) => !f.ack && f.blocking).length;
  const staleFails = o.strictStale && (stale.length || expired.length);
  const verdict = failed.length ? `ERROR (${failed.join(', ')} failed to run)`
    : blocking ? `FAIL (${blocking} blocking finding(s))`
      : staleFails ? 'FAIL (stale/expired acknowledgements, --strict-stale)' : 'PASS';
  const run = {
    cdkOut: display(cdkOut), cdkOutDisplay: display(cdkOut), templates, results, order: names, stale, expired,
    ms: Date.now() - started, verdict, jobs: o.jobs, startedAt: new Date(started).toISOString(),
    acksFileDisplay: display(acksFile), ackCount: acks.acks.length,
  };
  process.stdout.write(`${consoleReport(run, { showAcknowledged: o.showAcknowledged })}\n`);
  if (o.report) {
    fs.mkdirSync(path.dirname(path.resolve(o.report)), { recursive: true });
    fs.writeFileSync(o.report, markdownReport(run));
  }
  if (o.json) {
    fs.mkdirSync(path.dirname(path.resolve(o.json)), { recursive: true });
    fs.writeFileSync(o.json, `${JSON.stringify({
      verdict, ms: run.ms, cdkOut, templates: templates.map(({ path: p, ...t }) => t),
      summary: summarize(results, names),
      validators: Object.fromEntries(names.map((n) => [n, { ok: results[n].ok, error: results[n].error, meta: results[n].meta, ms: results[n].ms }])),
      findings: all,
      stale: stale.map((a) => ({ index: a.index, validator: a.validator, rules: a.rules, resources: a.resources, stacks: a.stacks })),
      expired: expired.map((a) => ({ index: a.index, expires: a.expires })),
    }, null, 2)}\n`);
  }
  if (failed.length) return 2;
  return blocking || staleFails ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`validate: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 2;
  });
}

module.exports = { main, parseArgs };
