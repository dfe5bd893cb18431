// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';
