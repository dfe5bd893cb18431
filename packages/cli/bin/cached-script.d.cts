export declare function cachePathOf(file: string, hash: string, name: string): string;
export declare function runCachedScript(options: {
  file: string;
  hash: string;
  name: string;
  dynamicImport: (specifier: string) => Promise<unknown>;
}): { exports: Record<string, unknown>; cache: 'used' | 'rejected' | 'none'; saveCache: () => boolean };
