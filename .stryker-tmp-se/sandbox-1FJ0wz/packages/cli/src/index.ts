// @ts-nocheck
export { main, buildProgram } from './main.ts';
