#!/usr/bin/env node
import { runOpsService } from '@assay/lifecycle';
import { startWorkerService } from './worker-service.js';

await runOpsService('worker', startWorkerService);
