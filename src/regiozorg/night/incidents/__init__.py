"""One incident from acknowledgement to its logbook entry: its page and steps, the mobile
carer's view of their task, and the incident-steps API. Linking an unknown sender is done on
the incident's page and API; what it writes and searches is ``night.senders``."""
