#!/usr/bin/env node
import { runOpsService } from '@assay/lifecycle';
import { startAggregatorService } from './aggregator-service.js';

await runOpsService('aggregator', startAggregatorService);
