/** The simulated fleet behind `appban demo` and the benchmarks. */
export { AppUniverse, PLANTED_APPS } from './apps.js';
export { toBulkDevice, toInventorySnapshots } from './demo.adapters.js';
export { type DemoOptions, type DemoSummary, runDemo } from './demo.js';
export { type DemoDevice, FleetGenerator, type FleetShape } from './fleet.generator.js';
