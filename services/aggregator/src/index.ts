export * from './aggregator-service.js';
