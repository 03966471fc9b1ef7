from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("verifikasi/", views.verify_form, name="verify-form"),
    path("verifikasi/<str:code>", views.verify, name="verify"),
]
