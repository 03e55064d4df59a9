import type { AssayConfig } from '@assay/config';
import type { Registry } from 'prom-client';
import { ChatJudgeClient } from './chat-judge-client.js';

/** The process's VLM judge from the configuration, or undefined when VLM_JUDGE_URL is unset. Call once per process. */
export function createChatJudgeClient(config: Pick<AssayConfig, 'vlmJudge'>, registry?: Registry): ChatJudgeClient | undefined {
  const j = config.vlmJudge;
  if (!j) return undefined;
  return new ChatJudgeClient({ ...j, registry });
}
