'use strict';
/**
 * Renders the per-stack classification of two synthesized cloud assemblies as Markdown
 * (GitHub flavoured: tables, <details>). The IAM and security-group tables and the full diff are
 * the engine's own (IamChanges / SecurityGroupChanges summarize(), formatDifferences), with ANSI
 * colours stripped.
 */
const { Writable } = require('stream');
const { cfnDiff } = require('./classify');
const { DESTRUCTIVE_TYPES } = require('./destructive-types');

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const stripAnsi = s => String(s).replace(ANSI, '');
/** Per-stack cap on the full cdk-diff text (GitHub comments stop at 65,536 characters). */
const FULL_DIFF_LIMIT = 12000;

const CHANGE_ORDER = { replaced: 0, 'may-replace': 1, removed: 2, updated: 3, added: 4 };
const CHANGE_LABEL = {
  added: 'added',
  removed: 'removed',
  updated: 'updated',
  replaced: '**replaced**',
  'may-replace': '**may be replaced**',
};

/** Escapes text for a Markdown table cell; newlines become <br>. */
function cell(text) {
  return stripAnsi(text)
    .replace(/[\\`*_{}[\]<>|#~]/g, m => `\\${m}`)
    .replace(/\r?\n/g, '<br>');
}
/** Inline code; safe in a table cell (| escaped, backticks fenced). */
function code(s) {
  const t = String(s).replace(/\|/g, '\\|');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}
/** A multi-line value as one code span per line (no Markdown or math interpretation). */
function codeCell(text) {
  return stripAnsi(text).split(/\r?\n/).map(l => (l.trim() === '' ? '' : code(l))).filter(Boolean).join('<br>');
}

function table(header, rows, align) {
  const out = [`| ${header.join(' | ')} |`, `|${(align || header.map(() => '---')).map(a => ` ${a} `).join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

/** An engine summary (string[][], first row = header) as a Markdown table. */
function engineTable(rows, formatter) {
  const clean = formatter.deepSubstituteBracedLogicalIds(rows.map(r => r.map(stripAnsi)));
  const [header, ...body] = clean;
  return table(header.map(h => (h === '' ? ' ' : cell(h))), body.map(r => r.map(codeCell)));
}

function captureStream() {
  const chunks = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  stream.columns = 120;
  return { stream, text: () => stripAnsi(chunks.join('')) };
}

function counts(result) {
  const c = { added: 0, updated: 0, replaced: 0, mayReplace: 0, removed: 0, destructive: 0 };
  for (const r of result.resources) {
    if (r.change === 'added') c.added++;
    else if (r.change === 'updated') c.updated++;
    else if (r.change === 'replaced') c.replaced++;
    else if (r.change === 'may-replace') c.mayReplace++;
    else if (r.change === 'removed') c.removed++;
    if (r.destructive) c.destructive++;
  }
  return c;
}

function resourceName(r, formatter) {
  const p = formatter.normalizedLogicalIdPath(r.logicalId);
  return p ? `${code(p)} (${code(r.logicalId)})` : code(r.logicalId);
}

function details(r) {
  const parts = [];
  if (r.change === 'replaced' || r.change === 'may-replace') {
    const because = r.replacedBecause.length ? r.replacedBecause.map(code).join(', ') : 'a referenced resource is replaced';
    parts.push(`${r.change === 'replaced' ? 'replaced' : 'may be replaced'} because of ${because}`);
    const rest = r.changedProperties.filter(p => !r.replacedBecause.includes(p));
    if (rest.length) parts.push(`also changed: ${rest.map(code).join(', ')}`);
  } else if (r.change === 'updated') {
    const changed = [...r.changedProperties, ...r.otherChanges];
    if (changed.length) parts.push(changed.map(code).join(', '));
  } else if (r.change === 'removed' && r.impact === 'WILL_ORPHAN') {
    parts.push('removed from the stack but retained (DeletionPolicy Retain)');
  }
  return parts.join('; ');
}

/** Changes outside Resources, e.g. "outputs `A`, `B`; the template description". */
function otherSections(diff) {
  const out = [];
  const named = [['parameters', diff.parameters], ['outputs', diff.outputs], ['conditions', diff.conditions],
    ['mappings', diff.mappings], ['template metadata', diff.metadata], ['other sections', diff.unknown]];
  for (const [label, coll] of named) {
    const ids = coll ? coll.logicalIds : [];
    if (ids.length) out.push(`${label} ${ids.map(code).join(', ')}`);
  }
  if (diff.description) out.push('the template description');
  if (diff.transform) out.push('the template transform');
  if (diff.awsTemplateFormatVersion) out.push('the template format version');
  return out;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "image (mapping `X`: eu-west-1), user data" */
function serverParts(r) {
  return r.parts.map(part => {
    const why = [];
    for (const c of r.changes.filter(x => x.part === part)) {
      if (c.via === 'mapping') why.push(`mapping ${code(c.name)}: ${c.keys.join(', ')}`);
      else if (c.via === 'parameter') why.push(`parameter ${code(c.name)}`);
      else if (part === 'other') why.push(code(c.property));
    }
    return why.length ? `${part} (${[...new Set(why)].join('; ')})` : part;
  }).join(', ');
}

function serverCapacity(r) {
  const min = r.minSize === null ? 'an unknown number of servers (MinSize is not a literal)' : plural(r.minSize, 'server', 'servers');
  const desired = r.desiredCapacity !== null && r.desiredCapacity !== r.minSize ? `, desired ${r.desiredCapacity}` : '';
  return `${min} at its minimum${desired}`;
}

function serverPolicy(p) {
  const n = v => (v === null || v === undefined ? '?' : v);
  switch (p.kind) {
    case 'rolling-update':
      return `rolling update: ${n(p.maxBatchSize)} at a time, at least ${n(p.minInstancesInService)} in service${p.waitOnResourceSignals ? ', each waits for its healthy signal' : ''}`;
    case 'instance-refresh':
      return `instance refresh${p.strategy ? ` (${p.strategy})` : ''}: at least ${p.minHealthyPercentage === null ? 'the default 90' : p.minHealthyPercentage}% healthy${p.maxHealthyPercentage !== null ? `, at most ${p.maxHealthyPercentage}%` : ''}`;
    case 'replacing-update':
      return 'replacing update: a new Auto Scaling group, then the old one is deleted';
    default:
      return 'no rolling update or instance refresh policy';
  }
}

/** One report line per fleet whose servers the change replaces (lib/servers.js). */
function serverLine(s, r) {
  const who = `${code(r.fleet)}${r.color ? ` (${r.color})` : ''}`;
  const names = [s.name, s.displayName].filter(Boolean);
  const where = names.some(n => r.fleet.startsWith(`${n}/`)) ? '' : ` (stack ${code(s.name)})`;
  if (!r.replacesRunningServers) {
    return `- changes the launch template of ${who}${where} — ${serverParts(r)}; ${serverPolicy(r.updatePolicy)}, so running servers are not replaced (${serverCapacity(r)}); only servers launched later get it.`;
  }
  return `- **replaces the servers of ${who}**${where} — ${serverParts(r)}; ${serverCapacity(r)}; ${serverPolicy(r.updatePolicy)}.`;
}

function renderStack(s, lines) {
  const { name, result, diff, paths } = s;
  const formatter = new cfnDiff.Formatter(captureStream().stream, paths, undefined);
  lines.push(`### ${code(name)}${s.displayName && s.displayName !== name ? ` (${code(s.displayName)})` : ''}`, '');
  if (result.stack === 'new') lines.push('_New stack: every resource below will be created._', '');
  if (result.stack === 'removed') lines.push('_Stack removed: its template is gone from the app; deleting the stack deletes every resource below that is not retained._', '');

  const resources = [...result.resources].sort((a, b) => (Number(b.destructive) - Number(a.destructive))
    || (CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change]) || a.logicalId.localeCompare(b.logicalId));
  if (resources.length) {
    const c = counts(result);
    lines.push(`${c.added} added, ${c.updated} updated, ${c.replaced} replaced${c.mayReplace ? `, ${c.mayReplace} may be replaced` : ''}, ${c.removed} removed${c.destructive ? `, **${c.destructive} destructive**` : ''}.`, '');
    lines.push(table([' ', 'Change', 'Resource', 'Type', 'Details'],
      resources.map(r => [r.destructive ? '⛔' : ' ', CHANGE_LABEL[r.change], resourceName(r, formatter), code(r.type), details(r)])));
    lines.push('');
  } else {
    lines.push('No resource changes.', '');
  }
  const other = otherSections(diff);
  if (other.length) lines.push(`Also changed: ${other.join('; ')}.`, '');

  const iam = diff.iamChanges;
  if (iam.statements.hasChanges) lines.push('#### IAM statement changes', '', engineTable(iam.summarizeStatements(), formatter), '');
  if (iam.managedPolicies.hasChanges) lines.push('#### IAM managed policy changes', '', engineTable(iam.summarizeManagedPolicies(), formatter), '');
  if (iam.ssoPermissionSets.hasChanges) lines.push('#### IAM Identity Center permission set changes', '', engineTable(iam.summarizeSsoPermissionSets(), formatter), '');
  if (iam.ssoInstanceACAConfigs.hasChanges) lines.push('#### IAM Identity Center ACA config changes', '', engineTable(iam.summarizeSsoInstanceACAConfigs(), formatter), '');
  if (iam.ssoAssignments.hasChanges) lines.push('#### IAM Identity Center assignment changes', '', engineTable(iam.summarizeSsoAssignments(), formatter), '');
  if (diff.securityGroupChanges.hasChanges) lines.push('#### Security group rule changes', '', engineTable(diff.securityGroupChanges.summarize(), formatter), '');
  if (iam.hasChanges || diff.securityGroupChanges.hasChanges) {
    lines.push('_There may be security-related changes not in these tables (aws-cdk issue 1299)._', '');
  }

  if (!diff.isEmpty) {
    const cap = captureStream();
    cfnDiff.formatDifferences(cap.stream, diff, paths);
    let text = cap.text().trim();
    if (text.length > FULL_DIFF_LIMIT) text = `${text.slice(0, FULL_DIFF_LIMIT)}\n... (truncated; run tools/pr-diff locally for the rest)`;
    lines.push('<details><summary>Full diff (cdk diff format)</summary>', '', '```', text.replace(/```/g, "'''"), '```', '', '</details>', '');
  }
}

/**
 * stacks: classifyDirs() output. Returns { markdown, destructive: [{stack, logicalId, type, change}],
 * serversReplaced: [{stack, ...lib/servers.js entry}], exitCode }. Server replacements never change the exit code.
 */
function renderReport(stacks, { baseLabel = 'base', headLabel = 'head', allowDestructive = false } = {}) {
  const lines = [`## CloudFormation diff: ${code(baseLabel)} → ${code(headLabel)}`, ''];
  const changed = stacks.filter(s => s.result.stack !== 'unchanged');
  const unchanged = stacks.filter(s => s.result.stack === 'unchanged');
  const destructive = [];
  for (const s of stacks) {
    for (const r of s.result.resources) {
      if (r.destructive) destructive.push({ stack: s.name, logicalId: r.logicalId, type: r.type, change: r.change });
    }
  }

  if (destructive.length && !allowDestructive) {
    lines.push(`> [!CAUTION]\n> **${destructive.length} destructive change(s)**: replacement or removal of a stateful or traffic-path resource. `
      + 'If this is intended, re-run with `--allow-destructive` (in CI: add the PR label that sets `PR_DIFF_ALLOW_DESTRUCTIVE=true`).', '');
  } else if (destructive.length) {
    lines.push(`> [!WARNING]\n> **${destructive.length} destructive change(s)**, allowed for this run (\`--allow-destructive\` / \`PR_DIFF_ALLOW_DESTRUCTIVE=true\`).`, '');
  } else {
    lines.push('No destructive changes (no replacement or removal of a stateful or traffic-path resource).', '');
  }

  if (!stacks.length) {
    lines.push('No stacks were synthesized on either side.', '');
  } else if (!changed.length) {
    lines.push(`No changes in ${stacks.length} stack(s).`, '');
  } else {
    const yes = b => (b ? 'yes' : '');
    lines.push(table(['Stack', 'Status', 'Added', 'Updated', 'Replaced', 'Removed', 'Destructive', 'IAM', 'Security groups'],
      changed.map(s => {
        const c = counts(s.result);
        return [code(s.name), s.result.stack, c.added, c.updated, c.replaced + c.mayReplace, c.removed,
          c.destructive ? `⛔ ${c.destructive}` : '', yes(s.result.iamChanges), yes(s.result.securityGroupChanges)].map(String);
      }),
      ['---', '---', '---:', '---:', '---:', '---:', '---:', ':-:', ':-:']));
    lines.push('');
    if (unchanged.length) lines.push(`Unchanged: ${unchanged.map(s => code(s.name)).join(', ')}.`, '');
    const servers = changed.flatMap(s => (s.result.serversReplaced || []).map(r => serverLine(s, r)));
    if (servers.length) {
      lines.push('### Servers replaced', '',
        '_A changed launch template (or a mapping or parameter it reads) makes CloudFormation replace the servers of the Auto Scaling group that uses it, by the group\'s update policy. Expected for a new image; not counted as destructive._', '',
        ...servers, '');
    }
    for (const s of changed) renderStack(s, lines);
  }
  lines.push(`<sub>Destructive types: ${DESTRUCTIVE_TYPES.length} entries, listed in tools/cfn-diff/lib/destructive-types.js and docs/pr-diff.md.</sub>`, '');

  const exitCode = destructive.length && !allowDestructive ? 2 : 0;
  const serversReplaced = stacks.flatMap(s => (s.result.serversReplaced || []).map(r => ({ stack: s.name, ...r })));
  return { markdown: lines.join('\n'), destructive, serversReplaced, exitCode };
}

module.exports = { renderReport, stripAnsi, cell };
