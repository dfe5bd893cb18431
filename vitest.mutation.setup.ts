// Mutation runs only: fewer fast-check runs per property (25 instead of 100), so that instrumented
// oracles (the book oracle runs thousands of book operations per case) finish within the timeout
// for each of the ~2,500 mutants. A property that catches a mutant usually does so in its first
// cases; the full 100 still run in `npm test`.
import fc from 'fast-check';

fc.configureGlobal({ numRuns: 25 });
