// Synthesis counter for bench/run: loaded into every jsii node process with
//   NODE_OPTIONS="--require $PWD/bench/lib/count-synth.js" INFRA_BENCH_SYNTH_LOG=/some/file.jsonl
// It wraps aws-cdk-lib's Stage.prototype.synth (App.synth, Template.FromStack and
// Annotations.FromStack all end there) and appends one JSON line per *real* synthesis -- a call
// that produced a new cloud assembly, not one answered from the stage's cache:
//   {"pid":..,"ms":..,"validation":true|false,"stacks":[{"name":..,"sha":..}]}
// "sha" hashes the stack's template, so the number of distinct stack configurations is the number
// of distinct (name, sha) pairs. Nothing is loaded or changed without the environment variable.
'use strict';
const log = process.env.INFRA_BENCH_SYNTH_LOG;
if (log) {
  const Module = require('module');
  const fs = require('fs');
  const crypto = require('crypto');
  const origLoad = Module._load;
  let patched = false;
  Module._load = function (request, parent, isMain) {
    const exported = origLoad.apply(this, arguments);
    if (!patched && /(^|[\\/])stage(\.js)?$/.test(request) && exported && typeof exported.Stage === 'function'
        && typeof exported.Stage.isStage === 'function' && typeof exported.Stage.prototype.synth === 'function') {
      patched = true;
      const synth = exported.Stage.prototype.synth;
      exported.Stage.prototype.synth = function (options) {
        const before = this.assembly;
        const start = performance.now();
        const result = synth.apply(this, arguments);
        if (this.assembly !== before && this.node.scope === undefined) {
          const stacks = result.stacksRecursively.map((s) => ({
            name: s.hierarchicalId,
            sha: crypto.createHash('sha256').update(JSON.stringify(s.template)).digest('hex').slice(0, 16),
          }));
          const validation = this._builtinCloudFormationValidation === true && process.env.CDK_VALIDATION !== 'false';
          fs.appendFileSync(log, JSON.stringify({ pid: process.pid, ms: Math.round(performance.now() - start), validation, stacks }) + '\n');
        }
        return result;
      };
    }
    return exported;
  };
}
