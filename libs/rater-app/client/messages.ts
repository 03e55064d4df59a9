/** What an annotator reads about a failure: no codes, no jargon, and what to do next. */
interface FailureMessage {
  title: string;
  detail: string;
  /** the link cannot work any more: the page shows this instead of tasks, with nothing to retry */
  final: boolean;
}

const WHAT_FAILED = { load: 'load your task', answer: 'save the answer', undo: 'undo the answer' } as const;
const ASK_OWNER = 'ask the study owner for a new one';

function describeFailure(failure: ApiFailure, during: 'load' | 'answer' | 'undo'): FailureMessage {
  switch (failure.code) {
    case 'rater_token_expired':
      return { title: 'This link has expired', detail: `This link has expired; ${ASK_OWNER}.`, final: true };
    case 'rater_token_invalid':
    case 'study_not_found':
      return {
        title: 'This link is not valid',
        detail: `This link does not open this study. Check that you copied the whole link, or ${ASK_OWNER}.`,
        final: true,
      };
    case 'study_closed':
      return {
        title: 'This study is closed',
        detail: 'Thank you for your help: the study has finished and needs no more answers. You can close this page.',
        final: true,
      };
    case 'item_not_assigned':
      return during === 'undo'
        ? { title: 'Nothing to undo', detail: 'There is no earlier answer to change.', final: false }
        : {
            title: 'This task moved on',
            detail:
              'This task was given back to the pool (it was open a long time), so your answer to it was not kept. Here is your next task.',
            final: false,
          };
    case 'answer_invalid':
      return {
        title: 'Answer not accepted',
        detail: `The answer was not accepted: ${failure.message}. Check every question and submit again.`,
        final: false,
      };
    case 'asset_link_invalid':
      return {
        title: 'Media link expired',
        detail: 'The media links of this task have expired. Reload the task to get fresh ones.',
        final: false,
      };
    case 'network':
      return {
        title: 'No connection',
        detail: 'The server could not be reached. Check your connection and try again; nothing was lost.',
        final: false,
      };
    default:
      return {
        title: 'Something went wrong',
        detail: `The server could not ${WHAT_FAILED[during]} (error ${failure.status}). Try again in a moment.`,
        final: false,
      };
  }
}
