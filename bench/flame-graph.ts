/**
 * A V8 CPU profile (`node --cpu-prof`, .cpuprofile JSON) as
 * - a breakdown by component: each sample is charged to the innermost frame on its stack that
 *   belongs to a Chassis component (so Node's crc32 under the journal counts as journal, a
 *   typed-array copy under the feeder as feeder), with GC, idle and start-up on their own;
 * - an SVG flame graph (root at the bottom, width = inclusive time, coloured by component,
 *   a <title> tooltip per frame), pruned below `minFraction` of the total.
 * Hand-written rather than a dependency: the established tool (0x) profiles with its own
 * capture and pulls in browserify; this is a tree walk and some rectangles.
 */

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Component {
  readonly name: string;
  readonly color: string;
  readonly test: (url: string, functionName: string) => boolean;
}

const under = (re: RegExp) => (url: string) => re.test(url);

/** First match wins when a frame is classified; order from specific to general. */
export const COMPONENTS: readonly Component[] = [
  { name: 'journal (own events, market digest, CRC-32, SHA-256, write)', color: '#e8a33d', test: under(/packages\/backtesting\/(src|dist)\/journal\//) },
  { name: 'timeline (two-clock merge, feed window)', color: '#d9673a', test: under(/packages\/backtesting\/(src|dist)\/(timeline|feed-window|exchange-order|event-stream|obligation-book)\.[jt]s/) },
  { name: 'feeder (batches → events, repeat shift)', color: '#c9853f', test: under(/packages\/backtesting\/(src|dist)\/feeder\.[jt]s/) },
  { name: 'run recorder, series and artifacts', color: '#b8926a', test: under(/packages\/backtesting\/(src|dist)\//) },
  { name: 'core: state hash (checkpoints)', color: '#5b7fc7', test: under(/packages\/core\/(src|dist)\/state\/state-(hash|encoding)\.[jt]s/) },
  { name: 'core: L2 book', color: '#4f9bd9', test: under(/packages\/core\/(src|dist)\/market\//) },
  { name: 'core: step (derive, risk, execution control)', color: '#3c6fb0', test: under(/packages\/core\/(src|dist)\//) },
  { name: 'strategy (example market maker)', color: '#8e6cc4', test: under(/examples\/strategies\/|\.cache\/chassis-strategies\//) },
  { name: 'venue: exchange book', color: '#55b36a', test: under(/packages\/venues\/(src|dist)\/simulated\/book\.[jt]s/) },
  { name: 'venue: matching, queue, latency', color: '#3d9450', test: under(/packages\/venues\/(src|dist)\//) },
  { name: 'storage: canonical read (columnar cache, DuckDB)', color: '#9aa53a', test: under(/packages\/storage\/|@duckdb/) },
  { name: 'start-up (module loading, TypeScript transform)', color: '#9a9a9a', test: under(/node_modules\/tsx\/|node:internal\/modules\/|cjs-module-lexer/) },
];
const SPECIAL: Record<string, { name: string; color: string }> = {
  '(garbage collector)': { name: 'garbage collector', color: '#c44d4d' },
  '(idle)': { name: 'idle (waiting for I/O)', color: '#e0e0e0' },
  '(program)': { name: 'V8 (program)', color: '#b0b0b0' },
};
const OTHER = { name: 'other', color: '#c8c8c8' };

function classify(node: CpuProfileNode): { name: string; color: string } | null {
  const { url, functionName } = node.callFrame;
  const special = SPECIAL[functionName];
  if (special && url === '') return special;
  for (const c of COMPONENTS) if (c.test(url, functionName)) return c;
  return null;
}

export interface ComponentShare {
  readonly name: string;
  readonly color: string;
  readonly ms: number;
  readonly fraction: number;
}

interface Tree {
  readonly byId: Map<number, CpuProfileNode>;
  readonly parent: Map<number, number>;
  /** Self time per node id (µs). */
  readonly self: Map<number, number>;
  readonly totalUs: number;
  readonly rootId: number;
}

function treeOf(p: CpuProfile): Tree {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = p.timeDeltas[i] ?? 0;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + d);
    totalUs += d;
  }
  const root = p.nodes.find((n) => !parent.has(n.id));
  if (!root) throw new Error('cpu profile has no root node');
  return { byId, parent, self, totalUs, rootId: root.id };
}

/** Time per component, largest first; fractions sum to 1. */
export function componentBreakdown(p: CpuProfile): ComponentShare[] {
  const t = treeOf(p);
  const acc = new Map<string, { color: string; us: number }>();
  for (const [id, us] of t.self) {
    let c: { name: string; color: string } | null = null;
    for (let at: number | undefined = id; at !== undefined && c === null; at = t.parent.get(at)) c = classify(t.byId.get(at)!);
    const k = c ?? OTHER;
    const e = acc.get(k.name) ?? { color: k.color, us: 0 };
    e.us += us;
    acc.set(k.name, e);
  }
  return [...acc]
    .map(([name, e]) => ({ name, color: e.color, ms: e.us / 1000, fraction: t.totalUs > 0 ? e.us / t.totalUs : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const shortUrl = (url: string) => url.replace(/^.*\/(packages|node_modules|examples|bench)\//, '$1/').replace(/^file:\/\//, '');

/** Self time per function (name and short file), largest first (ties by name), in ms. */
export function selfTimeByFunction(p: CpuProfile): { fn: string; ms: number }[] {
  const t = treeOf(p);
  const acc = new Map<string, number>();
  for (const [id, us] of t.self) {
    const cf = t.byId.get(id)!.callFrame;
    const k = `${cf.functionName || '(anonymous)'} ${cf.url ? shortUrl(cf.url) : ''}`.trim();
    acc.set(k, (acc.get(k) ?? 0) + us);
  }
  return [...acc].map(([fn, us]) => ({ fn, ms: us / 1000 })).sort((a, b) => b.ms - a.ms || (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0));
}


export interface FlameGraphOptions {
  readonly title: string;
  readonly width?: number;
  /** Frames narrower than this fraction of the total are not drawn (default 0.001). */
  readonly minFraction?: number;
  /** Frames deeper than this are not drawn (default 40; module loading recurses far deeper). */
  readonly maxDepth?: number;
}

/** The profile as an SVG flame graph (root at the bottom). */
export function flameGraphSvg(p: CpuProfile, o: FlameGraphOptions): string {
  const t = treeOf(p);
  const width = o.width ?? 1600;
  const minFraction = o.minFraction ?? 0.001;
  const depthCap = o.maxDepth ?? 40;
  const rowH = 17;
  const inclusive = new Map<number, number>();
  const incl = (id: number): number => {
    let us = t.self.get(id) ?? 0;
    for (const c of t.byId.get(id)!.children ?? []) us += incl(c);
    inclusive.set(id, us);
    return us;
  };
  const total = incl(t.rootId);
  const rects: { x: number; depth: number; w: number; label: string; tip: string; color: string }[] = [];
  let maxDepth = 0;
  const place = (id: number, x: number, depth: number, color: string): void => {
    const n = t.byId.get(id)!;
    const us = inclusive.get(id)!;
    if (total === 0 || us / total < minFraction || depth > depthCap) return;
    const c = classify(n);
    const own = c?.color ?? color;
    const w = (us / total) * width;
    const fn = n.callFrame.functionName || '(anonymous)';
    const where = n.callFrame.url ? ` ${shortUrl(n.callFrame.url)}` : '';
    rects.push({ x, depth, w, label: fn, tip: `${fn}${where} — ${((us / total) * 100).toFixed(2)} % (${(us / 1000).toFixed(0)} ms)`, color: own });
    maxDepth = Math.max(maxDepth, depth);
    let cx = x;
    // Children ordered by name (flame graph convention), so the picture does not depend on sampling order.
    const kids = [...(n.children ?? [])].sort((a, b) => {
      const fa = t.byId.get(a)!.callFrame;
      const fb = t.byId.get(b)!.callFrame;
      return (fa.functionName + fa.url).localeCompare(fb.functionName + fb.url);
    });
    for (const k of kids) {
      place(k, cx, depth + 1, own);
      cx += (inclusive.get(k)! / total) * width;
    }
  };
  place(t.rootId, 0, 0, OTHER.color);
  const top = 30;
  const legendRows = Math.ceil((COMPONENTS.length + 3) / 4);
  const height = top + (maxDepth + 1) * rowH + 16 + legendRows * 18 + 8;
  const y = (depth: number) => top + (maxDepth - depth) * rowH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="4" y="18" font-size="14">${esc(o.title)}</text>`);
  for (const r of rects) {
    const chars = Math.floor((r.w - 4) / 6.6);
    const text = chars >= 3 ? (r.label.length > chars ? `${r.label.slice(0, chars - 1)}…` : r.label) : '';
    out.push(
      `<g><title>${esc(r.tip)}</title><rect x="${r.x.toFixed(1)}" y="${y(r.depth)}" width="${Math.max(0.5, r.w - 0.5).toFixed(1)}" height="${rowH - 1}" fill="${r.color}" rx="1"/>` +
        (text ? `<text x="${(r.x + 3).toFixed(1)}" y="${y(r.depth) + 12}">${esc(text)}</text>` : '') +
        `</g>`,
    );
  }
  const legend = [...COMPONENTS, ...Object.values(SPECIAL)];
  const ly = top + (maxDepth + 1) * rowH + 16;
  legend.forEach((c, i) => {
    const lx = 4 + (i % 4) * (width / 4);
    const yy = ly + Math.floor(i / 4) * 18;
    out.push(`<rect x="${lx.toFixed(0)}" y="${yy}" width="12" height="12" fill="${c.color}"/><text x="${(lx + 16).toFixed(0)}" y="${yy + 10}">${esc(c.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
