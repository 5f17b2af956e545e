/** Compliance: the engine, the service over the store, reports. What the CLI and the server use. */
export {
  type ApplyBanOptions,
  type ApplyBanResult,
  type ComplianceService,
  type ComplianceServiceDeps,
  createComplianceService,
  type IngestOptions,
  type IngestResult,
  type ReevaluateOptions,
} from './compliance.service.js';
export { type CompiledBan, compileBan } from './engine/compile.js';
export { DEFAULT_STALENESS_MS, evaluateDevice, type Finding } from './engine/evaluate.js';
export { evaluateFleet, scanBannedApps } from './engine/fleet.evaluate.js';
export { Fleet } from './engine/fleet.js';
export { COMPLIANCE_STATES, type ComplianceState, type StateCounts } from './engine/states.js';
export { deriveTimeline, type FindingChange } from './engine/timeline.js';
export { loadFleet } from './fleet.loader.js';
export type { HistoryEvidence } from './history/evidence.js';
export type { RederiveResult } from './rederive.js';
export { REPORT_FORMATS, type ReportFormat, renderReport } from './report/render.js';
export type {
  ComplianceReport,
  ReportBan,
  ReportFinding,
  ReportGroup,
  ReportQuery,
} from './report/report.types.js';
