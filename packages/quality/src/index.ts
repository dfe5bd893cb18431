// Public API of @chassis/quality.
export {};
