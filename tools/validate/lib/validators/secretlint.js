'use strict';
// 5. secretlint with @secretlint/secretlint-rule-preset-recommend (config: tools/validate/
// .secretlintrc.json, which also turns on the AWS rule's access-key-id / account-id scan) over
// every template, and with --repo over every file `git ls-files` lists in the repository.
// Secrets are masked in all output. Every finding blocks.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runCommand } = require('../proc');
const { finding } = require('../finding');
const { resourceSpans, spanAt, toPosix } = require('../util');

const name = 'secretlint';
const CHUNK = 400;

async function lintFiles(ctx, files) {
  const pkgDir = path.dirname(require.resolve('secretlint/package.json'));
  const bin = path.join(pkgDir, require('secretlint/package.json').bin.secretlint || require('secretlint/package.json').bin);
  const rc = path.join(ctx.toolDir, '.secretlintrc.json');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-secretlint-'));
  const results = [];
  try {
    for (let i = 0; i < files.length; i += CHUNK) {
      const out = path.join(tmp, `out-${i}.json`);
      const args = [bin, '--secretlintrc', rc, '--format', 'json', '--output', out, '--no-glob', '--no-color', '--no-terminalLink',
        ...files.slice(i, i + CHUNK)];
      const res = await runCommand(process.execPath, args, { cwd: ctx.toolDir });
      if (res.code !== 0 && res.code !== 1) {
        throw new Error(`secretlint exited ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 2000)}`);
      }
      let parsed;
      try { parsed = JSON.parse(fs.readFileSync(out, 'utf8')); } catch {
        throw new Error(`secretlint wrote no JSON report: ${(res.stderr || res.stdout).trim().slice(0, 2000)}`);
      }
      results.push(...parsed);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

function ruleOf(m) {
  const id = m.ruleId || 'unknown';
  const short = id.replace(/^@secretlint\/secretlint-rule-/, '');
  return { rule: id, aliases: [m.messageId ? `${id}:${m.messageId}` : '', short, m.messageId ? `${short}:${m.messageId}` : ''] };
}

async function run(ctx) {
  const findings = [];
  const templateResults = await lintFiles(ctx, ctx.templates.map((t) => t.path));
  const byPath = new Map(ctx.templates.map((t) => [path.resolve(t.path), t]));
  for (const r of templateResults) {
    const t = byPath.get(path.resolve(r.filePath));
    if (!r.messages?.length) continue;
    const spans = resourceSpans(r.sourceContent ?? fs.readFileSync(r.filePath, 'utf8'));
    for (const m of r.messages) {
      const span = spanAt(spans, m.range?.[0] ?? -1);
      findings.push(finding({
        validator: name, template: t, logicalId: span?.logicalId, ...ruleOf(m),
        severity: m.severity === 'error' ? 'error' : 'warning', blocking: true,
        message: m.message, location: `${span ? `${span.section}.${span.logicalId}, ` : ''}${m.loc ? `line ${m.loc.start.line}` : ''}`,
      }));
    }
  }
  let repoFiles = 0;
  if (ctx.repo) {
    const files = ctx.repo.files.map((f) => path.join(ctx.repo.root, f)).filter((f) => {
      try { return fs.statSync(f).isFile(); } catch { return false; } // deleted but still tracked
    });
    repoFiles = files.length;
    for (const r of await lintFiles(ctx, files)) {
      const rel = toPosix(path.relative(ctx.repo.root, r.filePath));
      for (const m of r.messages || []) {
        findings.push(finding({
          validator: name, file: rel, logicalId: rel, ...ruleOf(m),
          severity: m.severity === 'error' ? 'error' : 'warning', blocking: true,
          message: m.message, location: m.loc ? `line ${m.loc.start.line}` : '',
        }));
      }
    }
  }
  const v = require('secretlint/package.json').version;
  const p = require('@secretlint/secretlint-rule-preset-recommend/package.json').version;
  return {
    findings,
    meta: {
      version: `secretlint ${v}, preset-recommend ${p}`,
      scanned: `${ctx.templates.length} template(s)${ctx.repo ? ` + ${repoFiles} tracked file(s)` : ''}`,
    },
  };
}

module.exports = { name, run };
