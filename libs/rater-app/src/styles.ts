/**
 * The page's stylesheet. Text colours keep ≥ 4.5:1 on their backgrounds; the task fits a 1366×768 laptop
 * without scrolling; under 960 px (a tablet in portrait) the panel goes below the stage and a pair stacks.
 */
export const RATER_STYLES = `
:root {
  color-scheme: light;
  --ink: #1b1b1f;
  --muted: #4a4a55;
  --line: #b8b8c2;
  --page: #f3f3f6;
  --panel: #ffffff;
  --accent: #0b57d0;
  --accent-soft: #e3ecfc;
  --danger: #a50e0e;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
h1:focus { outline: none; }
h1:focus-visible { outline: 3px solid var(--accent); }

.topbar { background: var(--panel); border-bottom: 1px solid var(--line); }
.topbar-inner { display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1rem; flex-wrap: wrap; }
.who { flex: 1 1 12rem; min-width: 0; }
.who p, .topbar .study-name { margin: 0; }
.study-name { font-weight: 600; }
.rater-name { color: var(--muted); font-size: 0.875rem; }
.progress { display: flex; align-items: center; gap: 0.5rem; font-variant-numeric: tabular-nums; }
progress { width: 10rem; height: 0.75rem; accent-color: var(--accent); }

.main { padding: 1rem; }
.loading { color: var(--muted); }
.task-layout { display: grid; grid-template-columns: minmax(0, 1fr) 21rem; gap: 1rem; align-items: start; }
.task-layout:not([data-protocol="pairwise"]) { grid-template-columns: minmax(0, 1fr) 27rem; }
.stage h1 { font-size: 1.25rem; margin: 0 0 0.5rem; }
.prompt { margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; background: var(--panel); border-left: 4px solid var(--accent); font-size: 1.0625rem; }
.prompt-label { font-weight: 600; margin-right: 0.5rem; }
.text { white-space: pre-line; margin: 0; }

.assets { display: grid; gap: 1rem; }
.assets-pair { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
.asset { margin: 0; display: flex; flex-direction: column; gap: 0.25rem; }
.frame {
  height: calc(100vh - 14rem); min-height: 15rem; background: #202024; border-radius: 6px; overflow: hidden;
  display: flex; align-items: center; justify-content: center;
}
.frame img, .frame video { display: block; width: 100%; height: 100%; object-fit: contain; }
.frame-audio { height: auto; min-height: 0; padding: 1.5rem 1rem; background: var(--panel); border: 1px solid var(--line); }
.frame-audio audio { width: 100%; }
figcaption { font-weight: 600; text-align: center; }
.asset-error { margin: 1rem; color: #ffffff; text-align: center; }

.panel { display: flex; flex-direction: column; gap: 0.875rem; padding: 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.instructions h2 { font-size: 1rem; margin: 0 0 0.25rem; }
.reopened { margin: 0; padding: 0.5rem 0.75rem; background: #fff1dc; border-left: 4px solid #9a4d00; }
.question { margin: 0; padding: 0.5rem 0.75rem 0.75rem; border: 1px solid var(--line); border-radius: 6px; }
.question legend { font-weight: 600; padding: 0 0.25rem; }
.dimension-instructions { color: var(--muted); font-size: 0.9375rem; margin-bottom: 0.5rem; }
.choices { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.choice {
  flex: 1 1 0; min-width: 3.25rem; display: flex; flex-direction: column; align-items: center; gap: 0.125rem;
  padding: 0.375rem 0.25rem; border: 2px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; text-align: center;
}
.choice input { margin: 0; accent-color: var(--accent); }
.choice:has(input:checked) { border-color: var(--accent); background: var(--accent-soft); }
.choice:has(input:focus-visible) { outline: 3px solid var(--accent); outline-offset: 2px; }
.choice input:focus-visible { outline: none; }
.choice-label { font-weight: 600; }
kbd.choice-label { font-size: 1rem; padding: 0 0.5rem; }
.choice-hint { font-size: 0.8125rem; color: var(--muted); line-height: 1.25; }
.examples summary { cursor: pointer; color: var(--accent); font-weight: 600; }
.examples ul { margin: 0.5rem 0 0; padding-left: 1.25rem; }
.examples li { margin-bottom: 0.5rem; }
.example-answer { margin: 0; font-weight: 600; }

kbd {
  font: 600 0.8125rem/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--ink); background: #fafafa;
  border: 1px solid #767680; border-bottom-width: 2px; border-radius: 3px; padding: 0 0.3rem;
}
.keys { display: inline-flex; gap: 0.25rem; }
button { font: inherit; border-radius: 6px; padding: 0.5rem 1rem; cursor: pointer; }
button:disabled { cursor: not-allowed; opacity: 0.6; }
.primary { color: #ffffff; background: var(--accent); border: 2px solid var(--accent); font-weight: 600; }
.secondary { color: var(--accent); background: var(--panel); border: 2px solid var(--accent); }
.actions { display: flex; justify-content: flex-end; }
.notice { margin: 0; color: var(--danger); font-weight: 600; }
.notice[hidden] { display: none; }

.message-screen { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.message-screen h1 { margin-top: 0; font-size: 1.5rem; }

@media (max-width: 960px) {
  .task-layout, .task-layout:not([data-protocol="pairwise"]) { grid-template-columns: minmax(0, 1fr); }
  .assets-pair { grid-template-columns: minmax(0, 1fr); }
  .frame { height: 42vh; }
  .assets-pair .frame { height: 27vh; }
}
`;
