'use strict';
/**
 * Monthly cost of synthesized templates from the price table kept in the repository
 * (tools/cost/prices/<region>.json: every price with its source and date). Counts what a template
 * makes and multiplies by list prices; what the table lacks is an "unknown" line, never $0, and
 * every assumption (hours, LCUs, log volume, requests) is returned so the report can print it.
 */
const fs = require('fs');
const path = require('path');
const { isObject, resourcesOf, propsOf, literalNumber, refTarget } = require('./risk/util');

const PRICES_DIR = path.resolve(__dirname, '..', '..', 'cost', 'prices');
const DEFAULT_REGION = 'us-east-1';
/** Priced by requests or storage only: not estimated, and said so. */
const REQUEST_PRICED = ['AWS::Lambda::Function', 'AWS::ApiGateway::RestApi', 'AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SQS::Queue',
  'AWS::DynamoDB::Table', 'AWS::CodeDeploy::Application', 'AWS::Route53::HostedZone'];

/** The price table of a region, or null when the repository has none. */
function loadPrices(region, dir = PRICES_DIR) {
  const file = path.join(dir, `${region}.json`);
  if (!fs.existsSync(file)) return null;
  const t = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { ...t, file };
}

/** The region of a stack: its manifest environment when it names one, else the given or default region. */
function stackRegion(info, fallback) {
  const m = info && typeof info.environment === 'string' ? /^aws:\/\/[^/]*\/(.+)$/.exec(info.environment) : null;
  return m && m[1] !== 'unknown-region' ? m[1] : (fallback || DEFAULT_REGION);
}

/** Environment of a stack: its name up to the first "-" (Dev-Web -> Dev). */
const environmentOf = stackName => String(stackName).split('/').pop().split('-')[0];

/**
 * Lines of one template: [{ item, resource, quantity, unit, key, min, desired, note }] where min and
 * desired are $/month (fleets differ; everything else is the same in both), null = unknown price.
 */
function estimateTemplate(template, prices, { stack = '' } = {}) {
  const res = resourcesOf(template);
  const hours = (prices && prices.hoursPerMonth) || 730;
  const assume = k => (prices && prices.assumptions && prices.assumptions[k] ? prices.assumptions[k].value : NaN);
  const lines = [];
  const price = key => (prices && prices.prices && prices.prices[key] ? prices.prices[key].usd : null);
  const add = (item, resource, key, qMin, qDesired, unit, note) => {
    const p = price(key);
    lines.push({
      stack, item, resource, key, unit, quantity: qMin, quantityDesired: qDesired,
      unitPrice: p, min: p === null ? null : p * qMin, desired: p === null ? null : p * qDesired,
      note: p === null ? `no price for ${key} in ${prices ? path.basename(prices.file) : 'the price table (no table for this region)'}${note ? `; ${note}` : ''}` : note || '',
    });
  };
  const counts = {};
  for (const [id, r] of Object.entries(res)) {
    if (!isObject(r)) continue;
    const p = propsOf(r);
    switch (r.Type) {
      case 'AWS::AutoScaling::AutoScalingGroup': {
        const lt = res[refTarget(isObject(p.LaunchTemplate) ? p.LaunchTemplate.LaunchTemplateId : null)];
        const data = lt && isObject(propsOf(lt).LaunchTemplateData) ? propsOf(lt).LaunchTemplateData : {};
        const type = typeof data.InstanceType === 'string' ? data.InstanceType : null;
        const min = literalNumber(p.MinSize);
        const desired = literalNumber(p.DesiredCapacity) !== null ? literalNumber(p.DesiredCapacity) : min;
        if (min === null) { add('EC2 instances', id, `ec2.${type || '(instance type not in the template)'}`, 0, 0, 'instance-hour', 'MinSize is not a literal'); lines[lines.length - 1].min = null; lines[lines.length - 1].desired = null; break; }
        // No literal type (an imported launch template, a parameter): an unknown price, never $0.
        add(`EC2 ${type || '(type not in the template)'}`, id, type ? `ec2.${type}` : 'ec2.(instance type not in the template)', min * hours, desired * hours, 'instance-hour', `${min} at minimum, ${desired} desired, ${hours} h`);
        let gb = 0;
        for (const m of Array.isArray(data.BlockDeviceMappings) ? data.BlockDeviceMappings : []) {
          const ebs = isObject(m) && isObject(m.Ebs) ? m.Ebs : null;
          if (ebs) gb += literalNumber(ebs.VolumeSize) || 0;
          if (ebs && ebs.VolumeType && ebs.VolumeType !== 'gp3') add('EBS', id, `ebs.${ebs.VolumeType}.gbMonth`, 0, 0, 'GB-month', 'only gp3 is in the table');
        }
        if (gb) add('EBS gp3', id, 'ebs.gp3.gbMonth', gb * min, gb * desired, 'GB-month', `${gb} GB per server`);
        break;
      }
      case 'AWS::EC2::NatGateway': add('NAT gateway', id, 'natGateway.hour', hours, hours, 'gateway-hour', `${hours} h; data processed not counted`); break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        if (p.Type && p.Type !== 'application') { add(`load balancer (${p.Type})`, id, `${p.Type}.hour`, hours, hours, 'hour'); break; }
        add('ALB', id, 'alb.hour', hours, hours, 'load-balancer-hour', `${hours} h`);
        add('ALB LCUs (assumed)', id, 'alb.lcuHour', assume('albLcuPerHour') * hours, assume('albLcuPerHour') * hours, 'LCU-hour', `assumption: ${assume('albLcuPerHour')} LCU on average`);
        break;
      case 'AWS::CloudWatch::Alarm': counts.alarm = (counts.alarm || 0) + 1; break;
      case 'AWS::CloudWatch::CompositeAlarm': counts.composite = (counts.composite || 0) + 1; break;
      case 'AWS::CloudWatch::Dashboard': counts.dashboard = (counts.dashboard || 0) + 1; break;
      case 'AWS::Logs::LogGroup': counts.logs = (counts.logs || 0) + 1; break;
      case 'AWS::KMS::Key': counts.kms = (counts.kms || 0) + 1; break;
      case 'AWS::SecretsManager::Secret': counts.secret = (counts.secret || 0) + 1; break;
      case 'AWS::WAFv2::WebACL': {
        const rules = Array.isArray(p.Rules) ? p.Rules.length : 0;
        add('WAF web ACL', id, 'waf.webAcl', 1, 1, 'web-ACL-month');
        add('WAF rules', id, 'waf.rule', rules, rules, 'rule-month', `${rules} rules`);
        const m = assume('wafMillionRequestsPerAclMonth');
        add('WAF requests (assumed)', id, 'waf.millionRequests', m, m, 'million requests', `assumption: ${m} million requests`);
        break;
      }
      case 'AWS::EC2::VPCEndpoint': {
        if (p.VpcEndpointType !== 'Interface') break; // gateway endpoints (S3, DynamoDB) cost nothing
        const azs = Array.isArray(p.SubnetIds) ? p.SubnetIds.length : 0;
        add('interface endpoint', id, 'vpcEndpoint.interface.azHour', azs * hours, azs * hours, 'endpoint-AZ-hour', `${azs} AZ(s) × ${hours} h`);
        break;
      }
      default:
        if (REQUEST_PRICED.includes(r.Type)) counts[`req:${r.Type}`] = (counts[`req:${r.Type}`] || 0) + 1;
        // Neither priced nor known request-priced: listed by type, so nothing is silently $0.
        else if (r.Type !== 'AWS::EC2::LaunchTemplate') counts[`other:${r.Type}`] = (counts[`other:${r.Type}`] || 0) + 1;
    }
  }
  if (counts.alarm) add('CloudWatch alarms', `${counts.alarm} alarms`, 'cloudwatch.alarm.standard', counts.alarm, counts.alarm, 'alarm-month');
  if (counts.composite) add('CloudWatch composite alarms', `${counts.composite} alarms`, 'cloudwatch.alarm.composite', counts.composite, counts.composite, 'alarm-month');
  if (counts.dashboard) add('CloudWatch dashboards', `${counts.dashboard} dashboards`, 'cloudwatch.dashboard', counts.dashboard, counts.dashboard, 'dashboard-month');
  if (counts.logs) {
    const gb = assume('logGbPerLogGroupMonth') * counts.logs;
    add('CloudWatch Logs ingestion (assumed)', `${counts.logs} log groups`, 'cloudwatch.logs.ingestGb', gb, gb, 'GB', `assumption: ${assume('logGbPerLogGroupMonth')} GB per log group`);
  }
  if (counts.kms) add('KMS keys', `${counts.kms} keys`, 'kms.key', counts.kms, counts.kms, 'key-month');
  if (counts.secret) add('Secrets Manager secrets', `${counts.secret} secrets`, 'secretsManager.secret', counts.secret, counts.secret, 'secret-month');
  const notEstimated = Object.entries(counts).filter(([k]) => k.startsWith('req:')).map(([k, n]) => `${n} × ${k.slice(4)}`);
  const notModelled = Object.entries(counts).filter(([k]) => k.startsWith('other:')).map(([k, n]) => `${n} × ${k.slice(6)}`).sort();
  return { lines, notEstimated, notModelled };
}

const total = (lines, which) => lines.reduce((s, l) => s + (l[which] || 0), 0);

/**
 * Cost per environment of a list of stacks [{ name, template, info }]:
 * [{ environment, region, lines, notEstimated, min, desired, unknown }] sorted by environment.
 */
function estimateStacks(stacks, { region, pricesDir = PRICES_DIR } = {}) {
  const envs = new Map();
  const tables = new Map();
  for (const s of stacks) {
    if (!s.template) continue;
    const env = environmentOf(s.name);
    const r = stackRegion(s.info, region);
    if (!tables.has(r)) tables.set(r, loadPrices(r, pricesDir));
    const { lines, notEstimated, notModelled } = estimateTemplate(s.template, tables.get(r), { stack: s.name });
    const e = envs.get(env) || { environment: env, regions: new Set(), lines: [], notEstimated: [], notModelled: [] };
    e.regions.add(r);
    e.lines.push(...lines);
    e.notEstimated.push(...notEstimated.map(x => `${s.name}: ${x}`));
    e.notModelled.push(...notModelled.map(x => `${s.name}: ${x}`));
    envs.set(env, e);
  }
  return [...envs.values()].sort((a, b) => a.environment.localeCompare(b.environment)).map(e => ({
    environment: e.environment,
    region: [...e.regions].sort().join(', '),
    lines: e.lines,
    notEstimated: e.notEstimated,
    notModelled: e.notModelled,
    min: total(e.lines, 'min'),
    desired: total(e.lines, 'desired'),
    unknown: e.lines.filter(l => l.min === null).length,
    priceTables: [...e.regions].sort().map(r => (tables.get(r) ? path.relative(path.resolve(PRICES_DIR, '..', '..', '..'), tables.get(r).file) : `none for ${r}`)),
  }));
}

const usd = v => (v === null || v === undefined ? 'unknown' : `$${v.toFixed(2)}`);
/** An environment total: "$12.34", "$12.34 + 2 unknown", "unknown" (nothing priced) or "nothing priced". */
function totalCell(e, which) {
  if (!e) return '—';
  if (!e.lines.length) return 'no priced resources';
  if (e.unknown === e.lines.length) return 'unknown';
  return `${usd(e[which])}${e.unknown ? ` + ${e.unknown} unknown` : ''}`;
}

/** Assumptions and sources of the tables used, for printing under a cost report. */
function assumptionLines(regions, pricesDir = PRICES_DIR) {
  const out = ['730 hours a month; on-demand list prices in USD; no free tier, Savings Plans or data transfer.',
    'EC2: the fleets at their minimum and at their desired capacity (DesiredCapacity, else MinSize); scheduled scaling not counted.',
    'Every parameter at its Default: a release-mode stack is priced at its declared final state (docs/pr-diff.md#releases).',
    'Gateway VPC endpoints cost nothing; interface endpoints per AZ-hour.',
    'Not estimated (priced by requests or storage): Lambda, API Gateway, S3, SNS, SQS, DynamoDB, CodeDeploy, Route 53 zones and queries.'];
  for (const r of regions) {
    const t = loadPrices(r, pricesDir);
    if (!t) { out.push(`${r}: no price table (tools/cost/prices/${r}.json): every priced item is unknown.`); continue; }
    for (const [k, a] of Object.entries(t.assumptions || {})) out.push(`${r}: ${k} = ${a.value} (${a.why}).`);
  }
  return out;
}

/** Markdown table of one environment's lines. */
function linesTable(e) {
  const rows = ['| Stack | Item | Resource | Quantity (min) | Unit price | $/month at min | $/month at desired | Note |', '|---|---|---|---:|---:|---:|---:|---|'];
  for (const l of e.lines) {
    rows.push(`| ${l.stack} | ${l.item} | \`${l.resource}\` | ${typeof l.quantity === 'number' && !Number.isNaN(l.quantity) ? Number(l.quantity.toFixed(2)) : 'unknown'} ${l.unit} | ${l.unitPrice === null ? 'unknown' : `$${l.unitPrice}`} | ${usd(l.min)} | ${usd(l.desired)} | ${l.note} |`);
  }
  return rows.join('\n');
}

module.exports = { PRICES_DIR, DEFAULT_REGION, loadPrices, stackRegion, environmentOf, estimateTemplate, estimateStacks, assumptionLines, linesTable, usd, totalCell };
