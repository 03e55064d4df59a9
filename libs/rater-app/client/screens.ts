/** The bar above every screen: the study, the rater, progress and undo. */
function topbar(view: RaterTaskView, onUndo: () => void): { element: HTMLElement; undo: HTMLButtonElement } {
  const { answered, target } = view.progress;
  const undo = el(
    'button',
    { type: 'button', class: 'secondary undo', disabled: !view.canUndo, 'aria-keyshortcuts': 'U Backspace' },
    'Undo last answer ',
    kbd('U'),
  );
  undo.addEventListener('click', onUndo);
  const element = el(
    'div',
    { class: 'topbar-inner' },
    el(
      'div',
      { class: 'who' },
      el('p', { class: 'study-name' }, view.study.name),
      el('p', { class: 'rater-name' }, `Rating as ${view.rater.name}`),
    ),
    el(
      'div',
      { class: 'progress' },
      el('label', { for: 'progress-bar' }, el('span', { class: 'visually-hidden' }, 'Progress: '), `${answered} of ${target}`),
      el('progress', { id: 'progress-bar', max: Math.max(target, 1), value: Math.min(answered, target) }),
    ),
    undo,
  );
  return { element, undo };
}

interface TaskScreen {
  element: HTMLElement;
  heading: HTMLElement;
  form: AnswerForm;
  formElement: HTMLFormElement;
  submit: HTMLButtonElement;
  /** where a failure to save shows, beside the submit button */
  notice: HTMLElement;
}

/** One task: heading, prompt and assets on the stage; the rubric and the answer controls in the panel beside it. */
function taskScreen(view: RaterTaskView, task: RaterTask, onBroken: () => void): TaskScreen {
  const { answered, target } = view.progress;
  const heading = el('h1', { id: 'task-heading', tabindex: -1 }, `Task ${Math.min(answered + 1, target)} of ${target}`);
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Submit answer ', kbd('Enter'));
  const form = answerFormFor(view.study, task.previous, () => submit.focus());
  const notice = el('p', { class: 'notice', hidden: true });
  const formElement = el(
    'form',
    { class: 'panel', 'aria-label': 'Your answer', novalidate: true },
    task.previous ? el('p', { class: 'reopened' }, 'You are changing an earlier answer: it is selected below.') : null,
    studyInstructions(view.study),
    ...form.fieldsets,
    notice,
    el('div', { class: 'actions' }, submit),
  );
  const stage = el(
    'section',
    { class: 'stage', 'aria-labelledby': 'task-heading' },
    heading,
    task.prompt !== undefined
      ? el('p', { class: 'prompt' }, el('span', { class: 'prompt-label' }, 'Prompt'), el('span', { class: 'text' }, task.prompt))
      : null,
    renderAssets(task, onBroken),
  );
  return {
    element: el('div', { class: 'task-layout', 'data-protocol': view.study.protocol }, stage, formElement),
    heading,
    form,
    formElement,
    submit,
    notice,
  };
}

/** The end of the rater's work (task null). */
function finishedScreen(view: RaterTaskView): { element: HTMLElement; heading: HTMLElement } {
  const { answered, target } = view.progress;
  // nothing answered and nothing to do: the study is closed or already fully rated by others
  const heading = el('h1', { tabindex: -1 }, answered > 0 ? 'All done — thank you!' : 'Nothing to rate');
  const summary =
    answered > 0
      ? `You answered ${answered} of ${target} tasks. There is nothing more to rate: you can close this page.`
      : 'There is nothing for you to rate in this study: it may be closed or already fully rated. You can close this page.';
  const element = el(
    'section',
    { class: 'message-screen' },
    heading,
    el('p', {}, summary),
    view.canUndo ? el('p', {}, 'To change your last answer, use “Undo last answer” above.') : null,
  );
  return { element, heading };
}

/** A failure shown instead of the task: a dead link (no way forward) or a failed load (retry). */
function failureScreen(message: FailureMessage, onRetry: (() => void) | null): { element: HTMLElement; heading: HTMLElement } {
  const heading = el('h1', { tabindex: -1 }, message.title);
  let retry: HTMLButtonElement | null = null;
  if (onRetry) {
    retry = el('button', { type: 'button', class: 'primary' }, 'Try again');
    retry.addEventListener('click', onRetry);
  }
  const element = el(
    'section',
    { class: 'message-screen', 'data-failure': message.final ? 'final' : 'retry' },
    heading,
    el('p', {}, message.detail),
    retry,
  );
  return { element, heading };
}
