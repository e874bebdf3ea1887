'use strict';
// isAllowed(): asks an IAM policy evaluation engine (@cloud-copilot/iam-simulate, AGPL-3.0, a
// test-time tool only: it is never part of the Infra.Constructs package) whether a request is allowed
// by a role of a synthesized template. README.md.
const { runSimulation, runUnsafeSimulation } = require('@cloud-copilot/iam-simulate');
const T = require('./template');

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/**
 * Runs the engine and returns its whole answer ({ result: 'Allowed' | 'ImplicitlyDenied' |
 * 'ExplicitlyDenied', analysis, errors }). Two kinds of question:
 *
 *  - Who may assume the role (`action` sts:AssumeRoleWithWebIdentity, sts:AssumeRole,
 *    sts:TagSession...; `resource` omitted or the role's ARN): the role's trust policy is the resource
 *    policy; `principal` is the caller (an OIDC provider ARN for web identity, whose callers carry no
 *    identity policies; a role or user ARN otherwise, with its `callerPolicies`).
 *  - What the role may do (any other request): the role's identity policies (inline, and the
 *    template's managed and AWS::IAM::Policy resources attached to it) with the role as principal;
 *    `resourcePolicy` is the target's resource policy if it has one (for sts:AssumeRole of another
 *    role: that role's trust policy).
 *
 * @param {object} q
 * @param {object} q.template          parsed template (loadTemplate(file))
 * @param {string} q.roleLogicalId      the role's logical id
 * @param {string} q.action             e.g. 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole', 's3:GetObject'
 * @param {string} [q.resource]         ARN (default: the role's own ARN, i.e. a trust question)
 * @param {string} [q.principal]        caller of a trust question (default: the trust policy's federated principal)
 * @param {object[]} [q.callerPolicies] identity policies of that caller ({ name, policy })
 * @param {object} [q.resourcePolicy]   resource policy of a permission question's target
 * @param {object} [q.context]          request context keys, e.g. { 'token.actions.githubusercontent.com:sub': '...' }
 * @param {object} [q.env]              { account, partition, region } to resolve the template with
 * @param {boolean} [q.allowUnresolvedPolicies] evaluate even when a ManagedPolicyArns entry is not in the template
 */
async function simulate(q) {
  const env = { ...T.DEFAULT_ENV, ...(q.env || {}) };
  const { template, roleLogicalId, action } = q;
  if (!template || !roleLogicalId || !action) throw new Error('simulate needs template, roleLogicalId and action');
  const roleArn = T.arnOf(template, roleLogicalId, env);
  const resource = q.resource ?? roleArn;
  const context = q.context || {};
  let simulation;
  if (resource === roleArn && action.startsWith('sts:')) {
    const trust = T.trustPolicy(template, roleLogicalId, env);
    const principal = q.principal ?? defaultFederatedPrincipal(trust);
    simulation = {
      request: { principal, action, resource: { resource: roleArn, accountId: env.account }, contextVariables: context },
      identityPolicies: q.callerPolicies || [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    };
  } else {
    const { policies, unresolved } = T.identityPolicies(template, roleLogicalId, env);
    if (unresolved.length && !q.allowUnresolvedPolicies)
      throw new Error(`${roleLogicalId} has managed policies outside the template, which cannot be evaluated: ${unresolved.join(', ')} (pass allowUnresolvedPolicies to evaluate without them)`);
    simulation = {
      request: { principal: roleArn, action, resource: { resource, accountId: accountOf(resource) ?? env.account }, contextVariables: context },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(q.resourcePolicy ? { resourcePolicy: q.resourcePolicy } : {}),
    };
  }
  // runSimulation validates the policies, the action, the resource type and the context keys against
  // AWS's service reference, and drops context keys that reference does not list for the action.
  const out = await runSimulation(simulation, {});
  if (out.errors) throw new Error(`the engine refused the question: ${JSON.stringify(out.errors)}`);
  // Resource "*" is what IAM evaluates for an action without a required resource type (e.g.
  // cloudwatch:GetMetricData, whose one resource type is optional); the engine answers such a request as a
  // "wildcard" one, decided over every resource the action could name. Any other wildcard is a mistake.
  if (out.resultType === 'wildcard' && resource === '*') return { result: out.overallResult, analysis: undefined, simulation, ignoredContextKeys: [] };
  if (out.resultType !== 'single') throw new Error(`expected one resource, got a wildcard request (${resource})`);
  const ignored = out.result.ignoredContextKeys || [];
  if (ignored.length === 0) return { result: out.overallResult, analysis: out.result.analysis, simulation, ignoredContextKeys: [] };
  // That reference lists GitHub's claims such as job_workflow_ref for sts:AssumeRoleWithWebIdentity, but
  // not the generic OIDC keys PROVIDER:sub and PROVIDER:aud (documented in the IAM guide instead). A
  // dropped key would read as missing and silently deny, so the same request (already validated above)
  // is evaluated again by the engine's core evaluator with every context key.
  // (runUnsafeSimulation 0.1.173 loads the resource policy without a name and then reads its name:
  // hand it the policy in the engine's own "already validated" form, which carries one.)
  const unsafe = simulation.resourcePolicy
    ? { ...simulation, resourcePolicy: { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: 'ResourcePolicy' }, errors: [] } }
    : simulation;
  const result = runUnsafeSimulation(unsafe, {}); // only the decision, no per-statement explanation
  if (typeof result !== 'string') throw new Error(`unexpected answer from the engine: ${JSON.stringify(result)}`);
  return { result, analysis: undefined, simulation, ignoredContextKeys: ignored };
}

/** True when the engine's answer is Allowed. Same arguments as simulate(). */
async function isAllowed(q) {
  return (await simulate(q)).result === 'Allowed';
}

function defaultFederatedPrincipal(trust) {
  const federated = [].concat(trust.Statement || []).flatMap(s => [].concat(s.Principal?.Federated || []));
  const unique = [...new Set(federated)];
  if (unique.length !== 1) throw new Error(`pass principal: the trust policy names ${unique.length} federated principals`);
  return unique[0];
}

function accountOf(arn) {
  const parts = String(arn).split(':');
  return parts.length > 5 && /^[0-9]{12}$/.test(parts[4]) ? parts[4] : undefined;
}

/** GitHub Actions token claims as request context keys (aud defaults to sts.amazonaws.com). */
function githubClaims({ sub, jobWorkflowRef, aud = 'sts.amazonaws.com' }) {
  const c = { 'token.actions.githubusercontent.com:aud': aud };
  if (sub !== undefined) c['token.actions.githubusercontent.com:sub'] = sub;
  if (jobWorkflowRef !== undefined) c['token.actions.githubusercontent.com:job_workflow_ref'] = jobWorkflowRef;
  return c;
}

module.exports = { simulate, isAllowed, githubClaims, WEB_IDENTITY, ...T };
