export * from './run-intake.js';
export * from './comparison-requests.js';
