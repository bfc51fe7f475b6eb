import { describe, expect, it } from 'vitest';
import { creatableGoalTypes } from './goal-labels';

describe('creatableGoalTypes', () => {
  it('offers a supervisee personal goals only', () => {
    expect(creatableGoalTypes([])).toEqual(['INDIVIDUAL']);
  });

  it('adds each organisational type with its own permission', () => {
    expect(creatableGoalTypes(['goal_create_quarterly'])).toEqual(['INDIVIDUAL', 'QUARTERLY']);
    expect(creatableGoalTypes(['goal_create_yearly'])).toEqual(['INDIVIDUAL', 'YEARLY']);
    expect(creatableGoalTypes(['admin', 'goal_create_yearly', 'goal_create_quarterly'])).toEqual(['INDIVIDUAL', 'QUARTERLY', 'YEARLY']);
  });

  it('does not treat admin as a permission to create organisational goals', () => {
    expect(creatableGoalTypes(['admin'])).toEqual(['INDIVIDUAL']);
  });
});
