"""French: 1 031 and 9,7 % with a narrow no-break space (U+202F), the French typographic norm; 07/12/2026."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"  # Django's is a no-break space (U+00A0): one separator everywhere, ours
NUMBER_GROUPING = 3
