export { renderRaterPage, type RaterPageOptions } from './page.js';
export { RATER_SCRIPT } from './script.js';
export { RATER_STYLES } from './styles.js';
export { RATER_APP_PATHS } from './paths.js';
