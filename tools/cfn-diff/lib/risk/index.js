'use strict';
/**
 * Deploy-safety classification of one stack's change: every classifier (one concern per file)
 * over the same inputs. Each finding: { category, rule, resource, message, rollback }.
 */
const CLASSIFIERS = [require('./downtime'), require('./access'), require('./data')];
const CATEGORIES = CLASSIFIERS.map(c => c.category);

/**
 * input: { oldTemplate, newTemplate, result, diff, paths, oldStackInfo?, newStackInfo?, oldRawTemplate?,
 * newRawTemplate?, releases? }: the templates at their declared state (lib/risk-report.js
 * atDeclaredState), the ones as written where the engine's result is read with them.
 */
function classifyRisks(input) {
  return CLASSIFIERS.flatMap(c => c.classify({ ...input, oldTemplate: input.oldTemplate || {}, newTemplate: input.newTemplate || {} })
    .map(f => ({ category: c.category, ...f })));
}

module.exports = { classifyRisks, CATEGORIES };
