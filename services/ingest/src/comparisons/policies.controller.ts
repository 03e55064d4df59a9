import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { AssayError, ErrorCode } from '@assay/contracts';
import type { PolicyCatalog, PolicyDefinition } from '@assay/policies';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import { POLICIES } from '../tokens.js';

/** Launch policies a comparison can be judged by (built in, POLICIES_DIR, POLICIES_URI). */
@Controller('v1/policies')
@UseGuards(ApiKeyGuard)
export class PoliciesController {
  constructor(@Inject(POLICIES) private readonly policies: PolicyCatalog) {}

  @Get()
  list(): PolicyDefinition[] {
    return this.policies.list();
  }

  @Get(':name')
  one(@Param('name') name: string): PolicyDefinition {
    const policy = this.policies.get(name);
    if (!policy) throw new AssayError(ErrorCode.PolicyNotFound, `no policy ${name}; GET /v1/policies lists them`);
    return policy;
  }
}
