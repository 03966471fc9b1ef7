from django.contrib import admin  # noqa: F401

# Admin for Meeting, MeetingAttendee, Decision, DocumentJob.
