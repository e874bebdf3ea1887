#!/usr/bin/env node
// node tools/iam-check/cli.js --template FILE --role LOGICAL_ID --action ACTION [--resource ARN]
//   [--principal ARN] [--context KEY=VALUE ...] [--explain]
// Prints Allowed / ImplicitlyDenied / ExplicitlyDenied; exit 0 when allowed, 1 when denied, 2 on error.
// `--roles` lists the template's roles. README.md.
'use strict';
const { simulate, loadTemplate, roleIds, arnOf } = require('./lib');

function parse(argv) {
  const a = { context: {} };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    if (k === '--template') a.template = next();
    else if (k === '--role') a.role = next();
    else if (k === '--action') a.action = next();
    else if (k === '--resource') a.resource = next();
    else if (k === '--principal') a.principal = next();
    else if (k === '--context') { const kv = next(); const eq = kv.indexOf('='); if (eq < 1) throw new Error(`--context ${kv}: KEY=VALUE`); a.context[kv.slice(0, eq)] = kv.slice(eq + 1); }
    else if (k === '--explain') a.explain = true;
    else if (k === '--roles') a.roles = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

(async () => {
  const a = parse(process.argv.slice(2));
  if (!a.template) throw new Error('--template FILE is required');
  const template = loadTemplate(a.template);
  if (a.roles) { for (const id of roleIds(template)) console.log(`${id}\t${arnOf(template, id, require('./lib').DEFAULT_ENV)}`); return 0; }
  if (!a.role || !a.action) throw new Error('--role and --action are required');
  const r = await simulate({ template, roleLogicalId: a.role, action: a.action, resource: a.resource, principal: a.principal, context: a.context });
  console.log(r.result);
  if (a.explain) console.log(JSON.stringify(r.analysis, null, 2));
  return r.result === 'Allowed' ? 0 : 1;
})().then(code => process.exit(code), e => { console.error(`iam-check: ${e.message}`); process.exit(2); });
