"""One incident from acknowledgement to its logbook entry: its page and steps, linking an
unknown sender, the mobile carer's view of their task, and the incident-steps API."""
