"""The portal's URLs plus the floor: a bare view rendering a minimal template."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path

from cper.urls import urlpatterns as urls_portail


@login_not_required
def plancher(request):
    return render(request, "bench/plancher.html", {"titre": "Plancher du banc de mesure"})


urlpatterns = [path("bench/plancher/", plancher, name="bench-plancher"), *urls_portail]
