"""The four roles. *What* a role may do is its group's permissions (kept in sync after
every migrate); *which rows* is the scope on the user's profile (models.ScopedQuerySet)."""

ADMIN_DPMPPA = "Admin DPMPPA"
PETUGAS_KECAMATAN = "Petugas Kecamatan"
PETUGAS_KELURAHAN = "Petugas Kelurahan"
TIM_PENILAI = "Tim Penilai"
ALL_ROLES = [ADMIN_DPMPPA, PETUGAS_KECAMATAN, PETUGAS_KELURAHAN, TIM_PENILAI]

# "app_label.codename" per role. Later apps add theirs here; sync_role_permissions()
# applies this after every migrate, so the groups always match the code.
ROLE_PERMISSIONS = {
    ADMIN_DPMPPA: [
        "rt_registry.view_kecamatan",
        "rt_registry.view_kelurahan",
        "rt_registry.add_rt",
        "rt_registry.change_rt",
        "rt_registry.delete_rt",
        "rt_registry.view_rt",
        "rt_registry.view_officerprofile",
        # Officer accounts: role and scope in the user admin (never superusers).
        "rt_registry.add_officerprofile",
        "rt_registry.change_officerprofile",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "assessments.add_cycle",
        "assessments.change_cycle",
        "assessments.view_cycle",
        "assessments.add_indicatorset",
        "assessments.change_indicatorset",
        "assessments.view_indicatorset",
        "assessments.add_indicator",
        "assessments.change_indicator",
        "assessments.delete_indicator",
        "assessments.view_indicator",
        "assessments.add_proposal",
        "assessments.change_proposal",
        "assessments.delete_proposal",
        "assessments.view_proposal",
        "assessments.verify_proposal",
        "assessments.assign_proposal",
        "assessments.add_team",
        "assessments.change_team",
        "assessments.delete_team",
        "assessments.view_team",
        "assessments.add_teammember",
        "assessments.change_teammember",
        "assessments.delete_teammember",
        "assessments.view_teammember",
        "assessments.add_conflictofinterest",
        "assessments.delete_conflictofinterest",
        "assessments.view_conflictofinterest",
        # Sheets are read-only in the admin; reopening is scoring.reopen_sheet.
        "assessments.view_assessment",
        "assessments.view_score",
        # Decision meeting (admin_meeting.py); decisions are written on the Keputusan page.
        "assessments.add_meeting",
        "assessments.change_meeting",
        "assessments.delete_meeting",
        "assessments.view_meeting",
        "assessments.add_meetingattendee",
        "assessments.change_meetingattendee",
        "assessments.delete_meetingattendee",
        "assessments.view_meetingattendee",
        "assessments.view_decision",
        "documents.view_documentjob",
    ],
    PETUGAS_KECAMATAN: [
        "assessments.view_cycle",
        "assessments.view_proposal",
        "assessments.verify_proposal",
        "rt_registry.view_kecamatan",
        "rt_registry.view_kelurahan",
        "rt_registry.view_rt",
    ],
    PETUGAS_KELURAHAN: [
        "assessments.view_cycle",
        "assessments.add_proposal",
        "assessments.change_proposal",
        "assessments.delete_proposal",
        "assessments.view_proposal",
        "rt_registry.view_kecamatan",
        "rt_registry.view_kelurahan",
        "rt_registry.add_rt",
        "rt_registry.change_rt",
        "rt_registry.delete_rt",
        "rt_registry.view_rt",
    ],
    TIM_PENILAI: [],
}

# Awards and the decree (awards/README.md): DPMPPA drafts and finalises decrees and records
# prize payments; kecamatan and kelurahan officers see the awards of their scope.
ROLE_PERMISSIONS[ADMIN_DPMPPA] += [
    "awards.view_award",
    "awards.change_award",
    "awards.add_decree",
    "awards.change_decree",
    "awards.delete_decree",
    "awards.view_decree",
]
# «Identitas dokumen» (i9-sk): the emblems, letterhead address and signers' names.
ROLE_PERMISSIONS[ADMIN_DPMPPA] += [
    "awards.add_documentidentity",
    "awards.change_documentidentity",
    "awards.view_documentidentity",
]
ROLE_PERMISSIONS[PETUGAS_KECAMATAN] += ["awards.view_award"]
ROLE_PERMISSIONS[PETUGAS_KELURAHAN] += ["awards.view_award"]


def _in_group(user, name):
    if not user.is_authenticated:
        return False
    # Cache the names once per request-bound user object: roles are asked often.
    names = getattr(user, "_bantar_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._bantar_groups = names
    return name in names


def is_admin_dpmppa(user):
    return user.is_superuser or _in_group(user, ADMIN_DPMPPA)


def is_kecamatan_officer(user):
    return _in_group(user, PETUGAS_KECAMATAN)


def is_kelurahan_officer(user):
    return _in_group(user, PETUGAS_KELURAHAN)


def is_assessor(user):
    return _in_group(user, TIM_PENILAI)


def sync_role_permissions(using="default"):
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
