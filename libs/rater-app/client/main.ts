/** Starts the page: the shell's elements are rendered by the server (renderRaterPage). */
function startRaterApp(): void {
  const shell: Shell = {
    topbar: document.getElementById('topbar')!,
    main: document.getElementById('main')!,
    announcer: document.getElementById('announcer')!,
  };
  const link = raterLinkFrom(location.pathname);
  if (!link) {
    shell.main.replaceChildren(
      failureScreen(describeFailure(new ApiFailure(0, 'rater_token_invalid', 'malformed link'), 'load'), null).element,
    );
    return;
  }
  void new RaterSession(link, shell).load();
}

startRaterApp();
