export declare const isCompiledSource: (name: string) => boolean;
export declare function sourceDirs(packagesDir: string): Record<string, [mtimeMs: number, sources: string[], dirs: string[]]>;
export declare function distIsCurrent(packagesDir: string, stampPath: string): boolean;
export declare function currentBuild(packagesDir: string, stampPath: string): { files: number; newestSourceMs: number; bundle?: string } | null;
