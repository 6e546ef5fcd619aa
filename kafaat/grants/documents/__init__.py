"""The grants documents: the decision letters to applicants (`letters.letter_pdf`)."""
