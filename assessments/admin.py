from django.contrib import admin  # noqa: F401

# Admin classes by topic; each module registers its own (owners: see assessments/README.md).
from assessments import admin_meeting, admin_scoring  # noqa: E402, F401
