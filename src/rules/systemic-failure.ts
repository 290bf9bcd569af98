import { defineRule } from './api.js';

// Placeholder while the rule is being written (issue 5): the docs/test completeness test fails on it.
export default defineRule({
  meta: {
    id: 'systemic-failure',
    type: 'problem',
    description: 'TODO',
    severity: 'warn',
    messages: { todo: 'TODO' },
  },
  create: () => ({}),
});
