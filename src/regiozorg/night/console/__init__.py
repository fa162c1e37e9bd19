"""The desk's overview of the night: the live queue, the carers' board, a call taken at the
desk, the live event stream, and the escalation of incidents left waiting."""
