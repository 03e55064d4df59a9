// The contract's shapes, as type queries: an `import` statement would make these files modules.
type RaterTaskView = import('@assay/contracts').RaterTaskView;
type RaterAnswer = import('@assay/contracts').RaterAnswer;
type RubricDimension = import('@assay/contracts').RubricDimension;
type StudyView = RaterTaskView['study'];
type RaterTask = NonNullable<RaterTaskView['task']>;
type TaskAsset = RaterTask['assets'][number];
type AnswerValue = RaterAnswer['answer'];
