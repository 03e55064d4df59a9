interface Shell {
  topbar: HTMLElement;
  main: HTMLElement;
  announcer: HTMLElement;
}

/**
 * The rater's session: shows the current task, sends answers and undos, and turns failures into messages.
 * One request at a time: while one is in flight the buttons are disabled and keys do nothing.
 */
class RaterSession {
  private view: RaterTaskView | null = null;
  private screen: TaskScreen | null = null;
  private undoButton: HTMLButtonElement | null = null;
  private shownAt = 0;
  private busy = false;
  private firstTaskMarked = false;

  constructor(
    private readonly link: RaterLink,
    private readonly shell: Shell,
  ) {
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Shows the current task; resolves whether it could. */
  async load(): Promise<boolean> {
    return (await this.request('load', () => fetchTask(this.link))) === null;
  }

  private async submit(): Promise<void> {
    const task = this.view?.task;
    if (this.busy || !task || !this.screen) return;
    const answer = this.screen.form.value();
    if (!answer) {
      const missing = this.screen.form.focusMissing();
      this.notify(`Answer “${missing}” first.`);
      return;
    }
    const started = performance.now();
    // the API takes at most a day: a task left open overnight is still answerable
    const elapsedMs = Math.min(Math.round(started - this.shownAt), 86_400_000);
    const failure = await this.request(
      'answer',
      () => postAnswer(this.link, { assignmentId: task.assignmentId, answer, elapsedMs }),
      'Answer saved.',
    );
    if (!failure) performance.measure('rater:answer', { start: started });
    // the task was taken back: what is current now is another task
    else if (failure.code === 'item_not_assigned' && (await this.load())) this.notify(describeFailure(failure, 'answer').detail);
  }

  private async undo(): Promise<void> {
    if (this.busy || !this.view?.canUndo) return;
    await this.request('undo', () => postUndo(this.link), 'Your last answer is open again: change it and submit.');
  }

  /** Runs one API call and shows its view; a failure becomes a message and is resolved with (null: shown). */
  private async request(
    during: 'load' | 'answer' | 'undo',
    call: () => Promise<RaterTaskView>,
    announcement?: string,
  ): Promise<ApiFailure | null> {
    if (this.busy) return new ApiFailure(0, 'busy', 'a request is in flight');
    this.setBusy(true);
    try {
      this.show(await call(), announcement);
      return null;
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      this.fail(e, during);
      return e;
    } finally {
      this.setBusy(false);
    }
  }

  private show(view: RaterTaskView, announcement?: string): void {
    this.view = view;
    // the server renders the shell before it knows the study: the tab takes its name once the task is here
    document.title = `${view.study.name} · Assay`;
    const bar = topbar(view, () => void this.undo());
    this.undoButton = bar.undo;
    this.shell.topbar.replaceChildren(bar.element);
    if (view.task) {
      this.screen = taskScreen(view, view.task, () => void this.load());
      this.screen.formElement.addEventListener('submit', (e) => {
        e.preventDefault();
        void this.submit();
      });
      this.shell.main.replaceChildren(this.screen.element);
      this.screen.heading.focus();
      this.shownAt = performance.now();
      if (!this.firstTaskMarked) this.markFirstTask(this.screen.element);
    } else {
      this.screen = null;
      const finished = finishedScreen(view);
      this.shell.main.replaceChildren(finished.element);
      finished.heading.focus();
    }
    if (announcement) this.announce(view.task ? announcement : `${announcement} All done — thank you!`);
  }

  private fail(failure: ApiFailure, during: 'load' | 'answer' | 'undo'): void {
    const message = describeFailure(failure, during);
    if (message.final || during === 'load' || !this.screen) {
      // a dead link shows no tasks, no progress and no undo: nothing on the page can work any more
      if (message.final) this.shell.topbar.replaceChildren();
      this.screen = null;
      if (message.final) this.view = null;
      const screen = failureScreen(message, message.final ? null : () => void this.load());
      this.shell.main.replaceChildren(screen.element);
      screen.heading.focus();
      this.announce(`${message.title}. ${message.detail}`);
      return;
    }
    this.notify(message.detail);
  }

  private onKey(event: KeyboardEvent): void {
    if (!isShortcutKey(event)) return;
    if (event.key === 'u' || event.key === 'U' || event.key === 'Backspace') {
      if (this.view?.canUndo) {
        event.preventDefault();
        void this.undo();
      }
      return;
    }
    if (!this.screen) return;
    if (event.key === 'Enter') {
      if (activatesOnEnter(event.target)) return;
      event.preventDefault();
      this.screen.formElement.requestSubmit();
      return;
    }
    if (this.busy || event.repeat) return;
    if (this.screen.form.applyKey(event.key)) event.preventDefault();
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    if (this.screen) {
      this.screen.submit.disabled = busy;
      this.screen.formElement.setAttribute('aria-busy', String(busy));
    }
    if (this.undoButton) this.undoButton.disabled = busy || !this.view?.canUndo;
  }

  /** A message beside the submit button, read out as well. */
  private notify(text: string): void {
    if (this.screen) {
      this.screen.notice.textContent = text;
      this.screen.notice.hidden = false;
    }
    this.announce(text);
  }

  private announce(text: string): void {
    // cleared first so that the same words twice in a row are read twice
    this.shell.announcer.textContent = '';
    requestAnimationFrame(() => (this.shell.announcer.textContent = text));
  }

  /** The first task is painted once its images are decoded and a frame has gone by. */
  private markFirstTask(screen: HTMLElement): void {
    this.firstTaskMarked = true;
    void imagesDecoded(screen).then(() => requestAnimationFrame(() => setTimeout(() => performance.mark('rater:first-task'))));
  }
}
