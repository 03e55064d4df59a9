import type { TextTokenizer, TokenizerSpec } from '@assay/models';
import { ClipBpeTokenizer } from '@assay/tokenizers';

/** The tokenizer a model manifest names, from its vocabulary file (loaded once per path by the tokenizer). */
export async function loadTokenizer(spec: TokenizerSpec, vocabPath: string): Promise<TextTokenizer> {
  switch (spec.type) {
    case 'clip-bpe':
      return ClipBpeTokenizer.load(vocabPath);
  }
}
