'use strict';
// acknowledgements.json: the single list of accepted findings.
const fs = require('fs');
const { globMatch } = require('./util');

const VALIDATORS = ['cfn-validate', 'cfn-guard', 'cdk-nag', 'cfn-lint', 'secretlint'];
const KEYS = new Set(['validator', 'rule', 'resource', 'stack', 'message', 'reason', 'expires', 'owner', 'ticket', '$comment']);
const MIN_REASON = 20;

function asList(v) {
  return Array.isArray(v) ? v : [v];
}

/** Loads and checks the file; throws an Error listing every problem. */
function loadAcks(file) {
  if (!fs.existsSync(file)) return { file, acks: [], missing: true };
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON: ${e.message}`);
  }
  const list = Array.isArray(doc) ? doc : doc.acknowledgements;
  if (!Array.isArray(list)) throw new Error(`${file}: expected {"acknowledgements": [ ... ]}`);
  const problems = [];
  const acks = list.map((a, i) => {
    const where = `acknowledgements[${i}]`;
    if (!a || typeof a !== 'object' || Array.isArray(a)) { problems.push(`${where}: not an object`); return null; }
    for (const k of Object.keys(a)) if (!KEYS.has(k)) problems.push(`${where}: unknown key "${k}"`);
    if (!(a.validator === '*' || VALIDATORS.includes(a.validator))) {
      problems.push(`${where}: "validator" must be one of ${VALIDATORS.join(', ')} (or "*")`);
    }
    for (const k of ['rule', 'resource']) {
      const ok = a[k] !== undefined && asList(a[k]).length > 0 && asList(a[k]).every((x) => typeof x === 'string' && x.length > 0);
      if (!ok) problems.push(`${where}: "${k}" must be a non-empty string or list of strings (use "*" deliberately)`);
    }
    for (const k of ['stack', 'message']) {
      if (a[k] !== undefined && !asList(a[k]).every((x) => typeof x === 'string' && x.length > 0)) {
        problems.push(`${where}: "${k}" must be a non-empty string or list of strings`);
      }
    }
    if (typeof a.reason !== 'string' || a.reason.trim().length < MIN_REASON || /^(todo|tbd|fixme|n\/?a)\b/i.test(a.reason.trim())) {
      problems.push(`${where}: "reason" must explain, in at least ${MIN_REASON} characters, why the finding is acceptable`);
    }
    if (a.expires !== undefined && !(typeof a.expires === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(a.expires) && !Number.isNaN(Date.parse(a.expires)))) {
      problems.push(`${where}: "expires" must be a date YYYY-MM-DD`);
    }
    return {
      index: i,
      validator: a.validator,
      rules: asList(a.rule),
      resources: asList(a.resource),
      stacks: a.stack === undefined ? ['*'] : asList(a.stack),
      messages: a.message === undefined ? null : asList(a.message),
      reason: typeof a.reason === 'string' ? a.reason.trim() : '',
      expires: a.expires,
      matched: 0,
    };
  });
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return { file, acks };
}

function describe(a) {
  const s = a.stacks.length === 1 && a.stacks[0] === '*' ? '' : ` stack=${a.stacks.join('|')}`;
  const m = a.messages ? ` message=${a.messages.join('|')}` : '';
  return `#${a.index} ${a.validator} rule=${a.rules.join('|')} resource=${a.resources.join('|')}${s}${m}`;
}

function matches(a, f) {
  if (a.validator !== '*' && a.validator !== f.validator) return false;
  const ruleNames = [f.rule, ...(f.aliases || [])];
  if (!a.rules.some((r) => ruleNames.some((n) => globMatch(r, n)))) return false;
  if (!a.resources.some((r) => globMatch(r, f.logicalId))) return false;
  if (a.messages && !a.messages.some((m) => globMatch(m, f.message))) return false;
  return a.stacks.some((s) => f.stackNames.some((n) => globMatch(s, n)));
}

/**
 * Marks each finding acknowledged (f.ack = { index, reason }) by the first live entry that
 * matches it. Returns { stale, expired }: entries that matched nothing among the validators
 * that ran, and entries past their expiry date (which acknowledge nothing).
 */
function applyAcks(findings, acks, { ran, repoScanned, today = new Date().toISOString().slice(0, 10) }) {
  const expired = acks.filter((a) => a.expires && a.expires < today);
  const live = acks.filter((a) => !(a.expires && a.expires < today));
  for (const f of findings) {
    const a = live.find((x) => matches(x, f));
    if (a) {
      a.matched++;
      f.ack = { index: a.index, reason: a.reason };
    }
  }
  const stale = live.filter((a) => {
    if (a.matched > 0) return false;
    if (a.validator !== '*' && !ran.includes(a.validator)) return false; // not run this time
    // Entries only about repository files cannot match when --repo was not given.
    if (!repoScanned && a.stacks.every((s) => s === '(repo)')) return false;
    return true;
  });
  return { stale, expired };
}

module.exports = { loadAcks, applyAcks, describe, VALIDATORS };
