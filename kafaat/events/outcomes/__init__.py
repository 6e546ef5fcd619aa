"""What came of an event for its participants: certificates, knowledge scores and survey, trainers'
completions."""
