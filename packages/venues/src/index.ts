// Public API of @chassis/venues.
export {};
