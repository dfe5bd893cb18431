// The dependency direction of the architecture, as data. Read by eslint.config.js (lint rule)
// and by test/boundaries.test.ts (a scan that also catches relative imports across packages).
// A package may import only the packages NOT listed as forbidden for it.
const all = ['core', 'venues', 'storage', 'quality', 'backtesting', 'analysis', 'experiments', 'monitoring', 'recording', 'live', 'cli'];
const allowed = {
  core: [],
  venues: ['core'],
  storage: ['core'],
  quality: ['core', 'venues', 'storage'],
  backtesting: ['core', 'venues', 'storage', 'quality'],
  analysis: ['core', 'storage', 'backtesting'],
  experiments: ['core', 'storage', 'backtesting', 'analysis', 'monitoring'],
  monitoring: ['core'],
  recording: ['core', 'venues', 'storage', 'quality', 'monitoring'],
  live: ['core', 'venues', 'storage', 'quality', 'backtesting', 'analysis', 'monitoring', 'recording'],
  cli: ['core', 'venues', 'storage', 'quality', 'backtesting', 'analysis', 'experiments', 'monitoring', 'recording', 'live'],
};
export const packageBoundaries = Object.fromEntries(
  all.map((pkg) => [
    pkg,
    { allowed: allowed[pkg], forbiddenPackages: all.filter((p) => p !== pkg && !allowed[pkg].includes(p)), pure: pkg === 'core' },
  ]),
);
