export declare function rewriteSpecifiers(code: string, outFile: string): string;
export declare function buildDist(): { files: number; ms: number };
