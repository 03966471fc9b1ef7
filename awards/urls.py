from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    # Certificates for staff, scoped per user.
    path("piagam/", views.certificate_cycles, name="certificate-cycles"),
    path("piagam/<int:cycle_id>/", views.certificate_list, name="certificate-list"),
    path("piagam/<int:cycle_id>/batch", views.certificate_batch, name="certificate-batch"),
    path("piagam/rt/<int:award_id>/unduh", views.certificate_download, name="certificate-pdf"),
    path(
        "piagam/rt/<int:award_id>/buat-ulang",
        views.certificate_regenerate,
        name="certificate-regenerate",
    ),
    # The payment list of a cycle (xlsx), scoped per user.
    path("pembayaran/<int:cycle_id>/xlsx", views.payments_export, name="payments-xlsx"),
    # Public verification of decrees and certificates (no login).
    path("verifikasi/", views.verify_form, name="verify-form"),
    path("verifikasi/<str:code>", views.verify, name="verify"),
]
