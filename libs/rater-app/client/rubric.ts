/** The study's instructions, kept on screen beside every task. */
function studyInstructions(study: StudyView): HTMLElement {
  return el(
    'section',
    { class: 'instructions', 'aria-label': 'Instructions' },
    el('h2', {}, 'Instructions'),
    el('p', { class: 'text' }, study.instructions),
  );
}

/** A dimension's own instructions (the id lets its controls point at them) and its worked examples. */
function dimensionGuide(dimension: RubricDimension, instructionsId: string): HTMLElement[] {
  const guide: HTMLElement[] = [el('p', { class: 'dimension-instructions text', id: instructionsId }, dimension.instructions)];
  if (dimension.examples.length > 0) {
    guide.push(
      el(
        'details',
        { class: 'examples' },
        el('summary', {}, `Examples (${dimension.examples.length})`),
        el(
          'ul',
          {},
          ...dimension.examples.map((x) =>
            el('li', {}, el('p', { class: 'example-answer' }, x.answer), el('p', { class: 'text' }, x.description)),
          ),
        ),
      ),
    );
  }
  return guide;
}
