"""Reports of the night logbook: figures per night, location and organisation (page, CSV and
JSON), the morning handover report and an organisation's own history."""
