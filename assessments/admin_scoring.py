from django.contrib import admin  # noqa: F401

# Admin for Assessment (read-only sheets, reopen with reason).
