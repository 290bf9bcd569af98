// The types the API's signatures name that live in src/report and src/rules, re-exported here so
// the package's entry point imports only src/api for them (and the architecture test can say so).
export type { AnalyzeReport } from '../report/analyze/analyze.js';
export type { SessionReport, SessionPartialView } from '../report/session/session.js';
export type { TraceReportInput, TraceReportOptions } from '../report/trace/view.js';
export type { FindingRole, RuleMeta, Severity } from '../rules/api.js';
export { ReportTooLargeError } from '../report/ticket/markdown/report.js';
