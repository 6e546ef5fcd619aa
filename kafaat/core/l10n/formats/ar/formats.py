"""Arabic as written in Morocco's administration: Western digits (0-9), the French separators (1 031, 9,7 %)
and day-first dates (07/12/2026, 7 دجنبر 2026, 24-hour times). The month names are Morocco's (يناير … ماي
… يوليوز غشت شتنبر … نونبر دجنبر): the project catalogue (kafaat/locale/ar) translates Django's month
names, which the date formats below print.

Django's Arabic formats group thousands with "." (1.031 reads as one and a bit to an English reader), put
the day after the month name and leave DATETIME_FORMAT and SHORT_DATETIME_FORMAT to the US defaults
("ديسمبر 7, 2026", 12/07/2026): all replaced here.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"  # no RLM marks: a run of digits and slashes reads left to right, as in French
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Morocco
# ISO first: <input type="date"> needs it; then the day-first forms people type (never the US month-first).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
