'use strict';
// The one shape every validator reports in.

/**
 * @param {object} f
 * @param {string} f.validator    cfn-validate | cfn-guard | cdk-nag | cfn-lint | secretlint
 * @param {object} [f.template]   a record from discover.js (template findings)
 * @param {string} [f.file]       repository-relative path (secretlint --repo findings)
 * @param {string} [f.logicalId]  resource logical id; '' for template-level findings
 * @param {string} f.rule         the rule id acknowledgements match on
 * @param {string[]} [f.aliases]  other names of the same rule (also matched)
 * @param {string} f.severity     error | warning | info
 * @param {boolean} f.blocking    whether an unacknowledged instance fails the run
 * @param {string} f.message
 * @param {string} [f.location]   property path or line
 */
function finding(f) {
  const t = f.template;
  return {
    validator: f.validator,
    template: t ? t.rel : f.file,
    stack: t ? t.stack : '(repo)',
    stackNames: t ? t.stackNames : ['(repo)'],
    logicalId: f.logicalId || '',
    rule: f.rule,
    aliases: (f.aliases || []).filter((a) => a && a !== f.rule),
    severity: f.severity,
    blocking: !!f.blocking,
    message: String(f.message ?? '').trim(),
    location: f.location || '',
  };
}

/** Map an absolute template path back to its record. */
function templateIndex(templates) {
  const m = new Map();
  for (const t of templates) m.set(t.path, t);
  return (p) => m.get(p) || templates.find((t) => p && (p.endsWith(`/${t.rel}`) || p === t.rel));
}

module.exports = { finding, templateIndex };
