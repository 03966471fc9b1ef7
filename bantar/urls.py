from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from rt_registry import views as registry_views

admin.site.site_header = "Portal Kampung BANTAR Kota Jambi"
admin.site.site_title = "Kampung BANTAR"
admin.site.index_title = "Administrasi Lomba Kampung BANTAR"

urlpatterns = [
    path("", TemplateView.as_view(template_name="public/home.html"), name="public-home"),
    path("masuk/", registry_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", registry_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
    path("", include("documents.urls")),  # /dokumen/<job>/: background PDFs
    path("", include("awards.urls")),
    path("", include("dashboards.urls")),  # /dasbor/, /hasil/, /cek-mandiri/ (issue 11)
]

# Nothing serves MEDIA_ROOT, not even with DEBUG on: stored decrees, certificates and
# berita acara leave only through their scoped download views, and import files waiting
# for confirmation (also under MEDIA_ROOT) never leave at all.
