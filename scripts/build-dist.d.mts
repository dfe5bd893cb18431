export declare function rewriteSpecifiers(code: string, outFile: string): string;
export declare function buildDist(): { files: number; ms: number };
export declare const BUNDLE_FILE: string;
export declare function withPerFileModuleUrl(source: string, sourcePath: string, outDir: string): string;
export declare function withBinImport(code: string): string;
export declare function bundleCli(outFile?: string): Promise<string>;
export declare function withShakableZod(source: string): string;
export declare function withLazyChildProcess(source: string): string;
export declare function asciiOnly(code: string): string;
