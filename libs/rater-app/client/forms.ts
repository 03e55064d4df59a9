/** The answer controls of one task, whatever the protocol. */
interface AnswerForm {
  readonly fieldsets: HTMLElement[];
  /** the answer once every question has one, else null */
  value(): AnswerValue | null;
  /** the label of the first question without an answer, focused; null when none is missing */
  focusMissing(): string | null;
  /** applies a shortcut key of the protocol; false when the key is not one */
  applyKey(key: string): boolean;
}

interface Choice {
  value: string;
  label: string;
  /** a Likert anchor: the scale point's name */
  hint?: string;
  keys: string[];
  /** the key names for aria-keyshortcuts */
  shortcuts: string;
}

interface RadioGroup {
  fieldset: HTMLFieldSetElement;
  inputs: HTMLInputElement[];
  dimension: RubricDimension;
}

function radioGroup(dimension: RubricDimension, choices: Choice[], layout: 'row' | 'scale'): RadioGroup {
  const name = uniqueId(`dim-${dimension.key}`);
  const instructionsId = uniqueId('instructions');
  const inputs = choices.map((c) => el('input', { type: 'radio', name, value: c.value, 'aria-keyshortcuts': c.shortcuts }));
  const options = choices.map((c, i) => {
    // a scale point's label is its own key: shown once, as a key cap
    const labelIsKey = c.keys.length === 1 && c.keys[0] === c.label;
    const label = el(labelIsKey ? 'kbd' : 'span', { class: 'choice-label' }, c.label);
    return el(
      'label',
      { class: 'choice' },
      inputs[i],
      label,
      c.hint ? el('span', { class: 'choice-hint' }, c.hint) : null,
      labelIsKey ? null : kbd(...c.keys),
    );
  });
  const fieldset = el(
    'fieldset',
    { class: 'question', 'data-dimension': dimension.key, 'aria-describedby': instructionsId },
    el('legend', {}, dimension.label),
    ...dimensionGuide(dimension, instructionsId),
    el('div', { class: `choices choices-${layout}` }, ...options),
  );
  return { fieldset, inputs, dimension };
}

const checkedValue = (group: RadioGroup): string | undefined => group.inputs.find((i) => i.checked)?.value;

function select(group: RadioGroup, value: string): HTMLInputElement | undefined {
  const input = group.inputs.find((i) => i.value === value);
  if (input) input.checked = true;
  return input;
}

/** Focus for a group: its selected option, as Tab would land. */
const focusGroup = (group: RadioGroup) => (group.inputs.find((i) => i.checked) ?? group.inputs[0]).focus();

function answerFormFor(study: StudyView, previous: AnswerValue | undefined, focusSubmit: () => void): AnswerForm {
  if (study.protocol === 'pairwise') return pairwiseForm(study, previous);
  if (study.protocol === 'likert')
    return sequentialForm(study.dimensions, likertChoices(study), ratingsOf(previous), focusSubmit, toRatings);
  return sequentialForm(study.dimensions, BINARY_CHOICES, checksOf(previous), focusSubmit, toChecks);
}

const PAIRWISE_KEYS: Record<string, 'left' | 'right' | 'tie'> = {
  '1': 'left',
  ArrowLeft: 'left',
  '2': 'right',
  ArrowRight: 'right',
  '0': 'tie',
  '=': 'tie',
  t: 'tie',
  T: 'tie',
};

/** Pairwise: one question (the study's only dimension), left, right or (when allowed) about the same. */
function pairwiseForm(study: StudyView, previous: AnswerValue | undefined): AnswerForm {
  const choices: Choice[] = [
    { value: 'left', label: 'Left', keys: ['1', '←'], shortcuts: '1 ArrowLeft' },
    ...(study.allowTies ? [{ value: 'tie', label: 'About the same', keys: ['0', 'T'], shortcuts: '0 = T' }] : []),
    { value: 'right', label: 'Right', keys: ['2', '→'], shortcuts: '2 ArrowRight' },
  ];
  const group = radioGroup(study.dimensions[0], choices, 'row');
  if (previous && 'choice' in previous) select(group, previous.choice);
  return {
    fieldsets: [group.fieldset],
    value: () => {
      const choice = checkedValue(group) as 'left' | 'right' | 'tie' | undefined;
      return choice ? { choice } : null;
    },
    focusMissing: () => {
      if (checkedValue(group)) return null;
      focusGroup(group);
      return group.dimension.label;
    },
    applyKey: (key) => {
      const choice = PAIRWISE_KEYS[key];
      if (!choice) return false;
      // a tie key does nothing where ties are not allowed, and is still not the page's to pass on
      select(group, choice)?.focus();
      return true;
    },
  };
}

function likertChoices(study: StudyView): (dimension: RubricDimension) => Choice[] {
  return (dimension) =>
    Array.from({ length: study.scalePoints }, (_, i) => ({
      value: String(i + 1),
      label: String(i + 1),
      hint: anchorHint(dimension.anchors?.[i], i + 1),
      keys: [String(i + 1)],
      shortcuts: String(i + 1),
    }));
}

/** An anchor without the point number it often repeats ("4 — mostly" under 4 reads "mostly"). */
function anchorHint(anchor: string | undefined, point: number): string | undefined {
  const hint = anchor?.replace(new RegExp(`^\\s*${point}(?!\\d)\\s*(?:[—–:.)-]\\s*)?`), '').trim();
  return hint ? hint : undefined;
}

const BINARY_CHOICES = (): Choice[] => [
  { value: 'yes', label: 'Yes', keys: ['Y'], shortcuts: 'Y' },
  { value: 'no', label: 'No', keys: ['N'], shortcuts: 'N' },
];

function ratingsOf(previous: AnswerValue | undefined): Record<string, string> {
  if (!previous || !('ratings' in previous)) return {};
  return Object.fromEntries(Object.entries(previous.ratings).map(([k, v]) => [k, String(v)]));
}

function checksOf(previous: AnswerValue | undefined): Record<string, string> {
  if (!previous || !('checks' in previous)) return {};
  return Object.fromEntries(Object.entries(previous.checks).map(([k, v]) => [k, v ? 'yes' : 'no']));
}

const toRatings = (values: Record<string, string>): AnswerValue => ({
  ratings: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])),
});
const toChecks = (values: Record<string, string>): AnswerValue => ({
  checks: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === 'yes'])),
});

/**
 * Likert and binary: one question per dimension, answered in order. A key answers the current question (the
 * one holding focus, else the first unanswered) and moves on to the next; after the last, focus goes to submit.
 */
function sequentialForm(
  dimensions: RubricDimension[],
  choicesOf: (dimension: RubricDimension) => Choice[],
  previous: Record<string, string>,
  focusSubmit: () => void,
  toAnswer: (values: Record<string, string>) => AnswerValue,
): AnswerForm {
  const groups = dimensions.map((d) => radioGroup(d, choicesOf(d), 'scale'));
  for (const g of groups) if (previous[g.dimension.key]) select(g, previous[g.dimension.key]);
  const firstMissing = () => groups.findIndex((g) => checkedValue(g) === undefined);
  let current = Math.max(0, firstMissing());
  groups.forEach((g, i) => g.fieldset.addEventListener('focusin', () => (current = i)));
  const keyValues = new Map(
    groups.length ? choicesOf(groups[0].dimension).flatMap((c) => c.keys.map((k) => [k.toLowerCase(), c.value])) : [],
  );
  return {
    fieldsets: groups.map((g) => g.fieldset),
    value: () => {
      const values = Object.fromEntries(groups.map((g) => [g.dimension.key, checkedValue(g)]));
      return Object.values(values).every((v) => v !== undefined) ? toAnswer(values as Record<string, string>) : null;
    },
    focusMissing: () => {
      const missing = firstMissing();
      if (missing < 0) return null;
      focusGroup(groups[missing]);
      return groups[missing].dimension.label;
    },
    applyKey: (key) => {
      const value = keyValues.get(key.toLowerCase());
      if (value === undefined) return false;
      select(groups[current], value);
      if (current < groups.length - 1) focusGroup(groups[current + 1]);
      else focusSubmit();
      return true;
    },
  };
}
