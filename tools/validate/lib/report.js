'use strict';
const { truncate } = require('./util');
const { describe } = require('./acks');

function status(f) {
  if (f.ack) return 'acknowledged';
  return f.blocking ? 'BLOCKING' : 'non-blocking';
}

function summarize(results, order) {
  return order.map((name) => {
    const r = results[name];
    const fs = r.findings || [];
    return {
      validator: name,
      ok: r.ok,
      findings: fs.length,
      acknowledged: fs.filter((f) => f.ack).length,
      nonBlocking: fs.filter((f) => !f.ack && !f.blocking).length,
      blocking: fs.filter((f) => !f.ack && f.blocking).length,
      seconds: (r.ms / 1000).toFixed(1),
      version: r.meta?.version || '',
      note: r.ok ? (r.meta?.scanned || '') : 'VALIDATOR FAILED',
    };
  });
}

function sortFindings(fs) {
  const rank = (f) => (f.ack ? 2 : f.blocking ? 0 : 1);
  return [...fs].sort((a, b) => rank(a) - rank(b) || a.template.localeCompare(b.template)
    || a.logicalId.localeCompare(b.logicalId) || a.rule.localeCompare(b.rule));
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function textTable(rows, headers) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => pad(c, widths[i])).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function consoleReport(run, { showAcknowledged }) {
  const out = [];
  const { results, order } = run;
  for (const name of order) {
    const r = results[name];
    if (!r.ok) {
      out.push(`\n== ${name}: FAILED TO RUN\n${r.error}`);
      continue;
    }
    const shown = sortFindings(r.findings).filter((f) => showAcknowledged || !f.ack);
    const acked = r.findings.length - r.findings.filter((f) => !f.ack).length;
    out.push(`\n== ${name} (${r.meta?.version || ''}): ${r.findings.length} finding(s), ${acked} acknowledged`);
    for (const f of shown) {
      const tag = f.ack ? `ACK#${f.ack.index}` : f.blocking ? 'BLOCK' : 'warn ';
      out.push(`  ${tag} ${f.template} :: ${f.logicalId || '(template)'} :: ${f.rule} :: ${truncate(f.message, 260)}`);
    }
    if (!showAcknowledged && acked) out.push(`  (${acked} acknowledged finding(s) not listed; --show-acknowledged lists them)`);
  }
  if (run.stale.length) {
    out.push(`\n== stale acknowledgements (match nothing; remove them): ${run.stale.length}`);
    for (const a of run.stale) out.push(`  warn  ${describe(a)}`);
  }
  if (run.expired.length) {
    out.push(`\n== expired acknowledgements (acknowledge nothing any more): ${run.expired.length}`);
    for (const a of run.expired) out.push(`  warn  ${describe(a)} expired ${a.expires}`);
  }
  const rows = summarize(results, order).map((s) => [s.validator, s.findings, s.acknowledged, s.nonBlocking, s.blocking, s.seconds, s.note]);
  out.push(`\nTemplates: ${run.templates.length} under ${run.cdkOut}`);
  out.push(textTable(rows, ['validator', 'findings', 'acknowledged', 'non-blocking', 'blocking', 'seconds', 'note']));
  out.push(`total ${(run.ms / 1000).toFixed(1)} s wall clock; result: ${run.verdict}`);
  return out.join('\n');
}

const md = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function markdownReport(run) {
  const { results, order } = run;
  const out = [];
  out.push('# Validation report', '');
  out.push(`- cloud assembly: \`${run.cdkOutDisplay}\` (${run.templates.length} template(s))`);
  out.push(`- run: ${run.startedAt}, ${(run.ms / 1000).toFixed(1)} s wall clock, ${run.jobs} job(s)`);
  out.push(`- acknowledgements: \`${run.acksFileDisplay}\` (${run.ackCount} entries)`);
  out.push(`- result: **${run.verdict}**`, '');
  out.push('| validator | findings | acknowledged | non-blocking | blocking | seconds | version |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const s of summarize(results, order)) {
    out.push(`| ${s.validator}${s.ok ? '' : ' (FAILED)'} | ${s.findings} | ${s.acknowledged} | ${s.nonBlocking} | ${s.blocking} | ${s.seconds} | ${md(s.version)}${s.note && s.ok ? `; ${md(s.note)}` : ''} |`);
  }
  out.push('', '## Templates', '', '| template | stack | region |', '| --- | --- | --- |');
  for (const t of run.templates) out.push(`| ${md(t.rel)} | ${md(t.stack)} | ${t.region || '(agnostic)'} |`);
  for (const name of order) {
    const r = results[name];
    out.push('', `## ${name}`, '');
    if (!r.ok) {
      out.push('Validator failed to run:', '', '```', r.error, '```');
      continue;
    }
    if (!r.findings.length) { out.push('No findings.'); continue; }
    out.push('| status | template | logical id | rule | message |', '| --- | --- | --- | --- | --- |');
    for (const f of sortFindings(r.findings)) {
      const st = f.ack ? `acknowledged (#${f.ack.index})` : status(f);
      out.push(`| ${st} | ${md(f.template)} | ${md(f.logicalId || '(template)')} | ${md(f.rule)} | ${md(f.message)}${f.location ? ` — \`${md(f.location)}\`` : ''} |`);
    }
  }
  if (run.stale.length || run.expired.length) {
    out.push('', '## Acknowledgements needing attention', '');
    for (const a of run.stale) out.push(`- stale (matches nothing): ${md(describe(a))}`);
    for (const a of run.expired) out.push(`- expired ${a.expires}: ${md(describe(a))}`);
  }
  return `${out.join('\n')}\n`;
}

module.exports = { consoleReport, markdownReport, summarize };
