import type { Modality, StudyItem, StudyRecord } from '@assay/contracts';

/**
 * The Label Studio project a study becomes. Object tags (and task data keys) are `a` and `b` for pairwise items,
 * `asset` for single ones; each rubric dimension is a control tag named by its key, so `from_name` in the
 * results is the dimension key.
 *
 * Pairwise uses `<Choices>` with A / B / about the same rather than `<Pairwise>`: `<Pairwise>` has no tie and
 * records a screen side (`left`/`right`), while the study records which of the item's assets won. The choices
 * carry an `alias` so results read `a`, `b` or `tie` whatever the labels say.
 */
export const PAIR_OBJECTS = ['a', 'b'] as const;
export const SINGLE_OBJECT = 'asset';
export const PREFERENCES = [
  { alias: 'a', label: 'A is better' },
  { alias: 'b', label: 'B is better' },
  { alias: 'tie', label: 'About the same' },
] as const;
export const CHECK_CHOICES = { yes: true, no: false } as const;

// Label Studio has no 3D viewer: a 3D asset is shown as its link
const OBJECT_TAG: Record<Modality, string> = { image: 'Image', video: 'Video', audio: 'Audio', '3d': 'Text' };

/** A study shows one kind of media; its first item tells which. */
export function studyModality(items: readonly StudyItem[]): Modality {
  return items[0]?.assets[0]?.modality ?? 'image';
}

export function labelConfigFor(study: StudyRecord, modality: Modality): string {
  const tag = OBJECT_TAG[modality];
  const lines = [
    '<View>',
    `  <Header value="${xmlAttr(study.name)}"/>`,
    `  <Text name="instructions" value="${xmlAttr(study.instructions)}"/>`,
  ];
  lines.push('  <Text name="prompt" value="$prompt"/>');
  if (study.protocol === 'pairwise') {
    const [dimension] = study.dimensions;
    lines.push('  <View style="display: flex; gap: 1em;">');
    for (const name of PAIR_OBJECTS) {
      lines.push(`    <View><Header value="${name.toUpperCase()}"/><${tag} name="${name}" value="$${name}"/></View>`);
    }
    lines.push('  </View>', ...dimensionHeader(dimension.key, dimension.label, dimension.instructions));
    lines.push(`  <Choices name="${dimension.key}" toName="a" choice="single-radio" required="true" showInline="true">`);
    for (const p of PREFERENCES.filter((p) => study.allowTies || p.alias !== 'tie')) {
      lines.push(`    <Choice value="${p.label}" alias="${p.alias}"/>`);
    }
    lines.push('  </Choices>');
  } else {
    lines.push(`  <${tag} name="${SINGLE_OBJECT}" value="$${SINGLE_OBJECT}"/>`);
    for (const d of study.dimensions) {
      const help = study.protocol === 'likert' && d.anchors?.length ? `${d.instructions} (${d.anchors.join(' · ')})` : d.instructions;
      lines.push(...dimensionHeader(d.key, d.label, help));
      lines.push(
        study.protocol === 'likert'
          ? `  <Rating name="${d.key}" toName="${SINGLE_OBJECT}" maxRating="${study.scalePoints}" required="true"/>`
          : `  <Choices name="${d.key}" toName="${SINGLE_OBJECT}" choice="single-radio" required="true" showInline="true">` +
              Object.keys(CHECK_CHOICES)
                .map((c) => `<Choice value="${c}"/>`)
                .join('') +
              '</Choices>',
      );
    }
  }
  lines.push('</View>');
  return `${lines.join('\n')}\n`;
}

// instructions are literal text (not a `$field`): they are the same for every task
function dimensionHeader(key: string, label: string, instructions: string): string[] {
  return [`  <Header value="${xmlAttr(label)}"/>`, `  <Text name="help_${key}" value="${xmlAttr(instructions)}"/>`];
}

function xmlAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
