"""Alarm intake: alarms of the alarm platforms (JSON and SCAIP) and calls taken at the desk
become incidents, each counted once."""
