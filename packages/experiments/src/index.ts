// Public API of @chassis/experiments.
export {};
