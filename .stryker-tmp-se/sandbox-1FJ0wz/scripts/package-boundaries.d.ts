// @ts-nocheck
export declare const packageBoundaries: Record<string, { allowed: string[]; forbiddenPackages: string[]; pure: boolean }>;
