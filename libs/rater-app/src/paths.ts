/** Where the backend serves the page's script and stylesheet: same origin, as the page's CSP requires. */
export const RATER_APP_PATHS = { script: '/rate/_app/rater.js', styles: '/rate/_app/rater.css' } as const;
