"""Oversight and follow-up: the annual report (Art. 19), the Inspector's inspections and the
whistle-blowing intake, timeliness, reminders and the jobs that send them."""
