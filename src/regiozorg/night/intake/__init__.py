"""Alarm intake: alarms of the alarm platforms (JSON and SCAIP) become incidents, each
counted once; a call taken at the desk (``night.console``) opens its incident the same way."""
