// Which Node.js runs Chassis. The storage columnar cache and the OKX book checksum call
// `zlib.crc32`, added in Node 20.15.0 and 22.2.0 (absent from all of 21.x); an older Node would
// fail at module link time with a SyntaxError about a missing export, so bin/chassis.js checks
// first. Every package.json `engines.node` states the same range (a test pins them together).

/** The npm `engines.node` range of every package. */
export const SUPPORTED_NODE_RANGE = '^20.15.0 || >=22.2.0';

/** Lowest supported minor per major line; majors below the first or between lines are unsupported. */
const LOWEST_PER_MAJOR: readonly (readonly [major: number, minor: number])[] = [
  [20, 15],
  [22, 2],
];

function supported(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 20) return minor >= LOWEST_PER_MAJOR[0]![1];
  if (major === 22) return minor >= LOWEST_PER_MAJOR[1]![1];
  return major > 22;
}

/** Null when `nodeVersion` (e.g. `process.versions.node`, "20.11.0") is supported, else the message to print. */
export function unsupportedNodeMessage(nodeVersion: string): string | null {
  if (supported(nodeVersion)) return null;
  return `Chassis needs Node.js ${SUPPORTED_NODE_RANGE} (it uses zlib.crc32); this is Node.js ${nodeVersion}`;
}
