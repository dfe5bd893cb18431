export declare const isCompiledSource: (name: string) => boolean;
export declare function distIsCurrent(packagesDir: string, stampPath: string): boolean;
