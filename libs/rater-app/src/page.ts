import { RATER_APP_PATHS } from './paths.js';

export interface RaterPageOptions {
  studyId: string;
  /** the study's name, for the tab title before the script has loaded the task */
  title?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };
const escapeHtml = (text: string) => text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);

/**
 * The rater page as the server sends it: an empty shell the script fills with the rater's tasks (it reads the
 * study and token from the address). No inline script or style, so the page runs under a `'self'`-only CSP.
 */
export function renderRaterPage(opts: RaterPageOptions): string {
  const title = escapeHtml(opts.title ?? 'Rating');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title} · Assay</title>
<link rel="stylesheet" href="${RATER_APP_PATHS.styles}">
<script src="${RATER_APP_PATHS.script}" defer></script>
</head>
<body data-study-id="${escapeHtml(opts.studyId)}">
<header id="topbar" class="topbar"><div class="topbar-inner"><p class="study-name">${title}</p></div></header>
<main id="main" class="main">
<p class="loading">Loading your task…</p>
<noscript><p class="noscript">This rating page needs JavaScript. Turn it on for this site, or open the link in another browser.</p></noscript>
</main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></div>
</body>
</html>
`;
}
