"""The grants pages in three parts: applying (calls and the applicant's side), reviewing (screening,
assignment, conflicts, scoring, ranking, decisions) and funding (agreements, tranches, reports, results)."""
