// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';
// Control API (control/): the session's authenticated HTTP surface and `chassis ctl`'s client.
export { startControlServer } from './control/control-server.ts';
export type { ControlServer, ControlServerOptions, ControlLog, ControlRefusal } from './control/control-server.ts';
export { locateSession, sendControl, executionRecordsDir } from './control/control-client.ts';
export type { SessionEndpoint, ControlAnswer } from './control/control-client.ts';
export type { ControlAction } from './control/control-routes.ts';
export { readControlInfo, processAlive, CONTROL_INFO_FILE } from './control/control-info.ts';
export type { ControlInfo } from './control/control-info.ts';
export { CONTROL_TOKEN_FILE } from './control/control-token.ts';
export { formatSessionStatus } from './control/status-text.ts';
// Session metrics (metrics/): the chassis_live_* metrics of the monitoring catalog.
export { createLiveMetrics } from './metrics/live-metrics.ts';
export type { LiveMetrics, LiveMetricsLabels } from './metrics/live-metrics.ts';
