// Public API of @chassis/monitoring.
export {};
