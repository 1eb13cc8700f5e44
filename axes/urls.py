from django.urls import path

from axes import views

urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("programme/<str:code>/", views.noeud_detail, name="noeud"),
]
