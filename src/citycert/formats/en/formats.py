# Day, month, year: as the rest of the program's writing does (not "Nov. 29, 2026").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
# A time of day on the 24-hour clock, as DATETIME_FORMAT writes it (not "2:05 p.m.").
TIME_FORMAT = "H:i"
