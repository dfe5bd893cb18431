/**
 * Parameter names a strategy understands. A misspelt `--param spredTicks=3` or sweep axis would
 * otherwise run with the default and look like a valid result; create() throws instead, and the
 * runtime reports it as E_STRATEGY_PARAMS naming the module.
 */
// @ts-nocheck

export function rejectUnknownParams(params: object, known: readonly string[]): void {
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`unknown param${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; this strategy takes ${known.join(', ')}`);
}
