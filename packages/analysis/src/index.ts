// Public API of @chassis/analysis.
export {};
