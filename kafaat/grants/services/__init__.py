"""The grants rules, by part of the process; callers import the module they need:

- `workflow`: take a procedure's transition by name (every state change of an application goes through it);
- (calls, applications: the officer's set-up and the applicant's side; screening, assignment, scoring,
  ranking, decisions: the review; agreements, tranches, reports, measures: the money and the results.)
"""
