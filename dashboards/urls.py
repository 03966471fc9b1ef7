from django.urls import path

from dashboards import public_views, views

app_name = "dashboards"

urlpatterns = [
    # Staff (views.py), scoped to the officer's area.
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/indikator/", views.indicators, name="indicators"),
    path("dasbor/rt/<int:rt_id>/", views.rt_detail, name="rt-detail"),
    path("dasbor/<int:cycle_id>/xlsx/<slug:key>", views.table_xlsx, name="table-xlsx"),
    # Public (public_views.py): results of the decree in force, the self-check.
    path("hasil/", public_views.results_index, name="results"),
    path("hasil/<int:year>/<int:period>/", public_views.results_cycle, name="results-cycle"),
    path(
        "hasil/<int:year>/<int:period>/pemenang.csv",
        public_views.results_csv,
        name="results-csv",
    ),
    path(
        "hasil/kelurahan/<int:kelurahan_id>/",
        public_views.results_kelurahan,
        name="results-kelurahan",
    ),
    path("cek-mandiri/", public_views.self_check, name="self-check"),
    path("cek-mandiri/sw.js", public_views.self_check_service_worker, name="self-check-sw"),
]
