// Public API of @chassis/recording: the Data Recording stack (SPEC.md §6).
export {};
