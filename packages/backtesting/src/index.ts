// Public API of @chassis/backtesting.
export {};
