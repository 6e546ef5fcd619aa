"""Sign-in sheets: reading their rows, matching them to registrants, contacts and beneficiaries, the
import job."""
